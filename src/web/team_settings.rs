//! The leader's team settings on My Team: whether a reply pauses the team's sequences to
//! that company (`domain::campaigns::company_pause`).

use actix_session::Session;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser};
use super::respond::finish;
use crate::domain::campaigns::company_pause;

/// The settings form: an unchecked box is left out of the form.
#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    reply_pauses_company: Option<String>,
}

#[post("/account/team/settings")]
async fn save(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let (leader, now, on) = (
        user.user,
        state.clock.now(),
        form.reply_pauses_company.is_some(),
    );
    let outcome = state
        .db(move |conn| company_pause::set_team_setting(conn, &leader, on, now))
        .await;
    finish(&session, outcome, "/account/team")
}
