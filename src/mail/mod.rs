//! System email: messages rendered from templates, the outbox they are stored in, and the
//! worker that delivers them over SMTP.

pub mod deliverer;
pub mod messages;
pub mod outbox;
