//! Launch approval (`domain::campaigns::approval`): the leader's switch per member on My
//! Team, the member's "Request approval", and the leader's read-only page of a campaign
//! with Approve and Reject (with a reason).

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::campaigns::back;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::respond::{Refused, finish, refused, render};
use super::team::MY_TEAM;
use crate::db::ids::MembershipId;
use crate::domain::campaigns::{self, ApprovalView};
use crate::domain::team;

/// The switch on a member's row: an unchecked box is left out of the form.
#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    needs_approval: Option<String>,
}

#[post("/account/team/members/{id}/approval")]
async fn set_needs_approval(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<MembershipId>,
    CsrfForm(form): CsrfForm<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    let (leader, now, id) = (user.user, state.clock.now(), path.into_inner());
    let on = form.needs_approval.is_some();
    let outcome = state
        .db(move |conn| team::set_launch_approval(conn, &leader, id, on, now))
        .await;
    finish(&session, outcome, MY_TEAM)
}

/// "Request approval" on the launch page: now, or "Launch at" a time in the campaign's zone.
#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    launch_at: Option<String>,
}

#[post("/campaigns/{id}/approval")]
async fn request(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let (member, now, id) = (user.user, state.clock.now(), path.into_inner());
    let base_url = state.settings.base_url.clone();
    let outcome = state
        .db(move |conn| {
            let at = form.launch_at.as_deref().filter(|at| !at.trim().is_empty());
            campaigns::request_approval(conn, &member, id, at, &base_url, now)
        })
        .await;
    finish(&session, outcome, &back(id))
}

#[derive(Template)]
#[template(path = "team/approval.html")]
struct ApprovalPage {
    ctx: PageContext,
    view: ApprovalView,
    /// A rejection refused (no reason): the reason as typed and the message.
    refused: Option<Refused<String>>,
}

impl ApprovalPage {
    fn typed_reason(&self) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed.as_str())
    }
}

async fn approval_page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i64,
    refused: Option<Refused<String>>,
) -> Result<HttpResponse, AppError> {
    let (leader, now) = (user.user.clone(), state.clock.now());
    let view = state
        .db(move |conn| campaigns::approval_view(conn, &leader, id, now))
        .await?;
    render(&ApprovalPage {
        ctx: PageContext::new(session, state, Some(user)),
        view,
        refused,
    })
}

#[get("/account/team/approvals/{id}")]
async fn page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    approval_page(&state, &session, &user, path.into_inner(), None).await
}

#[post("/account/team/approvals/{id}/approve")]
async fn approve(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (leader, now, id) = (user.user, state.clock.now(), path.into_inner());
    let base_url = state.settings.base_url.clone();
    let outcome = state
        .db(move |conn| campaigns::approve(conn, &leader, id, &base_url, now))
        .await;
    finish(&session, outcome, MY_TEAM)
}

#[derive(Deserialize)]
struct RejectForm {
    #[serde(default)]
    reason: String,
}

#[post("/account/team/approvals/{id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<HttpResponse, AppError> {
    let (leader, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let (base_url, reason) = (state.settings.base_url.clone(), form.reason.clone());
    let outcome = state
        .db(move |conn| campaigns::reject(conn, &leader, id, &reason, &base_url, now))
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), MY_TEAM),
        Err(message) => {
            let refusal = Some(Refused::new(form.reason, message));
            approval_page(&state, &session, &user, id, refusal).await
        }
    }
}
