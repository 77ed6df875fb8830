//! "Send a test email to myself" on a campaign step: the owner picks a prospect of the
//! list and an address (their own by default); the email goes out in the request over the
//! campaign's sender account (`domain::campaigns::test_email`). A refusal is shown at the
//! step's form with what was typed.

use actix_session::Session;
use actix_web::{HttpResponse, post, web};
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::campaigns::{TestDraft, back, campaign_answer_test};
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser};
use super::respond::{Refused, finish, refused};
use crate::crypto::SecretBox;
use crate::domain::campaigns::outbound::MailHosts;
use crate::domain::campaigns::{self, TestEmailRequest};

#[derive(Deserialize)]
struct TestForm {
    /// A prospect id of the campaign's list; empty or not a number: the list's first.
    #[serde(default)]
    prospect_id: String,
    /// Empty: the owner's own address.
    #[serde(default)]
    address: String,
}

#[post("/campaigns/{id}/steps/{step}/test")]
async fn send_test_email(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<TestForm>,
) -> Result<HttpResponse, AppError> {
    let (id, step_id) = path.into_inner();
    let request = TestEmailRequest {
        campaign_id: id,
        step_id,
        prospect_id: form.prospect_id.trim().parse().ok(),
        address: form.address.clone(),
    };
    let (account, now, base) = (
        user.user.clone(),
        state.clock.now(),
        state.settings.base_url.clone(),
    );
    let secrets = SecretBox::new(state.settings.secret_key.expose_secret());
    let hosts = MailHosts::from_setting(state.settings.allow_private_mail_hosts);
    let prepared = state
        .db(move |conn| {
            campaigns::prepare_test_email(conn, &account, &request, (&secrets, &base), now)
        })
        .await;
    let outcome = match prepared {
        Ok(outgoing) => campaigns::send_test_email(outgoing, hosts).await,
        Err(e) => Err(e),
    };
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), &back(id)),
        Err(reason) => {
            let typed = TestDraft {
                step_id,
                prospect_id: form.prospect_id,
                address: form.address,
            };
            campaign_answer_test(&state, &session, &user, id, Refused::new(typed, reason)).await
        }
    }
}
