//! The rules of dripteam: no HTTP, no SQL strings. Every function takes a connection and
//! the current instant, asks `policy` before it acts, and uses `db` for storage.

pub mod accounts;
pub mod billing;
pub mod campaigns;
pub mod policy;
pub mod prospects;
pub mod team;

use chrono::NaiveDateTime;

use crate::db::DbError;
pub use crate::db::ids::{MembershipId, TeamId, UserId};

/// Errors of the domain layer. The first group carries a message written for the user;
/// `Db` and `Internal` carry causes for the log only.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    Invalid(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Throttled(String),
    #[error("Your team's {unit} for this billing period are used up. They renew on {}.", .renews_at.format("%Y-%m-%d"))]
    PoolExhausted {
        unit: &'static str,
        renews_at: NaiveDateTime,
    },
    #[error("You have reached the cap of {cap} {unit} your team leader set for you this billing period. It renews on {}.", .renews_at.format("%Y-%m-%d"))]
    CapReached {
        unit: &'static str,
        cap: i64,
        renews_at: NaiveDateTime,
    },
    #[error(
        "Your team is locked because the team leader's plan has expired. Ask your team leader to renew it, or leave the team to use your own plan."
    )]
    TeamLocked,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0}")]
    Internal(String),
}

impl From<crate::mail::MailError> for DomainError {
    fn from(e: crate::mail::MailError) -> Self {
        match e {
            crate::mail::MailError::HeaderText { .. } => DomainError::Invalid(e.to_string()),
            crate::mail::MailError::Render { .. } => DomainError::Internal(e.to_string()),
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

/// `Invalid` with a message, the common refusal of bad input.
pub fn invalid<T>(message: impl Into<String>) -> DomainResult<T> {
    Err(DomainError::Invalid(message.into()))
}
