//! The leader's team settings on My Team: whether a reply pauses the team's sequences to
//! that company, and whether no one contacts a prospect a teammate is already contacting
//! (`domain::campaigns::contacting`).

use actix_session::Session;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser};
use super::respond::finish;
use crate::domain::campaigns::contacting::{self, TeamSettings};

/// The settings form: an unchecked box is left out of the form.
#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    reply_pauses_company: Option<String>,
    #[serde(default)]
    never_contact_teammates: Option<String>,
}

#[post("/account/team/settings")]
async fn save(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let settings = TeamSettings {
        reply_pauses_company: form.reply_pauses_company.is_some(),
        never_contact_teammates: form.never_contact_teammates.is_some(),
    };
    let (leader, now) = (user.user, state.clock.now());
    let outcome = state
        .db(move |conn| contacting::save_team_settings(conn, &leader, settings, now))
        .await;
    finish(&session, outcome, "/account/team")
}
