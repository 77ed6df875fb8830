//! A prospect's profile (with custom values), edit, delete, email verification, and
//! "Forget this prospect" with its confirmation page.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::prospects::ProspectForm;
use super::respond::{finish, refused, render};
use crate::domain::DomainError;
use crate::domain::prospects::forget::{self, ToForget};
use crate::domain::prospects::verification_run;
use crate::domain::prospects::{self, Profile};

#[derive(Template)]
#[template(path = "prospects/profile.html")]
struct ProfileTemplate {
    ctx: PageContext,
    profile: Profile,
    /// The edit form as typed, when it was refused.
    typed: Option<ProspectForm>,
    /// Why the edit was refused, shown at the form.
    refused: Option<String>,
}

impl ProfileTemplate {
    /// The edit form's `field`: as typed before a refusal, else as stored.
    fn field(&self, field: &str) -> &str {
        let stored = &self.profile.prospect;
        let (typed, stored) = match field {
            "email" => (self.typed.as_ref().map(|f| &f.email), &stored.email),
            "first_name" => (
                self.typed.as_ref().map(|f| &f.first_name),
                &stored.first_name,
            ),
            "last_name" => (self.typed.as_ref().map(|f| &f.last_name), &stored.last_name),
            "company" => (self.typed.as_ref().map(|f| &f.company), &stored.company),
            "timezone" => (self.typed.as_ref().map(|f| &f.timezone), &stored.timezone),
            _ => (self.typed.as_ref().map(|f| &f.position), &stored.position),
        };
        typed.unwrap_or(stored)
    }
}

#[get("/prospects/{id}")]
async fn profile(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let profile = state
        .db(move |conn| prospects::profile(conn, &account, id, now))
        .await?;
    render(&ProfileTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        profile,
        typed: None,
        refused: None,
    })
}

#[post("/prospects/{id}")]
async fn update(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ProspectForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(form.parse(), move |conn, fields| {
            prospects::update_prospect(conn, &account, id, fields, now)
        })
        .await;
    // A refused edit is shown again as typed, with the reason.
    let reason = match refused(outcome)? {
        Ok(message) => return finish(&session, Ok(message), &format!("/prospects/{id}")),
        Err(reason) => reason,
    };
    let (account, now) = (user.user.clone(), state.clock.now());
    let shown = state
        .db(move |conn| prospects::profile(conn, &account, id, now))
        .await?;
    render(&ProfileTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        profile: shown,
        typed: Some(form),
        refused: Some(reason),
    })
}

#[post("/prospects/{id}/delete")]
async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    let outcome = state
        .db(move |conn| prospects::delete_prospect(conn, &account, id, now))
        .await;
    finish_to_list(&session, outcome, id)
}

#[post("/prospects/{id}/verify")]
async fn verify_prospect(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let outcome = verification_run::verify_prospect(
        &state.pool,
        state.resolver.as_ref(),
        user.id(),
        id,
        state.clock.now(),
    )
    .await;
    finish(&session, outcome, &format!("/prospects/{id}"))
}

/// Queues the list's verification; the job runs it and the list page shows its progress.
#[post("/prospects/lists/{id}/verify")]
async fn verify_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    let outcome = state
        .db(move |conn| verification_run::queue_list(conn, &account, id, now))
        .await;
    finish(&session, outcome, &format!("/prospects/lists/{id}"))
}

#[derive(Template)]
#[template(path = "prospects/confirm_forget.html")]
struct ConfirmForget {
    ctx: PageContext,
    prospect: ToForget,
}

#[get("/prospects/{id}/forget")]
async fn confirm_forget(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let prospect = state
        .db(move |conn| forget::to_forget(conn, &account, id, now))
        .await?;
    render(&ConfirmForget {
        ctx: PageContext::new(&session, &state, Some(&user)),
        prospect,
    })
}

#[post("/prospects/{id}/forget")]
async fn forget_prospect(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    let outcome = state
        .db(move |conn| forget::forget(conn, &account, id, now))
        .await;
    finish_to_list(&session, outcome, id)
}

/// Ends an action that takes prospect `id` off its list (delete, forget): done, to the list
/// it was on; refused, back to the prospect's profile.
fn finish_to_list(
    session: &Session,
    outcome: Result<(i64, String), DomainError>,
    id: i64,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok((list_id, message)) => {
            finish(session, Ok(message), &format!("/prospects/lists/{list_id}"))
        }
        Err(e) => finish(session, Err(e), &format!("/prospects/{id}")),
    }
}
