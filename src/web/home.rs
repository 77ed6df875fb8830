//! The landing page.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, CurrentUser};
use super::navigation::redirect;
use super::page::PageContext;
use super::respond::render;

#[derive(Template)]
#[template(path = "account/landing.html")]
struct LandingPage {
    ctx: PageContext,
}

#[get("/")]
async fn landing(
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    if viewer.is_some() {
        return Ok(redirect("/account"));
    }
    render(&LandingPage {
        ctx: PageContext::new(&session, &state, None),
    })
}
