//! Ending a membership: the leader removes a member (with a confirmation page that says
//! what happens to their records) and a member leaves (confirmed too).

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::respond::{finish, render};
use super::team::MY_TEAM;
use crate::domain::MembershipId;
use crate::domain::team::{self, RecordsGo, RemovalPreview};

#[derive(Template)]
#[template(path = "team/confirm_remove.html")]
struct ConfirmRemovePage {
    ctx: PageContext,
    membership_id: MembershipId,
    preview: RemovalPreview,
}

#[get("/account/team/members/{id}/remove")]
async fn confirm_remove(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<MembershipId>,
) -> Result<HttpResponse, AppError> {
    let (leader, membership_id) = (user.user.clone(), path.into_inner());
    let preview = state
        .db(move |conn| team::removal_preview(conn, &leader, membership_id))
        .await?;
    render(&ConfirmRemovePage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        membership_id,
        preview,
    })
}

#[derive(Deserialize)]
struct RemoveForm {
    /// `keep` (the default) or the id of the user who inherits the records.
    #[serde(default)]
    records: String,
}

#[post("/account/team/members/{id}/remove")]
async fn remove(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<MembershipId>,
    CsrfForm(form): CsrfForm<RemoveForm>,
) -> Result<HttpResponse, AppError> {
    let records = match form.records.as_str() {
        "" | "keep" => Ok(RecordsGo::StayWithMember),
        heir => heir
            .parse()
            .map(RecordsGo::To)
            .map_err(|_| AppError::BadRequest("Choose who keeps the records.".into())),
    }?;
    let (now, leader, id) = (state.clock.now(), user.user, path.into_inner());
    let outcome = state
        .db(move |conn| team::remove_member(conn, &leader, id, records, now))
        .await;
    finish(&session, outcome, MY_TEAM)
}

#[derive(Template)]
#[template(path = "team/confirm_leave.html")]
struct ConfirmLeavePage {
    ctx: PageContext,
}

#[get("/account/team/leave")]
async fn confirm_leave(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    render(&ConfirmLeavePage {
        ctx: PageContext::new(&session, &state, Some(&user)),
    })
}

#[post("/account/team/leave")]
async fn leave(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (now, member, base_url) = (
        state.clock.now(),
        user.user,
        state.settings.base_url.clone(),
    );
    let outcome = state
        .db(move |conn| team::leave(conn, &member, &base_url, now))
        .await;
    finish(&session, outcome, MY_TEAM)
}
