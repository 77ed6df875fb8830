//! What recipients do with a sent email: opens (the tracking pixel), clicks (tracked
//! links) and replies found in the sender's inbox, each recorded once per email.

use chrono::NaiveDateTime;

use super::email_body;
use crate::db::messages::Event;
use crate::db::values::RecipientStatus;
use crate::db::{AnyConnection, campaigns as db, messages, senders as sender_db};
use crate::domain::{DomainError, DomainResult};
use crate::mailboxes::InboxMessage;

/// The open pixel was loaded. Unknown tokens change nothing.
pub fn record_open(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> DomainResult<()> {
    if let Some(message) = messages::by_tracking_token(conn, token)? {
        messages::record_event(conn, message.id, Event::Opened, now)?;
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
    let (message_id, url) = messages::link_by_token(conn, token)?.ok_or(DomainError::NotFound)?;
    messages::record_event(conn, message_id, Event::Clicked, now)?;
    // A click means the email was opened, even when images were blocked.
    messages::record_event(conn, message_id, Event::Opened, now)?;
    Ok(email_body::location(&url))
}

/// Why an email waiting for a retry was not sent: its recipient replied meanwhile.
const REPLIED_NOT_SENT: &str = "Not sent: the recipient replied before this email's retry.";

/// Replies found in a sender's inbox: each stops the later steps of its recipient, and an
/// email of theirs waiting for a retry fails, releasing the recipient it held.
pub fn record_replies(
    conn: &mut AnyConnection,
    sender_id: i64,
    inbox: &[InboxMessage],
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut found = 0;
    for message in inbox {
        for ours in messages::by_message_ids(conn, &message.answers)?
            .into_iter()
            .filter(|m| m.sender_id == sender_id)
        {
            crate::db::write_transaction(conn, |conn| {
                if messages::record_event(conn, ours.id, Event::Replied, now)? {
                    found += 1;
                    db::stop_recipient(conn, ours.recipient_id, RecipientStatus::Replied)?;
                    for retry in messages::retries_of(conn, ours.recipient_id)? {
                        messages::mark_attempt_failed(conn, retry, REPLIED_NOT_SENT, None)?;
                        crate::domain::billing::release_held_recipient(conn, retry)?;
                    }
                }
                Ok::<_, DomainError>(())
            })?;
        }
    }
    if let Some(highest) = inbox.iter().map(|m| m.uid).max() {
        sender_db::advance_imap_uid(conn, sender_id, highest as i64)?;
    }
    Ok(found)
}
