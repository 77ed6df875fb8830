//! Sending campaign emails, as rules: which emails are due, claiming each one before the
//! SMTP call (only while its campaign is active), holding its recipient on the pool until
//! the SMTP server accepts it (then spent, `outcomes`) or it fails for good (then
//! released); the email itself is built by `compose`. A recipient whose address or domain is on the
//! team's do-not-email list is not claimed: they are skipped at send time. Each claim takes
//! its mailbox's slot (`pacing`); the campaigns of one mailbox take turns (`mailbox_queue`).
//! The job in `jobs::campaign_sender` does the SMTP
//! calls between these functions and `outcomes`.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

pub use super::compose::Outgoing;
use super::compose::rebuild;
use super::outcomes::fail_for_good;
use crate::crypto::SecretBox;
use crate::db::ids::UserId;
use crate::db::models::{Campaign, CampaignMessage, SenderAccount};
use crate::db::values::{CampaignStatus, MessageStatus, RecipientStatus, SkipReason};
use crate::db::{AnyConnection, campaigns as db, messages, recipients, senders as sender_db};
use crate::domain::billing;
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult};

/// Why an email waiting for a retry was not sent: its address went on the do-not-email list.
const ON_LIST_NOT_SENT: &str =
    "Not sent: the address is on the do-not-email list (unsubscribed, bounced or added by hand).";

/// A claim with no outcome after this long belongs to a process that died mid-send.
pub const STALE_CLAIM_MINUTES: i64 = 10;

/// Marks claims left by a dead process `unconfirmed` and stops those recipients: such an
/// email may or may not have gone out, so it is reported and never sent blindly again. Its
/// recipient's hold is released: only an acceptance the SMTP server confirmed is spent.
pub fn report_stale_claims(conn: &mut AnyConnection, now: NaiveDateTime) -> DomainResult<usize> {
    let stale = messages::stale_claims(conn, now - Duration::minutes(STALE_CLAIM_MINUTES))?;
    for message in &stale {
        crate::db::write_transaction(conn, |conn| {
            messages::set_status(conn, message.id, MessageStatus::Unconfirmed)?;
            billing::release_held_recipient(conn, message.id)?;
            recipients::stop_recipient(conn, message.recipient_id, RecipientStatus::Unconfirmed)?;
            Ok::<_, DomainError>(())
        })?;
        log::warn!(
            "campaign email {} was claimed but never confirmed; reported, not resent",
            message.id
        );
    }
    Ok(stale.len())
}

