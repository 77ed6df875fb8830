//! Unsubscribe in one click (RFC 8058, with RFC 2369's `List-Unsubscribe`).
//!
//! Every campaign email carries `List-Unsubscribe: <BASE/u/TOKEN>, <mailto:SENDER?subject=unsubscribe>`,
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click` and a visible line (the campaign's
//! `unsubscribe_line`, which holds `{{unsubscribe_url}}`) in its text and HTML parts.
//! TOKEN is the message's `tracking_token`: 256 random bits (`tokens::generate`), one per
//! message, so it names the message, its campaign, the campaign's owner and the team, and
//! it is already in the email (the open pixel) so reusing it exposes nothing new.
//!
//! Holding the token is the whole authorization (RFC 8058 §3.2: the mailbox provider
//! POSTs with no cookie, no log-in and no CSRF token). `GET /u/TOKEN` only shows a page
//! with a button (link scanners prefetch GETs); `POST /u/TOKEN` unsubscribes: see
//! [`unsubscribe`].

use chrono::NaiveDateTime;

use super::email_body::escape_html;
use crate::db::models::CampaignMessage;
use crate::db::values::{DoNotEmailReason, RecipientStatus};
use crate::db::{AnyConnection, campaigns as db, messages, recipients, senders as sender_db};
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult, billing, invalid};

/// Where the unsubscribe link goes in a campaign's unsubscribe line.
pub const URL_PLACEHOLDER: &str = "{{unsubscribe_url}}";

/// The line a new campaign carries (the column's default in the migration
/// `2026-12-13-000400_unsubscribe_line`, kept equal to this).
pub const DEFAULT_LINE: &str =
    "If you'd rather not hear from me again, unsubscribe here: {{unsubscribe_url}}";

/// Why an email waiting for a retry was not sent: its recipient unsubscribed.
const UNSUBSCRIBED_NOT_SENT: &str = "Not sent: the recipient unsubscribed.";

const MAX_LINE_CHARS: usize = 500;

/// A campaign's unsubscribe line as typed: trimmed, 1–500 characters, holding
/// `{{unsubscribe_url}}` at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeLine(String);

impl UnsubscribeLine {
    /// Parses the typed line (CRLF become LF). Refusal: `Invalid` when it lacks
    /// `{{unsubscribe_url}}` or is empty or over 500 characters.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let line = raw.trim().replace("\r\n", "\n");
        if line.is_empty() || line.chars().count() > MAX_LINE_CHARS {
            return invalid(format!(
                "Write the unsubscribe line (1 to {MAX_LINE_CHARS} characters) with {URL_PLACEHOLDER} where the link goes."
            ));
        }
        if !line.contains(URL_PLACEHOLDER) {
            return invalid(format!(
                "The unsubscribe line must contain {URL_PLACEHOLDER}, where the link goes: every email must let its recipient unsubscribe."
            ));
        }
        Ok(UnsubscribeLine(line))
    }

    /// The line as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The unsubscribe URL of the message whose token is `token`; `base_url` without a
/// trailing slash.
pub fn url(base_url: &str, token: &str) -> String {
    format!("{base_url}/u/{token}")
}

/// The value of the `List-Unsubscribe` header (RFC 2369 §3.2): the https URL first (the
/// one RFC 8058 one-click POSTs to), then a mailto to the sender.
pub fn list_unsubscribe(url: &str, sender_email: &str) -> String {
    format!("<{url}>, <mailto:{sender_email}?subject=unsubscribe>")
}

/// The visible line, filled with `url`: (text, HTML). The HTML escapes the wording and
/// makes each `{{unsubscribe_url}}` a link that shows the URL. A stored line without the
/// placeholder (it cannot be saved so, but be safe) gets the URL after it.
pub fn footer(line: &str, url: &str) -> (String, String) {
    let line = if line.contains(URL_PLACEHOLDER) {
        line.to_string()
    } else {
        format!("{line} {URL_PLACEHOLDER}")
    };
    let text = line.replace(URL_PLACEHOLDER, url);
    let link = format!("<a href=\"{url}\">{url}</a>", url = escape_html(url));
    let html = line
        .split(URL_PLACEHOLDER)
        .map(|piece| escape_html(piece).replace('\n', "<br>\n"))
        .collect::<Vec<_>>()
        .join(&link);
    (text, html)
}

/// What one email carries: the visible line for each part and the `List-Unsubscribe`
/// header's value.
pub struct Footer {
    pub text: String,
    pub html: String,
    pub list_unsubscribe: String,
}

/// The footer of `message` (its campaign's line, its token's URL) sent from `sender_email`.
/// Refusal: `NotFound` when its campaign is gone.
pub(super) fn for_message(
    conn: &mut AnyConnection,
    base_url: &str,
    message: &CampaignMessage,
    sender_email: &str,
) -> DomainResult<Footer> {
    let campaign = db::by_id(conn, message.campaign_id)?.ok_or(DomainError::NotFound)?;
    let url = url(base_url, &message.tracking_token);
    let (text, html) = footer(&campaign.unsubscribe_line, &url);
    Ok(Footer {
        text,
        html,
        list_unsubscribe: list_unsubscribe(&url, sender_email),
    })
}

/// What the unsubscribe page shows: whose emails they are, and whether this recipient has
/// unsubscribed already.
pub struct UnsubscribePage {
    /// The sender's display name ("Max at Acme"), or "the sender".
    pub from: String,
    pub already: bool,
}

/// The page for `token` (`GET /u/TOKEN`): changes nothing. Refusal: `NotFound` for a token
/// of no message.
pub fn page(conn: &mut AnyConnection, token: &str) -> DomainResult<UnsubscribePage> {
    let message = messages::by_tracking_token(conn, token)?.ok_or(DomainError::NotFound)?;
    let from = sender_db::by_id(conn, message.sender_id)?
        .map_or_else(|| "the sender".to_string(), |s| s.display_name);
    let already = recipients::recipient_by_id(conn, message.recipient_id)?
        .is_some_and(|r| r.status == RecipientStatus::Unsubscribed);
    Ok(UnsubscribePage { from, already })
}

/// Unsubscribes the recipient of the message whose token is `token` (`POST /u/TOKEN`), in
/// one transaction: the recipient's status becomes Unsubscribed (no further step), an email
/// of theirs waiting for a retry fails and releases the recipient it held on the pool, and
/// the address goes on the do-not-email list of the campaign owner's team with reason
/// unsubscribed, attributed to the campaign and its owner, so no campaign of the team emails
/// it again. Doing it twice changes nothing more. Refusal: `NotFound` for an unknown token.
pub fn unsubscribe(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> DomainResult<()> {
    let message = messages::by_tracking_token(conn, token)?.ok_or(DomainError::NotFound)?;
    crate::db::write_transaction(conn, |conn| {
        if let Some(recipient) = recipients::recipient_by_id(conn, message.recipient_id)?
            && recipient.status != RecipientStatus::Unsubscribed
        {
            recipients::stop_recipient(conn, recipient.id, RecipientStatus::Unsubscribed)?;
            for retry in messages::retries_of(conn, recipient.id)? {
                messages::mark_attempt_failed(conn, retry, UNSUBSCRIBED_NOT_SENT, None)?;
                billing::release_held_recipient(conn, retry)?;
            }
        }
        let owner = db::by_id(conn, message.campaign_id)?.map_or(message.owner_id, |c| c.owner_id);
        do_not_email::record(
            conn,
            owner,
            &message.recipient_email,
            DoNotEmailReason::Unsubscribed,
            Some(message.campaign_id),
            now,
        )?;
        Ok::<_, DomainError>(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_must_hold_the_link() {
        assert!(UnsubscribeLine::parse(DEFAULT_LINE).is_ok());
        assert!(UnsubscribeLine::parse("Reply STOP.").is_err());
        assert!(UnsubscribeLine::parse("  ").is_err());
        let long = format!("{} {URL_PLACEHOLDER}", "x".repeat(500));
        assert!(UnsubscribeLine::parse(&long).is_err());
    }

    #[test]
    fn the_footer_fills_both_parts_and_escapes_the_wording() {
        let (text, html) = footer("Done <here>? {{unsubscribe_url}}", "https://d.example/u/T");
        assert_eq!(text, "Done <here>? https://d.example/u/T");
        assert_eq!(
            html,
            "Done &lt;here&gt;? <a href=\"https://d.example/u/T\">https://d.example/u/T</a>"
        );
        assert_eq!(
            list_unsubscribe("https://d.example/u/T", "max@acme.example"),
            "<https://d.example/u/T>, <mailto:max@acme.example?subject=unsubscribe>"
        );
    }
}
