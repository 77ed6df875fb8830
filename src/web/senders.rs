//! Sender email accounts: the owner's list, add, edit, delete, test connection (with the
//! domain's SPF, DMARC and DKIM records, `domain::campaigns::domain_readiness`).

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::{FlashKind, PageContext};
use super::respond::{already_sent, finish, flash, refused, render};
use crate::crypto::SecretBox;
use crate::db::models::SenderAccount;
use crate::domain::DomainError;
use crate::domain::campaigns::domain_readiness::Readiness;
use crate::domain::campaigns::outbound::MailHosts;
use crate::domain::campaigns::pacing::Pacing;
use crate::domain::campaigns::senders::{self, SenderInput};
use crate::domain::submissions::{FormKind, Submission};

const SENDERS: &str = "/senders";

#[derive(Template)]
#[template(path = "senders/list.html")]
struct SendersPage {
    ctx: PageContext,
    /// Each account with the line about its failing mailbox, if it fails.
    senders: Vec<(SenderAccount, Option<String>)>,
    form: SenderDraft,
    /// Why the form shown again was refused.
    error: Option<String>,
    /// The DNS report of the account just tested.
    readiness: Option<Readiness>,
}

/// What the sender form shows: an account being edited, what was just typed and refused,
/// or the defaults. Passwords are never shown.
struct SenderDraft {
    /// The account being edited; `None` for a new one.
    id: Option<i64>,
    email: String,
    display_name: String,
    daily_limit: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: String,
    smtp_user: String,
    imap_host: String,
    imap_port: String,
    imap_security: String,
    imap_user: String,
    dkim_selector: String,
    /// The pause between two emails, in seconds, shortest and longest.
    pause_min: String,
    pause_max: String,
}

impl SenderDraft {
    fn blank(pause: Pacing) -> Self {
        SenderDraft {
            id: None,
            email: String::new(),
            display_name: String::new(),
            daily_limit: "200".into(),
            smtp_host: String::new(),
            smtp_port: "587".into(),
            smtp_security: "starttls".into(),
            smtp_user: String::new(),
            imap_host: String::new(),
            imap_port: "993".into(),
            imap_security: "tls".into(),
            imap_user: String::new(),
            dkim_selector: String::new(),
            pause_min: pause.min_secs.to_string(),
            pause_max: pause.max_secs.to_string(),
        }
    }

    fn of(account: &SenderAccount) -> Self {
        SenderDraft {
            id: Some(account.id),
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            daily_limit: account.daily_limit.to_string(),
            smtp_host: account.smtp_host.clone(),
            smtp_port: account.smtp_port.to_string(),
            smtp_security: account.smtp_security.clone(),
            smtp_user: account.smtp_user.clone(),
            imap_host: account.imap_host.clone(),
            imap_port: account.imap_port.to_string(),
            imap_security: account.imap_security.clone(),
            imap_user: account.imap_user.clone(),
            dkim_selector: account.dkim_selector.clone(),
            pause_min: account.pause_min_secs.to_string(),
            pause_max: account.pause_max_secs.to_string(),
        }
    }

    fn typed(form: &SenderForm, id: Option<i64>) -> Self {
        SenderDraft {
            id,
            email: form.email.clone(),
            display_name: form.display_name.clone(),
            daily_limit: form.daily_limit.clone(),
            smtp_host: form.smtp_host.clone(),
            smtp_port: form.smtp_port.clone(),
            smtp_security: form.smtp_security.clone(),
            smtp_user: form.smtp_user.clone(),
            imap_host: form.imap_host.clone(),
            imap_port: form.imap_port.clone(),
            imap_security: form.imap_security.clone(),
            imap_user: form.imap_user.clone(),
            dkim_selector: form.dkim_selector.clone(),
            pause_min: form.pause_min.clone(),
            pause_max: form.pause_max.clone(),
        }
    }
}

fn with_problems(accounts: Vec<SenderAccount>) -> Vec<(SenderAccount, Option<String>)> {
    accounts
        .into_iter()
        .map(|a| {
            let problem = senders::imap_problem(&a);
            (a, problem)
        })
        .collect()
}

#[get("/senders")]
async fn list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let account = user.user.clone();
    let senders = state.db(move |conn| senders::list(conn, &account)).await?;
    render(&SendersPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        senders: with_problems(senders),
        form: SenderDraft::blank(state.settings.default_sender_pause),
        error: None,
        readiness: None,
    })
}

#[get("/senders/{id}")]
async fn edit_form(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, id) = (user.user.clone(), path.into_inner());
    let (senders, editing) = state
        .db(move |conn| {
            Ok((
                senders::list(conn, &account)?,
                senders::own(conn, &account, id)?,
            ))
        })
        .await?;
    render(&SendersPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        senders: with_problems(senders),
        form: SenderDraft::of(&editing),
        error: None,
        readiness: None,
    })
}

