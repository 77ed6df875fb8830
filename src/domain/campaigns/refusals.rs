//! Whom an SMTP server's refusal of a campaign email is about, from its reply code
//! (RFC 5321 §4.2) and, when the reply carries one, its enhanced status code (RFC 3463,
//! "5.1.1"). It decides what the refusal changes (`outcomes::record_failed_attempt`):
//!
//! - the **recipient** refused for good (`RecipientRefused`): a 550, 551 or 553 without an
//!   enhanced code, or 5.1.x (bad destination mailbox, system or syntax) and 5.2.x
//!   (mailbox disabled or full): a bounce — the recipient is marked bounced and the
//!   address goes on the team's do-not-email list;
//! - the **sender** refused (`LoginRefused`, `SenderRefused`): 530, 534, 535 and 538
//!   (authentication), 5.7.x (policy: not authorised, blocked, DMARC), 5.1.7 and 5.1.8 (bad
//!   sender address or system), or a reply that names the sender: nobody is suppressed,
//!   the sender account is flagged and its campaigns pause until the owner fixes it;
//! - anything else (every 4xx, and other 5xx): the email is retried with backoff as before.

use super::outbound::FailureKind;

/// The enhanced status code ("5.1.1") that opens `text`, the reply's words after its code.
pub fn enhanced_status(text: &str) -> Option<(u16, u16, u16)> {
    let first = text.split_whitespace().next()?;
    let mut parts = first.split('.').map(|p| p.parse::<u16>().ok());
    match (parts.next()??, parts.next()??, parts.next()??, parts.next()) {
        (class @ (2 | 4 | 5), subject, detail, None) if subject < 1000 && detail < 1000 => {
            Some((class, subject, detail))
        }
        _ => None,
    }
}

/// The kind of a negative reply `code` with `text` (see the module comment).
pub fn classify(code: u16, text: &str) -> FailureKind {
    if matches!(code, 530 | 534 | 535 | 538) {
        return FailureKind::LoginRefused;
    }
    if !(500..600).contains(&code) {
        return FailureKind::MessageRefused;
    }
    match enhanced_status(text) {
        Some((5, 1, 7 | 8)) | Some((5, 7, _)) => FailureKind::SenderRefused,
        Some((5, 1 | 2, _)) => FailureKind::RecipientRefused,
        Some(_) => FailureKind::MessageRefused,
        None if text.to_ascii_lowercase().contains("sender") => FailureKind::SenderRefused,
        None if matches!(code, 550 | 551 | 553) => FailureKind::RecipientRefused,
        None => FailureKind::MessageRefused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_told_apart_by_whom_it_concerns() {
        let cases = [
            (
                550,
                "5.1.1 <bob@x.example>: Recipient address rejected",
                FailureKind::RecipientRefused,
            ),
            (552, "5.2.2 Mailbox full", FailureKind::RecipientRefused),
            (550, "Mailbox unavailable", FailureKind::RecipientRefused),
            (
                553,
                "Mailbox name not allowed",
                FailureKind::RecipientRefused,
            ),
            (
                535,
                "5.7.8 Authentication credentials invalid",
                FailureKind::LoginRefused,
            ),
            (
                550,
                "5.7.1 Message rejected under DMARC policy",
                FailureKind::SenderRefused,
            ),
            (
                553,
                "5.1.8 Sender address domain does not exist",
                FailureKind::SenderRefused,
            ),
            (
                550,
                "Sender address rejected: not owned by user",
                FailureKind::SenderRefused,
            ),
            (
                554,
                "5.6.0 Message content rejected",
                FailureKind::MessageRefused,
            ),
            (554, "Transaction failed", FailureKind::MessageRefused),
            (
                450,
                "4.2.1 Mailbox busy, try later",
                FailureKind::MessageRefused,
            ),
            (451, "4.7.1 Greylisted", FailureKind::MessageRefused),
        ];
        for (code, text, kind) in cases {
            assert_eq!(classify(code, text), kind, "{code} {text}");
        }
    }

    #[test]
    fn enhanced_codes_are_read_only_where_they_open_the_reply() {
        assert_eq!(enhanced_status("5.1.1 User unknown"), Some((5, 1, 1)));
        assert_eq!(enhanced_status("User unknown 5.1.1"), None);
        assert_eq!(enhanced_status("5.1 x"), None);
        assert_eq!(enhanced_status("3.1.1 x"), None);
        assert_eq!(enhanced_status(""), None);
    }
}
