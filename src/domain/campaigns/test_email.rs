//! "Send a test email to myself" (README, "Threading and test emails"): one step of a
//! campaign, filled for a prospect of its list, sent at once over the campaign's sender
//! account to the owner's own address or another one they type. Built by `compose` as a
//! real email is (the step's subject rule, its body, the unsubscribe line), but marked as
//! a test (subject "[Test] ", header `X-Dripteam-Test: yes`), its links not tracked and no
//! open pixel. It spends no recipient or credit and writes nothing: no recipient, no
//! `campaign_messages` row, so no figure changes.

use chrono::NaiveDateTime;
use lettre::AsyncTransport;

use super::compose::{self, Outgoing, TestFill};
use super::editor::owned_by;
use super::outbound::MailHosts;
use super::outcomes::failure_sentence;
use super::sending::sender_owner;
use crate::crypto::SecretBox;
use crate::db::models::User;
use crate::db::{AnyConnection, campaigns as db, prospects, senders as sender_db};
use crate::domain::{DomainError, DomainResult, invalid, policy};
use crate::mail::header_text;
use crate::mailboxes;

/// Which test email to send: the campaign, its step, the prospect to fill it for (`None`:
/// the first of the campaign's list) and the address (empty: the owner's own).
pub struct TestEmailRequest {
    pub campaign_id: i64,
    pub step_id: i64,
    pub prospect_id: Option<i64>,
    pub address: String,
}

/// Prepares the test email of `request` for `user`. Refusals: `NotFound` / `Forbidden` as
/// for the campaign's other actions (`editor::owned_by`, only the owner); `Invalid` for a
/// campaign without one of the owner's sender accounts (`policy::may_send_from`), a
/// prospect not on the campaign's list, an empty list, a typed address that is not a valid
/// email address ("… is not a valid email address."), or a subject that cannot go into a
/// header once filled.
pub fn prepare(
    conn: &mut AnyConnection,
    user: &User,
    request: &TestEmailRequest,
    (secrets, base_url): (&SecretBox, &str),
    now: NaiveDateTime,
) -> DomainResult<Outgoing> {
    let campaign = owned_by(conn, user, request.campaign_id, now)?;
    let to = match request.address.trim() {
        "" => user.email.clone(),
        typed => valid_address(typed)?,
    };
    let steps = db::steps(conn, campaign.id)?;
    let step = steps
        .iter()
        .find(|s| s.id == request.step_id)
        .ok_or(DomainError::NotFound)?;
    policy::may_send_from(
        campaign.owner_id,
        sender_owner(conn, &campaign)?,
        "sending a test email",
    )?;
    let sender = match campaign.sender_id {
        Some(id) => sender_db::by_id(conn, id)?,
        None => None,
    }
    .ok_or(DomainError::NotFound)?;
    let prospect = match request.prospect_id {
        Some(id) => prospects::prospect_by_id(conn, id)?.filter(|p| p.list_id == campaign.list_id),
        None => prospects::prospects_page(conn, campaign.list_id, 0, 1)?.pop(),
    };
    let Some(prospect) = prospect else {
        return invalid("Choose a prospect of the campaign's list to fill the step for.");
    };
    let values = compose::values_of(conn, prospect.id, &prospect.email)?;
    let test = TestFill {
        steps: &steps,
        step,
        values: &values,
        unsubscribe_line: &campaign.unsubscribe_line,
        to: &to,
    };
    compose::build_test(secrets, base_url, &sender, test)
}

/// A typed address, trimmed. Refusal: `Invalid` unless it is one email address.
fn valid_address(typed: &str) -> DomainResult<String> {
    let ok = header_text::check(typed, "The address").is_ok()
        && typed.parse::<lettre::Address>().is_ok();
    if !ok {
        return invalid(format!("{typed} is not a valid email address."));
    }
    Ok(typed.to_string())
}

/// Sends the prepared test email over its sender account's SMTP server, in the request;
/// returns the flash message. Refusal: `Invalid` with one sentence
/// (`outcomes::failure_sentence`) when the server cannot be reached or refuses the email;
/// the server's own words go to the log only.
pub async fn send(outgoing: Outgoing, hosts: MailHosts) -> DomainResult<String> {
    let server = &outgoing.server;
    let to = outgoing.to.email.to_string();
    let message = compose::message(&outgoing).map_err(|e| {
        log::warn!("test email to {to}: building it failed: {e}");
        DomainError::Invalid("The test email could not be built from its addresses.".into())
    })?;
    let failed =
        |kind| DomainError::Invalid(failure_sentence(kind, &server.host, server.port, &to));
    let transport = mailboxes::smtp_transport(server, hosts)
        .await
        .map_err(|failure| failed(failure.kind))?;
    if let Err(e) = transport.send(message).await {
        log::info!("test email to {to}: SMTP said: {e}");
        return Err(failed(mailboxes::delivery_failure(
            &e,
            !server.user.is_empty(),
        )));
    }
    Ok(format!("Test email sent to {to}."))
}
