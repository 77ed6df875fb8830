//! System email: messages rendered from templates, the outbox they are stored in, and the
//! worker that delivers them over SMTP.

pub mod deliverer;
pub mod header_text;
pub mod list_unsubscribe;
pub mod messages;
pub mod outbox;

/// Errors of the mail layer: text that cannot go into a header, or a template that failed
/// to render.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Text bound for a header holds a line break or another control character
    /// (RFC 5322 §2.2). The text is the message for the user; `what` names the field.
    #[error("{what} cannot contain line breaks, tabs or other control characters.")]
    HeaderText { what: String },
    /// An email template failed to render (a fault in dripteam): for the log only.
    #[error("email {part}: {cause}")]
    Render { part: &'static str, cause: String },
}
