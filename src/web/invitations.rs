//! The invited person's side: the emailed link, and Join team / Decline in their account.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::errors::{AppError, url_escape};
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::respond::{finish, render};
use crate::domain::team::invitation_answers::{self, InvitationRef, LinkState};

#[derive(Template)]
#[template(path = "team/invitation_link.html")]
struct LinkPage {
    ctx: PageContext,
    token: String,
    state: LinkState,
    here: String,
}

#[get("/invitations/{token}")]
async fn follow_link(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (checked, now) = (token.clone(), state.clock.now());
    let user = viewer.as_ref().map(|v| v.user.clone());
    let link_state = state
        .db(move |conn| invitation_answers::inspect_link(conn, &checked, user.as_ref(), now))
        .await?;
    render(&LinkPage {
        ctx: PageContext::new(&session, &state, viewer.as_ref()),
        here: url_escape(&format!("/invitations/{token}")),
        token,
        state: link_state,
    })
}

#[post("/invitations/{token}/join")]
async fn join_from_link(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (token, now, member, base_url) = (
        path.into_inner(),
        state.clock.now(),
        user.user,
        state.settings.base_url.clone(),
    );
    let outcome = state
        .db(move |conn| {
            invitation_answers::accept(conn, &member, InvitationRef::Token(&token), &base_url, now)
        })
        .await;
    finish(&session, outcome, "/account/team")
}

#[post("/account/invitations/{id}/join")]
async fn join_in_app(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (id, now, member, base_url) = (
        path.into_inner(),
        state.clock.now(),
        user.user,
        state.settings.base_url.clone(),
    );
    let outcome = state
        .db(move |conn| {
            invitation_answers::accept(conn, &member, InvitationRef::Id(id), &base_url, now)
        })
        .await;
    finish(&session, outcome, "/account/team")
}

#[post("/account/invitations/{id}/decline")]
async fn decline(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (id, now, member, base_url) = (
        path.into_inner(),
        state.clock.now(),
        user.user,
        state.settings.base_url.clone(),
    );
    let outcome = state
        .db(move |conn| invitation_answers::decline(conn, &member, id, &base_url, now))
        .await;
    finish(&session, outcome, "/account/team")
}
