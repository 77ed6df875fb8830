//! A campaign's owner buttons: launch, pause and resume, and resuming one recipient paused by
//! a company's reply.

use actix_session::Session;
use actix_web::{HttpResponse, post, web};

use super::campaigns::back;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::respond::finish;
use crate::domain::DomainError;
use crate::domain::campaigns;

/// Launch, pause and resume (and archive and restore, `campaign_archive`): the owner's
/// buttons, ending with a flash on the campaign page.
pub(super) async fn transition(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: i64,
    action: fn(
        &mut crate::db::AnyConnection,
        &crate::db::models::User,
        i64,
        chrono::NaiveDateTime,
    ) -> Result<String, DomainError>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome = state.db(move |conn| action(conn, &account, id, now)).await;
    finish(&session, outcome, &back(id))
}

/// The launch page's form: its "Launch now" (`launch=now`) or "Launch at" (`launch=at`,
/// with `launch_at` a date and time typed in the campaign's zone) button; without a button
/// name, `launch_at` decides. "include_teammates" checked includes the prospects a
/// teammate is contacting.
#[derive(serde::Deserialize)]
struct LaunchForm {
    #[serde(default)]
    launch: Option<String>,
    #[serde(default)]
    launch_at: Option<String>,
    #[serde(default)]
    include_teammates: Option<String>,
}

impl LaunchForm {
    /// The launch time as typed, or `None` for now.
    fn at(self) -> Option<String> {
        match self.launch.as_deref() {
            Some("now") => None,
            Some(_) => Some(self.launch_at.unwrap_or_default()),
            None => self.launch_at,
        }
    }
}

#[post("/campaigns/{id}/launch")]
async fn launch(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<LaunchForm>,
) -> Result<HttpResponse, AppError> {
    let (account, id, now) = (user.user, path.into_inner(), state.clock.now());
    let include = form.include_teammates.is_some();
    let at = form.at();
    let outcome = state
        .db(move |conn| campaigns::launch_with(conn, &account, id, at.as_deref(), include, now))
        .await;
    finish(&session, outcome, &back(id))
}

#[post("/campaigns/{id}/pause")]
async fn pause(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(state, session, user, path.into_inner(), campaigns::pause).await
}

#[post("/campaigns/{id}/resume")]
async fn resume(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(state, session, user, path.into_inner(), campaigns::resume).await
}

/// "Resume" on one recipient whose sequence a company's reply paused.
#[post("/campaigns/{id}/recipients/{recipient}/resume")]
async fn resume_recipient(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, (id, recipient), now) = (user.user, path.into_inner(), state.clock.now());
    let outcome = state
        .db(move |conn| {
            campaigns::company_pause::resume_recipient(conn, &account, id, recipient, now)
        })
        .await;
    finish(&session, outcome, &back(id))
}