/// Ends an add or edit: a refused form is shown again with the reason and what was typed
/// (passwords excepted); anything else is `finish`ed as usual.
async fn answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    outcome: Result<String, DomainError>,
    typed: SenderDraft,
) -> Result<HttpResponse, AppError> {
    let reason = match refused(outcome)? {
        Ok(message) => return finish(session, Ok(message), SENDERS),
        Err(reason) => reason,
    };
    let account = user.user.clone();
    let senders = state.db(move |conn| senders::list(conn, &account)).await?;
    render(&SendersPage {
        ctx: PageContext::new(session, state, Some(user)),
        senders: with_problems(senders),
        form: typed,
        error: Some(reason),
        readiness: None,
    })
}

#[derive(Deserialize)]
struct SenderForm {
    email: String,
    display_name: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: String,
    #[serde(default)]
    smtp_user: String,
    #[serde(default)]
    smtp_password: String,
    imap_host: String,
    imap_port: String,
    imap_security: String,
    #[serde(default)]
    imap_user: String,
    #[serde(default)]
    imap_password: String,
    daily_limit: String,
    #[serde(default)]
    dkim_selector: String,
    /// Seconds; both left out or empty: the default pause (`DEFAULT_SENDER_PAUSE`).
    #[serde(default)]
    pause_min: String,
    #[serde(default)]
    pause_max: String,
    /// The one-time token of the add form (`domain::submissions`); edit has none.
    #[serde(default)]
    form_token: String,
}

impl SenderForm {
    fn input(&self, default_pause: Pacing) -> SenderInput<'_> {
        SenderInput {
            email: &self.email,
            display_name: &self.display_name,
            smtp_host: &self.smtp_host,
            smtp_port: &self.smtp_port,
            smtp_security: &self.smtp_security,
            smtp_user: &self.smtp_user,
            smtp_password: &self.smtp_password,
            imap_host: &self.imap_host,
            imap_port: &self.imap_port,
            imap_security: &self.imap_security,
            imap_user: &self.imap_user,
            imap_password: &self.imap_password,
            daily_limit: &self.daily_limit,
            dkim_selector: &self.dkim_selector,
            pause_min: &self.pause_min,
            pause_max: &self.pause_max,
            default_pause,
        }
    }
}

#[post("/senders")]
async fn add(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now, secrets) = (
        user.user.clone(),
        state.clock.now(),
        SecretBox::new(state.settings.secret_key.expose_secret()),
    );
    let typed = SenderDraft::typed(&form, None);
    let pause = state.settings.default_sender_pause;
    let form_token = form.form_token.clone();
    let outcome = state
        .create_once(
            user.id(),
            FormKind::Sender,
            (Ok(()), &form_token),
            move |conn, ()| senders::add(conn, &secrets, &account, &form.input(pause), now),
            |_| None,
        )
        .await;
    match outcome {
        Ok(Submission::AlreadySent { .. }) => Ok(already_sent(&session, SENDERS)),
        Ok(Submission::Done(message)) => finish(&session, Ok(message), SENDERS),
        Err(e) => answer(&state, &session, &user, Err(e), typed).await,
    }
}

#[post("/senders/{id}")]
async fn update(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let (account, id, secrets) = (
        user.user.clone(),
        path.into_inner(),
        SecretBox::new(state.settings.secret_key.expose_secret()),
    );
    let typed = SenderDraft::typed(&form, Some(id));
    let pause = state.settings.default_sender_pause;
    let outcome = state
        .db(move |conn| senders::update(conn, &secrets, &account, id, &form.input(pause)))
        .await;
    answer(&state, &session, &user, outcome, typed).await
}

#[post("/senders/{id}/delete")]
async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, id) = (user.user, path.into_inner());
    let outcome = state
        .db(move |conn| senders::delete(conn, &account, id))
        .await;
    finish(&session, outcome, SENDERS)
}

/// Tests both servers and looks up the domain's SPF, DMARC and DKIM records at once; the
/// connection result is the flash message it always was, the DNS report a card beside it
/// (warnings only, never a refusal).
#[post("/senders/{id}/test")]
async fn test_connection(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, id, secrets) = (
        user.user.clone(),
        path.into_inner(),
        SecretBox::new(state.settings.secret_key.expose_secret()),
    );
    let (sender, accounts) = state
        .db(move |conn| {
            Ok((
                senders::own(conn, &account, id)?,
                senders::list(conn, &account)?,
            ))
        })
        .await?;
    let hosts = MailHosts::from_setting(state.settings.allow_private_mail_hosts);
    let (report, readiness) =
        senders::test_connection(&secrets, &sender, hosts, state.txt.as_ref()).await?;
    match refused(report)? {
        Ok(works) => flash(&session, FlashKind::Success, works),
        Err(failed) => flash(&session, FlashKind::Error, failed),
    }
    render(&SendersPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        senders: with_problems(accounts),
        form: SenderDraft::blank(state.settings.default_sender_pause),
        error: None,
        readiness: Some(readiness),
    })
}
