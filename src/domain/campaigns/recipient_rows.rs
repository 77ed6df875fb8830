//! The recipients table of a campaign's page: one row per recipient with what their emails
//! say (sent, opened, clicked, replied or auto-replied, the last problem) and, for an active
//! one, when their next email is due and why it waits.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::launch::SkipReason;
use crate::db::models::{CampaignMessage, CampaignRecipient};
use crate::db::values::{MessageStatus, RecipientStatus};

/// A recipient's row on the campaign page.
pub struct RecipientRow {
    /// The recipient's id (for "Resume" on a paused one).
    pub id: i64,
    pub email: String,
    pub status: RecipientStatus,
    /// Why it was skipped at launch (status `Skipped`).
    pub skip_reason: Option<SkipReason>,
    /// Why its sequence is paused (status `Paused`), e.g. "a teammate got a reply from
    /// acme.example".
    pub pause_reason: Option<String>,
    pub emails_sent: usize,
    pub opened: bool,
    pub clicked: bool,
    pub replied: bool,
    /// When the latest auto-reply to one of their emails came (RFC 3834; not a reply).
    pub auto_replied_at: Option<NaiveDateTime>,
    pub problem: String,
    /// An active recipient's next email: when it is due, in the schedule's zone…
    pub next_due: String,
    /// …and why it waits ("outside the sending window (next opening …)", "paused").
    pub waits: String,
}

/// How the campaign page names a recipient's status.
impl RecipientStatus {
    /// The stored word, or a sentence where the word alone would not say what happened.
    pub fn label(self) -> &'static str {
        match self {
            RecipientStatus::FormerMailbox => {
                "Finished: contacted from the former owner's mailbox, where their replies go"
            }
            other => other.as_str(),
        }
    }
}

/// How many recipient rows the campaign page lists; it says how many there are in all.
pub(super) const ROWS_SHOWN: i64 = 50;

/// The rows of `recipients` with what their emails (`messages`) say; `next_email` gives an
/// active recipient's due time and why it waits.
pub(super) fn recipient_rows(
    recipients: Vec<CampaignRecipient>,
    messages: Vec<CampaignMessage>,
    next_email: impl Fn(&CampaignRecipient) -> (String, String),
) -> Vec<RecipientRow> {
    let mut by_recipient: HashMap<i64, Vec<CampaignMessage>> = HashMap::new();
    for message in messages {
        by_recipient
            .entry(message.recipient_id)
            .or_default()
            .push(message);
    }
    recipients
        .into_iter()
        .map(|r| {
            let mine = by_recipient.remove(&r.id).unwrap_or_default();
            let (next_due, waits) = match r.status {
                RecipientStatus::Active => next_email(&r),
                _ => (String::new(), String::new()),
            };
            RecipientRow {
                next_due,
                waits,
                emails_sent: mine.iter().filter(|m| m.sent_at.is_some()).count(),
                opened: mine.iter().any(|m| m.opened_at.is_some()),
                clicked: mine.iter().any(|m| m.clicked_at.is_some()),
                replied: mine.iter().any(|m| m.replied_at.is_some()),
                auto_replied_at: mine.iter().filter_map(|m| m.auto_replied_at).max(),
                problem: mine
                    .iter()
                    .rev()
                    .find(|m| !m.last_error.is_empty() || m.status == MessageStatus::Unconfirmed)
                    .map_or(String::new(), |m| {
                        if m.status == MessageStatus::Unconfirmed {
                            "sending was interrupted; not resent, check the sender's Sent folder"
                                .into()
                        } else {
                            m.last_error.clone()
                        }
                    }),
                id: r.id,
                email: r.email,
                status: r.status,
                skip_reason: r.skip_reason,
                pause_reason: r
                    .pause_reason
                    .filter(|_| r.status == RecipientStatus::Paused),
            }
        })
        .collect()
}
