//! Text that can reach an email header (display names, subjects, addresses, custom field
//! names): refused at parse time when it holds a line break or another control character,
//! so that no stored value can add a header (RFC 5322 §2.2: a header field is one line
//! unless folded by the writer) or make the message builder fail later in a background job.

use super::MailError;

/// Refuses `value` when it contains CR, LF, TAB or any other Unicode control character
/// (category Cc, which includes U+0000–U+001F, U+007F and U+0080–U+009F).
///
/// `what` names the field in the message shown to the user, e.g. "The name recipients see".
/// Returns `MailError::HeaderText`, whose text is the message for the user; nothing is
/// changed by the caller.
pub fn check(value: &str, what: &str) -> Result<(), MailError> {
    if value.chars().any(char::is_control) {
        return Err(MailError::HeaderText { what: what.into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_controls_are_refused() {
        for bad in [
            "Sales\r\nBcc: x@evil.example.test",
            "Sales\nBcc: x",
            "Sales\rX",
            "a\tb",
            "nul\0",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert!(check(bad, "The name").is_err(), "{bad:?} accepted");
        }
        assert!(check("María Núñez — Sales", "The name").is_ok());
    }
}
