//! Incoming mail told apart: what a message found in a sender account's inbox is, from its
//! raw bytes (parsed with `mail-parser`, never by hand). Rules only; what each kind changes
//! is `events::record_replies`.
//!
//! - **Bounce** (RFC 3464): a `multipart/report; report-type=delivery-status` whose
//!   `message/delivery-status` part has a recipient with `Action: failed`; the failed
//!   addresses come from `Final-Recipient` (and `Original-Recipient`), the email it is about
//!   from the Message-ID of the returned `message/rfc822` or `text/rfc822-headers` part, or
//!   the report's own In-Reply-To / References. A report with no failed recipient (delayed,
//!   delivered, relayed) is `Ignored`, as is any other `multipart/report`.
//! - **Auto-reply** (RFC 3834): `Auto-Submitted` other than `no`, `X-Autoreply`,
//!   `X-Autorespond`, `Precedence: auto_reply | bulk | junk`, `X-Auto-Response-Suppress`, or
//!   a subject starting with a known out-of-office prefix (`OUT_OF_OFFICE_PREFIXES`).
//! - **Reply**: anything else that names Message-IDs in In-Reply-To or References (either
//!   one is enough).
//! - **Ignored**: a message that answers nothing.

use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders};

/// The most of one message the poller fetches (bytes); a longer one is cut, which keeps its
/// headers and the start of its parts, all the rules need.
pub const FETCH_LIMIT: u32 = 256 * 1024;

/// What an incoming message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A person answered (stops the recipient's sequence). `answers`: Message-IDs without
    /// angle brackets, from In-Reply-To and References.
    Reply { answers: Vec<String> },
    /// An automatic answer (RFC 3834): recorded, does not stop the sequence.
    AutoReply { answers: Vec<String> },
    /// A delivery-status notification with failed recipients (RFC 3464): `answers` are the
    /// Message-IDs of the returned email, `failed` the refused addresses, lowercased.
    Bounce {
        answers: Vec<String>,
        failed: Vec<String>,
    },
    /// Nothing for us: a delayed DSN, a report of another kind, a message answering nothing.
    Ignored,
}

/// One message found in the inbox: its UID and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    pub uid: u32,
    pub mail: Incoming,
}

impl InboxMessage {
    /// A human reply to `answers` (for the demo data and tests).
    pub fn reply(uid: u32, answers: Vec<String>) -> Self {
        InboxMessage {
            uid,
            mail: Incoming::Reply { answers },
        }
    }
}

/// Subject prefixes of out-of-office answers, lowercase: English, German, French, Spanish,
/// Italian, Dutch, Scandinavian, Portuguese, Polish, Finnish.
pub const OUT_OF_OFFICE_PREFIXES: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "absence du bureau",
    "respuesta automática",
    "fuera de la oficina",
    "risposta automatica",
    "fuori sede",
    "automatisch antwoord",
    "afwezigheidsbericht",
    "autosvar",
    "automatisk svar",
    "automatiskt svar",
    "resposta automática",
    "odpowiedź automatyczna",
    "automaattinen vastaus",
];

/// What the raw message `raw` (RFC 5322 bytes, possibly cut at `FETCH_LIMIT`) is.
pub fn classify(raw: &[u8]) -> Incoming {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Incoming::Ignored;
    };
    if is_report(&message) {
        return delivery_failure(&message).unwrap_or(Incoming::Ignored);
    }
    let answers = answered_ids(&message);
    if answers.is_empty() {
        Incoming::Ignored
    } else if is_automatic(&message) {
        Incoming::AutoReply { answers }
    } else {
        Incoming::Reply { answers }
    }
}

/// The trimmed raw value of the first header called `name` (any case).
fn header<'a>(message: &'a Message<'_>, name: &str) -> Option<&'a str> {
    message
        .root_part()
        .headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .and_then(|h| {
            let raw = message
                .raw_message()
                .get(h.offset_start() as usize..h.offset_end() as usize)?;
            std::str::from_utf8(raw).ok().map(str::trim)
        })
}

fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.trim().to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// In-Reply-To then References, without angle brackets.
fn answered_ids(message: &Message<'_>) -> Vec<String> {
    let mut ids = ids_of(message.in_reply_to());
    ids.extend(ids_of(message.references()));
    unique(ids)
}

