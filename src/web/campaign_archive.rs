//! Archiving and restoring a campaign, and deleting a draft after a confirmation page.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::campaign_lifecycle::transition;
use super::campaigns::back;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::navigation::redirect;
use super::page::{FlashKind, PageContext};
use super::respond::{finish, flash, refused, render};
use crate::db::models::Campaign;
use crate::domain::campaigns;

#[post("/campaigns/{id}/archive")]
async fn archive(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(state, session, user, path.into_inner(), campaigns::archive).await
}

#[post("/campaigns/{id}/unarchive")]
async fn unarchive(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(
        state,
        session,
        user,
        path.into_inner(),
        campaigns::unarchive,
    )
    .await
}

#[derive(Template)]
#[template(path = "campaigns/confirm_delete.html")]
struct ConfirmDelete {
    ctx: PageContext,
    campaign: Campaign,
}

/// The confirmation page; a launched campaign goes back to its page, told why not.
#[get("/campaigns/{id}/delete")]
async fn confirm_delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let outcome = state
        .db(move |conn| campaigns::draft_to_delete(conn, &account, id, now))
        .await;
    match refused(outcome)? {
        Ok(campaign) => render(&ConfirmDelete {
            ctx: PageContext::new(&session, &state, Some(&user)),
            campaign,
        }),
        Err(message) => {
            flash(&session, FlashKind::Error, message);
            Ok(redirect(&back(id)))
        }
    }
}

#[post("/campaigns/{id}/delete")]
async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    let outcome = state
        .db(move |conn| campaigns::delete_draft(conn, &account, id, now))
        .await;
    let to = if outcome.is_ok() {
        "/campaigns".to_string()
    } else {
        back(id)
    };
    finish(&session, outcome, &to)
}
