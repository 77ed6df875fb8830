//! The two headers of one-click unsubscribe as lettre headers (lettre 0.11 adds a custom
//! header through a type implementing `lettre::message::header::Header`):
//! `List-Unsubscribe` (RFC 2369 §3.2) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
//! (RFC 8058 §3.1). Their values are made by `domain::campaigns::unsubscribe`.

use lettre::message::header::{Header, HeaderName, HeaderValue};

type ParseError = Box<dyn std::error::Error + Send + Sync>;

/// `List-Unsubscribe: <https://…/u/TOKEN>, <mailto:…>`: the value as given (ASCII; lettre
/// folds it after a comma when the line is long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUnsubscribe(pub String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, ParseError> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: the receiver may unsubscribe with
/// one POST of that body to the https URL of `List-Unsubscribe` (RFC 8058).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListUnsubscribePost;

/// The one value RFC 8058 allows.
const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, ParseError> {
        if s.trim() == ONE_CLICK {
            Ok(ListUnsubscribePost)
        } else {
            Err(format!("List-Unsubscribe-Post must be {ONE_CLICK}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), ONE_CLICK.to_string())
    }
}
