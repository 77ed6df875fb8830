//! A campaign's launch confirmation page: what will be sent, from which address, to how
//! many recipients, who is skipped and why. Its "Launch now" posts to
//! `campaign_lifecycle::launch`.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, CurrentUser};
use super::page::PageContext;
use super::respond::render;
use crate::domain::campaigns::{self, LaunchPlan};

#[derive(Template)]
#[template(path = "campaigns/launch.html")]
struct LaunchTemplate {
    ctx: PageContext,
    plan: LaunchPlan,
}

#[get("/campaigns/{id}/launch")]
async fn confirm_launch(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let plan = state
        .db(move |conn| campaigns::launch_plan(conn, &account, id, now))
        .await?;
    render(&LaunchTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        plan,
    })
}
