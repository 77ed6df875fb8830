//! What recipients do with a sent email: opens (the tracking pixel), clicks (tracked
//! links), and what the sender's inbox holds (told apart by `incoming`): replies,
//! auto-replies and delivery-status notifications, each recorded once per email.

use chrono::NaiveDateTime;

use super::bounces;
use super::email_body;
use super::incoming::{InboxMessage, Incoming};
use crate::db::incoming as incoming_db;
use crate::db::models::CampaignMessage;
use crate::db::tracking::Event;
use crate::db::values::RecipientStatus;
use crate::db::{AnyConnection, messages, recipients as db, senders as sender_db, tracking};
use crate::domain::{DomainError, DomainResult};

/// The open pixel was loaded. Unknown tokens change nothing.
pub fn record_open(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> DomainResult<()> {
    if let Some(message) = messages::by_tracking_token(conn, token)? {
        tracking::record_event(conn, message.id, Event::Opened, now)?;
    }
    Ok(())
}

/// A tracked link was followed: the URL it stands for (only URLs that were in the email),
/// as a `Location` value (`email_body::location`: non-ASCII percent-encoded, all else kept).
pub fn record_click(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (message_id, url) = tracking::link_by_token(conn, token)?.ok_or(DomainError::NotFound)?;
    tracking::record_event(conn, message_id, Event::Clicked, now)?;
    // A click means the email was opened, even when images were blocked.
    tracking::record_event(conn, message_id, Event::Opened, now)?;
    Ok(email_body::location(&url))
}

/// Why an email waiting for a retry was not sent: its recipient replied meanwhile.
const REPLIED_NOT_SENT: &str = "Not sent: the recipient replied before this email's retry.";

/// Messages found in a sender's inbox (`incoming::classify` told what each is), for the
/// sender's own emails only: a reply stops the later steps of its recipient and an email of
/// theirs waiting for a retry fails, releasing the recipient it held, and pauses the
/// sequences to the same company (`company_pause`); an auto-reply is
/// recorded (once per email) and, when the campaign says so, delays the recipient's next
/// step by its pause; a failed delivery-status notification whose failed addresses include
/// the email's recipient marks them bounced (`bounces::record_bounce`). The inbox is then
/// read up to the highest UID. Returns how many new replies were recorded. `base_url`: for
/// the link in the owner's email when a bounce pauses the campaign.
pub fn record_replies(
    conn: &mut AnyConnection,
    sender_id: i64,
    inbox: &[InboxMessage],
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut found = 0;
    for message in inbox {
        let answers = match &message.mail {
            Incoming::Reply { answers }
            | Incoming::AutoReply { answers }
            | Incoming::Bounce { answers, .. } => answers,
            Incoming::Ignored => continue,
        };
        for ours in messages::by_message_ids(conn, answers)?
            .into_iter()
            .filter(|m| m.sender_id == sender_id)
        {
            match &message.mail {
                Incoming::Reply { .. } => found += usize::from(record_reply(conn, &ours, now)?),
                Incoming::AutoReply { .. } => record_auto_reply(conn, &ours, now)?,
                Incoming::Bounce { failed, .. } => {
                    if failed.contains(&ours.recipient_email.to_lowercase()) {
                        bounces::record_bounce(conn, &ours, base_url, now)?;
                    }
                }
                Incoming::Ignored => {}
            }
        }
    }
    if let Some(highest) = inbox.iter().map(|m| m.uid).max() {
        sender_db::advance_imap_uid(conn, sender_id, highest as i64)?;
    }
    Ok(found)
}

/// A human reply to `ours`: true when it is the first one to this email.
fn record_reply(
    conn: &mut AnyConnection,
    ours: &CampaignMessage,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        if !tracking::record_event(conn, ours.id, Event::Replied, now)? {
            return Ok::<_, DomainError>(false);
        }
        db::stop_recipient(conn, ours.recipient_id, RecipientStatus::Replied)?;
        for retry in messages::retries_of(conn, ours.recipient_id)? {
            messages::mark_attempt_failed(conn, retry, REPLIED_NOT_SENT, None)?;
            crate::domain::billing::release_held_recipient(conn, retry)?;
        }
        super::company_pause::pause_for_reply(conn, ours)?;
        Ok(true)
    })
}

/// An auto-reply to `ours` (RFC 3834): recorded once per email; the recipient's sequence
/// goes on, their next step no earlier than `now` plus the campaign's auto-reply pause.
fn record_auto_reply(
    conn: &mut AnyConnection,
    ours: &CampaignMessage,
    now: NaiveDateTime,
) -> DomainResult<()> {
    crate::db::write_transaction(conn, |conn| {
        if incoming_db::record_auto_reply(conn, ours.id, now)? {
            let days = incoming_db::auto_reply_pause_days(conn, ours.campaign_id)?;
            if days > 0 {
                let until = now + chrono::Duration::days(i64::from(days));
                incoming_db::postpone_next_step(conn, ours.recipient_id, until)?;
            }
        }
        Ok::<_, DomainError>(())
    })
}