/// Claims the due retries and due emails of every active campaign for this worker; a
/// paused (or moved, or locked) campaign's emails and retries wait. Each claim is taken by
/// a statement that checks the campaign is active, together with its mailbox's slot
/// (`pacing`: its pause and daily limit), and holds its recipient on the pool
/// (`billing::hold_recipient`). The campaigns sharing a mailbox take turns
/// (`mailbox_queue`). An email that cannot be built is failed at once with its reason; a
/// campaign or mailbox whose claiming fails is logged and skipped until the next round,
/// the others go on.
pub fn claim_due(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<Vec<Outgoing>> {
    let mut out = Vec::new();
    for message in messages::due_retries(conn, now, 50)? {
        if let Err(e) = claim_retry(conn, secrets, base_url, &message, now, &mut out) {
            log::error!(
                "campaign email {}: its retry could not be claimed: {e}",
                message.id
            );
        }
    }
    let mut by_mailbox: BTreeMap<i64, Vec<Campaign>> = BTreeMap::new();
    for campaign_id in db::active_ids(conn)? {
        if let Some(campaign) = db::by_id(conn, campaign_id)?
            && let Some(sender_id) = campaign.sender_id
        {
            by_mailbox.entry(sender_id).or_default().push(campaign);
        }
    }
    for (sender_id, campaigns) in by_mailbox {
        // One mailbox's fault must not keep the others' emails from going out.
        let claimed = super::mailbox_queue::claim_for_mailbox(
            conn, secrets, base_url, sender_id, campaigns, now, &mut out,
        );
        if let Err(e) = claimed {
            log::error!("sender account {sender_id}: its due emails could not be claimed: {e}");
        }
    }
    Ok(out)
}

/// The campaign's sender account, when it is its owner's (`policy::may_send_from`): never
/// send from another's, nor from none (a moved campaign before its new owner chose one).
fn usable_sender(
    conn: &mut AnyConnection,
    campaign: &Campaign,
) -> DomainResult<Option<SenderAccount>> {
    let Some(sender) = campaign_sender(conn, campaign)? else {
        return Ok(None);
    };
    Ok(
        crate::domain::policy::may_send_from(campaign.owner_id, Some(sender.owner_id), "sending")
            .is_ok()
            .then_some(sender),
    )
}

fn campaign_sender(
    conn: &mut AnyConnection,
    campaign: &Campaign,
) -> DomainResult<Option<SenderAccount>> {
    Ok(match campaign.sender_id {
        Some(id) => sender_db::by_id(conn, id)?,
        None => None,
    })
}

/// Why the campaign's sender account may not send now (its SMTP server refused the sender,
/// `outcomes::record_failed_attempt`); `None` when it may.
pub(super) fn sender_refusal(
    conn: &mut AnyConnection,
    campaign: &Campaign,
) -> DomainResult<Option<String>> {
    Ok(campaign_sender(conn, campaign)?.and_then(|s| s.smtp_refusal))
}

/// Who owns the campaign's sender account; `None` when it has none.
pub(super) fn sender_owner(
    conn: &mut AnyConnection,
    campaign: &Campaign,
) -> DomainResult<Option<UserId>> {
    Ok(campaign_sender(conn, campaign)?.map(|s| s.owner_id))
}

/// A due retry goes out from the campaign's sender account as it is now (after a record
/// transfer and resume: the new owner's), and only while the campaign is active.
fn claim_retry(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    message: &CampaignMessage,
    now: NaiveDateTime,
    out: &mut Vec<Outgoing>,
) -> DomainResult<()> {
    let Some(campaign) = db::by_id(conn, message.campaign_id)? else {
        return Ok(());
    };
    let Some(sender) = usable_sender(conn, &campaign)? else {
        return Ok(());
    };
    let list = do_not_email::list_owner(conn, campaign.owner_id)?;
    if do_not_email::on_list(conn, list, &message.recipient_email)? {
        return crate::db::write_transaction(conn, |conn| {
            messages::mark_attempt_failed(conn, message.id, ON_LIST_NOT_SENT, None)?;
            billing::release_held_recipient(conn, message.id)?;
            recipients::skip_recipient(conn, message.recipient_id, SkipReason::DoNotEmail)?;
            Ok::<_, DomainError>(())
        });
    }
    let zone = super::pacing::owner_zone(conn, &sender)?;
    let slot = super::pacing::claim_with_slot(conn, &sender, zone, now, None, |conn| {
        Ok(messages::reclaim(conn, message.id, sender.id, now)?.then_some(message.id))
    })?;
    if !matches!(slot, super::pacing::Slot::Claimed(_)) {
        return Ok(());
    }
    let message = messages::by_id(conn, message.id)?.ok_or(DomainError::NotFound)?;
    if !hold(conn, &campaign, &message, true, now)? {
        return Ok(());
    }
    match rebuild(conn, secrets, base_url, &message) {
        Ok(outgoing) => out.push(outgoing),
        Err(e) => fail_for_good(conn, &message, &unsendable(message.id, &e))?,
    }
    Ok(())
}

/// Holds the claimed email's recipient on the owner's pool. When the pool, the owner's cap
/// or a locked team refuses, the claim is given back (false) and, when `pause`, the
/// campaign is paused with the reason; any other error gives the claim back too.
pub(super) fn hold(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    message: &CampaignMessage,
    pause: bool,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    let held = billing::hold_recipient(
        conn,
        campaign.owner_id,
        &message.recipient_email,
        message.id,
        now,
    );
    match held {
        Ok(()) => Ok(true),
        Err(
            e @ (DomainError::PoolExhausted { .. }
            | DomainError::CapReached { .. }
            | DomainError::TeamLocked),
        ) => {
            messages::unclaim(conn, message)?;
            if pause {
                db::set_status(
                    conn,
                    campaign.id,
                    &[CampaignStatus::Active],
                    CampaignStatus::Paused,
                    &format!("Paused automatically: {e}"),
                )?;
            }
            Ok(false)
        }
        Err(e) => {
            // Not sent and never will be by this claim: free it for the next round.
            messages::unclaim(conn, message)?;
            Err(e)
        }
    }
}

/// Asked just before the SMTP call: whether the claimed email's campaign is still active.
/// When it is not (paused, moved or locked since the claim), the claim is given back
/// (`messages::unclaim`; a first attempt's hold is released) and nothing is sent.
pub fn still_sendable(conn: &mut AnyConnection, message_row: i64) -> DomainResult<bool> {
    if messages::campaign_active(conn, message_row)? {
        return Ok(true);
    }
    crate::db::write_transaction(conn, |conn| {
        if let Some(message) = messages::by_id(conn, message_row)?
            && message.status == MessageStatus::Claimed
            && messages::unclaim(conn, &message)?
        {
            billing::release_held_recipient(conn, message.id)?;
        }
        Ok::<_, DomainError>(())
    })?;
    Ok(false)
}

/// Why an email could not be built, for the campaign page: the refusal's own message, or
/// a plain sentence for an internal cause (which goes to the log).
pub(super) fn unsendable(message_row: i64, error: &DomainError) -> String {
    match error {
        DomainError::Invalid(reason) => format!("Not sent: {reason}"),
        other => {
            log::error!("campaign email {message_row} could not be built: {other}");
            "Not sent: the email could not be prepared (internal error).".into()
        }
    }
}

pub(super) fn domain_of(email: &str) -> &str {
    email
        .rsplit_once('@')
        .map_or("dripteam.localhost", |(_, d)| d)
}
