//! The account page: profile, invitations to the user's address, active sessions with
//! "Log out other sessions", change of password and of email address, and the emailed
//! address links (confirmation at sign-up, change of address).

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::respond::{finish, refused, render};
use crate::domain::accounts::confirmation::{self, LinkPreview};
use crate::domain::accounts::sessions::{self, ActiveSession};
use crate::domain::accounts::{self, EmailAddress, NewPassword};
use crate::domain::billing;
use crate::domain::billing::Plan;
use crate::domain::campaigns::windows;
use crate::domain::team::invitation_answers::{self, InvitationCard};

const ACCOUNT: &str = "/account";

#[derive(Template)]
#[template(path = "account/overview.html")]
struct AccountPage {
    ctx: PageContext,
    name: String,
    email: String,
    plan: Plan,
    invitations: Vec<InvitationCard>,
    unconfirmed_email: Option<String>,
    sessions: Vec<ActiveSession>,
    /// What was typed into "Change email address" and why it was refused.
    new_email: String,
    email_error: Option<String>,
    password_error: Option<String>,
    /// The time zone: stored, or as typed when refused (`zone_error`).
    time_zone: String,
    zone_error: Option<String>,
}

/// What a refused account form puts back on the page.
#[derive(Default)]
struct Refusal {
    new_email: String,
    email_error: Option<String>,
    password_error: Option<String>,
    /// A refused time zone as typed, with why.
    zone: Option<(String, String)>,
}

async fn account_page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let (me, this_session, now) = (user.user.clone(), user.session_id, state.clock.now());
    let (invitations, sessions, stored_zone) = state
        .db(move |conn| {
            let invitations = invitation_answers::pending_for(conn, &me, now)?;
            let sessions = sessions::active(conn, &me, this_session, now)?;
            Ok((invitations, sessions, windows::user_zone(conn, me.id)?))
        })
        .await?;
    let (time_zone, zone_error) = match refusal.zone {
        Some((typed, why)) => (typed, Some(why)),
        None => (stored_zone, None),
    };
    render(&AccountPage {
        ctx: PageContext::new(session, state, Some(user)),
        plan: billing::effective_plan(&user.user, now),
        name: user.user.name.clone(),
        email: user.user.email.clone(),
        invitations,
        unconfirmed_email: user.unconfirmed_email(),
        sessions,
        new_email: refusal.new_email,
        email_error: refusal.email_error,
        password_error: refusal.password_error,
        time_zone,
        zone_error,
    })
}

#[derive(Deserialize)]
struct ZoneForm {
    #[serde(default)]
    time_zone: String,
}

/// The user's time zone (IANA name): the default zone of their campaigns' schedules.
#[post("/account/time-zone")]
async fn change_time_zone(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<ZoneForm>,
) -> Result<HttpResponse, AppError> {
    let (me, typed) = (user.id(), form.time_zone.clone());
    let outcome = state
        .db(move |conn| windows::set_user_zone(conn, me, &typed))
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), ACCOUNT),
        Err(message) => {
            let refusal = Refusal {
                zone: Some((form.time_zone, message)),
                ..Refusal::default()
            };
            account_page(&state, &session, &user, refusal).await
        }
    }
}

#[get("/account")]
async fn account(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    account_page(&state, &session, &user, Refusal::default()).await
}

#[post("/account/sessions/log-out-others")]
async fn log_out_others(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (me, this_session, now) = (user.user, user.session_id, state.clock.now());
    let outcome = state
        .db(move |conn| sessions::end_others(conn, &me, this_session, now))
        .await;
    finish(&session, outcome, ACCOUNT)
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

#[post("/account/password")]
async fn change_password(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let (me, this_session) = (user.user.clone(), user.session_id);
    let (cost, now, current) = (
        state.settings.bcrypt_cost,
        state.clock.now(),
        form.current_password,
    );
    let outcome = state
        .run(NewPassword::parse(&form.new_password), move |conn, new| {
            accounts::change_password(conn, &me, this_session, &current, new, cost, now)
        })
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), ACCOUNT),
        Err(message) => {
            let refusal = Refusal {
                password_error: Some(message),
                ..Refusal::default()
            };
            account_page(&state, &session, &user, refusal).await
        }
    }
}

#[derive(Deserialize)]
struct EmailForm {
    current_password: String,
    email: String,
}

#[post("/account/email")]
async fn change_email(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let (me, base_url, now) = (
        user.user.clone(),
        state.settings.base_url.clone(),
        state.clock.now(),
    );
    let password = form.current_password;
    let outcome = state
        .run(EmailAddress::parse(&form.email), move |conn, new_email| {
            confirmation::request_change(conn, &me, &password, &new_email, &base_url, now)
        })
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), ACCOUNT),
        Err(message) => {
            let refusal = Refusal {
                new_email: form.email,
                email_error: Some(message),
                ..Refusal::default()
            };
            account_page(&state, &session, &user, refusal).await
        }
    }
}

#[post("/account/email/resend")]
async fn resend_confirmation(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (me, base_url, now) = (
        user.user,
        state.settings.base_url.clone(),
        state.clock.now(),
    );
    let outcome = state
        .db(move |conn| confirmation::resend(conn, &me, &base_url, now))
        .await;
    finish(&session, outcome, ACCOUNT)
}

#[derive(Template)]
#[template(path = "account/confirm_email.html")]
struct ConfirmPage {
    ctx: PageContext,
    token: String,
    link: Result<LinkPreview, String>,
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The emailed link's page: says what it will do, with one button (a GET changes nothing,
/// so a mail scanner that fetches links confirms nothing).
#[get("/account/email/confirm")]
async fn confirm_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.token.clone().unwrap_or_default();
    let (checked, now) = (token.clone(), state.clock.now());
    let link = refused(
        state
            .db(move |conn| confirmation::preview(conn, &checked, now))
            .await,
    )?;
    render(&ConfirmPage {
        ctx: PageContext::new(&session, &state, viewer.as_ref()),
        token,
        link,
    })
}

#[derive(Deserialize)]
struct ConfirmForm {
    token: String,
}

#[post("/account/email/confirm")]
async fn confirm(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let (token, now) = (form.token, state.clock.now());
    let outcome = state
        .db(move |conn| confirmation::follow(conn, &token, now))
        .await;
    finish(&session, outcome, ACCOUNT)
}
