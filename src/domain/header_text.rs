//! Text that can reach an email header (display names, subjects, addresses, custom field
//! names): refused at parse time when it holds a line break or another control character,
//! so that no stored value can add a header (RFC 5322 §2.2: a header field is one line
//! unless folded by the writer) or make the message builder fail later in a background job.

use super::{DomainResult, invalid};

/// Refuses `value` when it contains CR, LF, TAB or any other Unicode control character
/// (category Cc, which includes U+0000–U+001F, U+007F and U+0080–U+009F).
///
/// `what` names the field in the message shown to the user, e.g. "The name recipients see".
/// Returns `DomainError::Invalid` with that message; nothing is changed by the caller.
pub fn check(value: &str, what: &str) -> DomainResult<()> {
    if value.chars().any(char::is_control) {
        return invalid(format!(
            "{what} cannot contain line breaks, tabs or other control characters."
        ));
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
