//! What an SMTP call's outcome changes: an accepted email is recorded, its recipient's
//! next step scheduled and the held recipient spent; a failure is retried with backoff
//! (`MAX_ATTEMPTS`) or fails for good, releasing the hold and stopping the recipient. A
//! refusal is first told apart by whom it concerns (`refusals`, `record_failed_attempt`):
//! the recipient refused for good is a bounce; the sender refused flags the sender account
//! and pauses its campaigns.

use chrono::{Duration, NaiveDateTime};

use super::bounces;
use super::outbound::FailureKind;
use crate::db::models::CampaignMessage;
use crate::db::values::{CampaignStatus, RecipientStatus};
use crate::db::{AnyConnection, campaigns as db, messages, recipients, senders};
use crate::domain::billing;
use crate::domain::{DomainError, DomainResult};

/// How many times an SMTP failure is retried before the email is marked failed.
pub const MAX_ATTEMPTS: i32 = 3;

/// The email went out (the SMTP server accepted it): record it, schedule the recipient's
/// next step, and spend the recipient its claim held (`billing::spend_held_recipient`).
pub fn record_sent(
    conn: &mut AnyConnection,
    message_row: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let message = crate::db::write_transaction(conn, |conn| {
        let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
        messages::mark_sent(conn, message.id, now)?;
        let Some(recipient) = recipients::recipient_by_id(conn, message.recipient_id)? else {
            return Ok::<_, DomainError>(message);
        };
        let paused = recipient.status == RecipientStatus::Paused;
        if recipient.status != RecipientStatus::Active && !paused {
            return Ok(message);
        }
        let next = message.step_position + 1;
        // Calendar days in the recipient's schedule's zone (the prospect's own when the
        // campaign says so), landing in its window (`schedule`).
        let owner = db::by_id(conn, message.campaign_id)?.map_or(message.owner_id, |c| c.owner_id);
        let schedule = super::windows::recipient_schedule(
            conn,
            message.campaign_id,
            owner,
            recipient.prospect_id,
        )?;
        let due = db::steps(conn, message.campaign_id)?
            .iter()
            .find(|s| s.position == next)
            .map(|s| schedule.after_days(now, s.delay_days as i64));
        recipients::advance_recipient(conn, recipient.id, next, due, paused)?;
        Ok(message)
    })?;
    // The campaign's owner now: after a record transfer, the pool they draw on.
    let owner = db::by_id(conn, message.campaign_id)?.map_or(message.owner_id, |c| c.owner_id);
    billing::spend_held_recipient(conn, owner, &message.recipient_email, message.id, now)
}

/// Why a campaign email's SMTP call to `host`:`port` for `to` failed, as one sentence for
/// the campaign page ("Could not connect to smtp.example.test:587 — connection refused.");
/// the peer's own words only ever go to the log.
pub fn failure_sentence(kind: FailureKind, host: &str, port: u16, to: &str) -> String {
    let at = format!("{host}:{port}");
    match kind {
        FailureKind::CannotResolve => {
            format!("Could not find the mail server {host}: the host name cannot be resolved.")
        }
        FailureKind::NotAllowed | FailureKind::Refused => {
            format!("Could not connect to {at} — {}.", kind.describe())
        }
        FailureKind::Unreachable => {
            format!("Could not connect to {at} — the server cannot be reached.")
        }
        FailureKind::TimedOut => format!("The mail server {at} did not answer in time."),
        FailureKind::TlsFailed => format!(
            "Could not make a secure (TLS) connection to {at}; check the sender account's security setting."
        ),
        FailureKind::LoginRefused => {
            format!("The mail server {at} refused the sender account's user name or password.")
        }
        FailureKind::RecipientRefused => format!("The mail server {at} refused the address {to}."),
        FailureKind::SenderRefused => format!(
            "The mail server {at} refused the sender (its address or its sending policy)."
        ),
        FailureKind::MessageRefused => format!("The mail server {at} did not accept the email."),
        FailureKind::Unexpected => {
            format!("The mail server {at} gave an answer that was not understood.")
        }
        FailureKind::InboxUnreadable => format!("The inbox at {at} could not be read."),
        FailureKind::SettingsUnreadable => "The sender account's stored password cannot be read; enter it again under Sender accounts.".into(),
        FailureKind::Internal => {
            "The email could not be sent because of an internal error.".into()
        }
    }
}