/// `ids` without empty ones and repeats, in their first order.
fn unique(ids: Vec<String>) -> Vec<String> {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !id.is_empty() && !seen.contains(&id) {
            seen.push(id);
        }
    }
    seen
}

/// RFC 3834 and the usual vendor headers, or an out-of-office subject.
fn is_automatic(message: &Message<'_>) -> bool {
    let token = |name| header(message, name).map(|v| first_token(v).to_ascii_lowercase());
    if token("Auto-Submitted").is_some_and(|v| v != "no") {
        return true;
    }
    if ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"]
        .iter()
        .any(|name| header(message, name).is_some())
    {
        return true;
    }
    if token("Precedence").is_some_and(|v| matches!(v.as_str(), "auto_reply" | "bulk" | "junk")) {
        return true;
    }
    let subject = message.subject().unwrap_or_default().trim().to_lowercase();
    OUT_OF_OFFICE_PREFIXES
        .iter()
        .any(|prefix| subject.starts_with(prefix))
}

/// The value up to the first `;` (parameters and comments cut), trimmed.
fn first_token(value: &str) -> &str {
    value.split([';', '(']).next().unwrap_or_default().trim()
}

fn is_report(message: &Message<'_>) -> bool {
    message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    })
}

/// A `Bounce` when the report is a delivery-status notification with failed recipients
/// and names the email it is about.
fn delivery_failure(message: &Message<'_>) -> Option<Incoming> {
    let report_type = message
        .content_type()
        .and_then(|ct| ct.attribute("report-type"))?;
    if !report_type.eq_ignore_ascii_case("delivery-status") {
        return None;
    }
    let mut failed = Vec::new();
    let mut answers = Vec::new();
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = (
            ct.ctype().to_ascii_lowercase(),
            ct.subtype().unwrap_or_default().to_ascii_lowercase(),
        );
        match (kind.0.as_str(), kind.1.as_str()) {
            ("message", "delivery-status" | "global-delivery-status") => {
                failed.extend(failed_recipients(part.contents()));
            }
            ("message", "rfc822" | "global") => {
                if let Some(id) = part.message().and_then(|m| m.message_id()) {
                    answers.push(id.trim().to_string());
                }
            }
            ("text", "rfc822-headers") => {
                if let Some(id) = MessageParser::default()
                    .parse_headers(part.contents())
                    .as_ref()
                    .and_then(|m| m.message_id())
                {
                    answers.push(id.trim().to_string());
                }
            }
            _ => {}
        }
    }
    answers.extend(answered_ids(message));
    let answers = unique(answers);
    (!failed.is_empty() && !answers.is_empty()).then_some(Incoming::Bounce { answers, failed })
}

/// The addresses of the recipient groups with `Action: failed` in a `message/delivery-status`
/// body (RFC 3464 §2.3: one per-message group, then one group per recipient, separated by
/// blank lines; each group is header fields, parsed as such).
fn failed_recipients(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body).replace("\r\n", "\n");
    let mut failed = Vec::new();
    for group in text.split("\n\n").filter(|g| !g.trim().is_empty()) {
        let block = format!("{}\n\n", group.trim_start_matches('\n'));
        let Some(fields) = MessageParser::default().parse_headers(block.as_bytes()) else {
            continue;
        };
        let action = header(&fields, "Action").map(|v| first_token(v).to_ascii_lowercase());
        if action.as_deref() != Some("failed") {
            continue;
        }
        for name in ["Final-Recipient", "Original-Recipient"] {
            if let Some(address) = header(&fields, name).and_then(address_of)
                && !failed.contains(&address)
            {
                failed.push(address);
            }
        }
    }
    failed
}

/// The address of a `type; address` recipient field (`rfc822; ann@acme.example`),
/// lowercased, without angle brackets.
fn address_of(value: &str) -> Option<String> {
    let address = value.split_once(';').map_or(value, |(_, a)| a);
    let address = address.trim().trim_matches(['<', '>']).trim();
    address.contains('@').then(|| address.to_ascii_lowercase())
}

#[cfg(test)]
#[path = "incoming_tests.rs"]
mod tests;
