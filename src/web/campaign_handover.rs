//! The owner's "Restart in a new thread" button for recipients finished by a record
//! transfer (README, "Record transfer").

use actix_session::Session;
use actix_web::{HttpResponse, post, web};

use super::campaigns::back;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::respond::finish;
use crate::domain::campaigns;

#[post("/campaigns/{id}/restart-former-recipients")]
async fn restart(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, id, now) = (user.user, path.into_inner(), state.clock.now());
    let outcome = state
        .db(move |conn| campaigns::restart_in_new_thread(conn, &account, id, now))
        .await;
    finish(&session, outcome, &back(id))
}
