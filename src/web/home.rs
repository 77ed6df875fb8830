//! The landing page and the account overview.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, CurrentUser, PageContext, redirect, render, session_user_id};
use crate::domain::invitations::{self, InvitationCard};
use crate::domain::plans::Plan;
use crate::domain::units;

#[derive(Template)]
#[template(path = "account/landing.html")]
struct LandingPage {
    ctx: PageContext,
}

#[get("/")]
async fn landing(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, AppError> {
    if session_user_id(&session).is_some() {
        return Ok(redirect("/account"));
    }
    render(&LandingPage {
        ctx: PageContext::new(&session, &state, None),
    })
}

#[derive(Template)]
#[template(path = "account/overview.html")]
struct AccountPage {
    ctx: PageContext,
    name: String,
    email: String,
    plan: Plan,
    invitations: Vec<InvitationCard>,
}

#[get("/account")]
async fn account(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let invitations = state
        .db(move |conn| invitations::pending_for(conn, &account, now))
        .await?;
    render(&AccountPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        plan: units::effective_plan(&user.user, state.clock.now()),
        name: user.user.name.clone(),
        email: user.user.email.clone(),
        invitations,
    })
}