/// The SMTP call failed with `kind` (told to the user as `error`), by whom it concerns
/// (`refusals`): the recipient refused for good bounced (`bounces::record_bounce`; `base_url`
/// for the owner's email if the campaign pauses); the sender refused (`LoginRefused`,
/// `SenderRefused`) suppresses nobody: the email waits as a retry, the sender account is
/// flagged with `error` and every active campaign sending from it pauses until its owner
/// fixes it; anything else is retried (`record_failure`).
pub fn record_failed_attempt(
    conn: &mut AnyConnection,
    message_row: i64,
    kind: FailureKind,
    error: &str,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    match kind {
        FailureKind::RecipientRefused => {
            let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
            crate::db::write_transaction(conn, |conn| {
                let error =
                    format!("{error} It bounced: the address is on the do-not-email list now.");
                messages::mark_attempt_failed(conn, message.id, &error, None)?;
                billing::release_held_recipient(conn, message.id)?;
                Ok::<_, DomainError>(())
            })?;
            bounces::record_bounce(conn, &message, base_url, now)?;
            Ok(())
        }
        FailureKind::LoginRefused | FailureKind::SenderRefused => {
            sender_refused(conn, message_row, error, now)
        }
        _ => record_failure(conn, message_row, error, now),
    }
}

fn sender_refused(
    conn: &mut AnyConnection,
    message_row: i64,
    error: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
    let reason = format!(
        "Paused automatically: {error} Fix the sender account under Sender accounts (saving it clears this), then resume."
    );
    crate::db::write_transaction(conn, |conn| {
        // Goes again as a retry once the campaign is resumed.
        messages::mark_attempt_failed(conn, message.id, error, Some(now))?;
        senders::flag_smtp_refusal(conn, message.sender_id, error, now)?;
        for campaign in senders::active_campaigns_using(conn, message.sender_id)? {
            db::set_status(
                conn,
                campaign,
                &[CampaignStatus::Active],
                CampaignStatus::Paused,
                &reason,
            )?;
        }
        Ok::<_, DomainError>(())
    })
}

/// The SMTP call failed: retry with backoff, or give up after `MAX_ATTEMPTS`.
pub fn record_failure(
    conn: &mut AnyConnection,
    message_row: i64,
    error: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
    if message.attempts + 1 >= MAX_ATTEMPTS {
        return fail_for_good(conn, &message, error);
    }
    let wait = Duration::minutes(2i64.pow(message.attempts as u32 * 2));
    messages::mark_attempt_failed(conn, message.id, error, Some(now + wait))?;
    Ok(())
}

/// The email can never be sent as it stands (it could not be built, or building or sending
/// it panicked): it is marked failed at once with `reason`, shown on the campaign page, and
/// its recipient stops; no retry.
pub fn record_unsendable(
    conn: &mut AnyConnection,
    message_row: i64,
    reason: &str,
) -> DomainResult<()> {
    let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
    fail_for_good(conn, &message, reason)
}

pub(super) fn fail_for_good(
    conn: &mut AnyConnection,
    message: &CampaignMessage,
    error: &str,
) -> DomainResult<()> {
    crate::db::write_transaction(conn, |conn| {
        messages::mark_attempt_failed(conn, message.id, error, None)?;
        billing::release_held_recipient(conn, message.id)?;
        recipients::stop_recipient(conn, message.recipient_id, RecipientStatus::Failed)?;
        Ok::<_, DomainError>(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_kind_is_told_as_a_sentence() {
        let refused = failure_sentence(FailureKind::Refused, "smtp.example.test", 587, "a@b.test");
        assert_eq!(
            refused,
            "Could not connect to smtp.example.test:587 — connection refused."
        );
        assert_eq!(
            failure_sentence(
                FailureKind::RecipientRefused,
                "mx.test",
                25,
                "ann@acme.example"
            ),
            "The mail server mx.test:25 refused the address ann@acme.example."
        );
        for kind in FailureKind::ALL {
            let sentence = failure_sentence(kind, "h.test", 25, "a@b.test");
            assert!(sentence.starts_with(char::is_uppercase), "{sentence}");
            assert!(sentence.ends_with('.'), "{sentence}");
        }
    }
}
