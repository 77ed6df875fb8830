//! The rules of dripteam: no HTTP, no SQL strings. Every function takes a connection and
//! the current instant, asks `policy` before it acts, and uses `db` for storage.

pub mod accounts;
pub mod billing;
pub mod campaigns;
pub mod paging;
pub mod policy;
pub mod prospects;
pub mod submissions;
pub mod team;

use chrono::NaiveDateTime;

use crate::db::DbError;
pub use crate::db::ids::{MembershipId, TeamId, UserId};
use crate::text::number;

/// Errors of the domain layer. Every variant but `Db` and `Internal` carries a message
/// written for the user (its `Display`); `Db` and `Internal` carry causes for the log only.
/// `web::errors` turns each kind into a page by its written policy.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input refused: the message says what to change (the form is shown again).
    #[error("{0}")]
    Invalid(String),
    /// A link or an invitation past its time; the message says how to get a new one.
    #[error("{0}")]
    Expired(String),
    /// A one-time link or action already used or answered (a reset link, an invitation,
    /// a launched campaign, a started import).
    #[error("{0}")]
    AlreadyUsed(String),
    /// No such record, or one the actor may not know of (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// The actor may see the record but not do this; the message says why.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts in a window; the message says when to try again.
    #[error("{0}")]
    Throttled(String),
    /// The pool the user spends from cannot cover the `asked` units: `left` remain.
    #[error("{}", pool_shortfall(unit, *asked, *left, *renews_at))]
    PoolExhausted {
        unit: &'static str,
        asked: i64,
        left: i64,
        renews_at: NaiveDateTime,
    },
    /// The member's cap cannot cover the `asked` units: `left` of `cap` remain.
    #[error("{}", cap_shortfall(unit, *asked, *left, *cap, *renews_at))]
    CapReached {
        unit: &'static str,
        asked: i64,
        left: i64,
        cap: i64,
        renews_at: NaiveDateTime,
    },
    #[error(
        "Your team is locked because the team leader's plan has expired. Ask your team leader to renew it, or leave the team to use your own plan."
    )]
    TeamLocked,
    /// A storage failure: for the log only.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A fault that is not the user's (a failed task, a bad stored value): for the log only.
    #[error("{0}")]
    Internal(String),
}

/// `PoolExhausted` as said to the user: used up, or what is left and what was asked.
fn pool_shortfall(unit: &str, asked: i64, left: i64, renews_at: NaiveDateTime) -> String {
    let renews = renews_at.format("%Y-%m-%d");
    if left <= 0 {
        format!("Your team's {unit} for this billing period are used up. They renew on {renews}.")
    } else {
        format!(
            "This needs {} {unit}, but only {} {} left of your team's {unit} for this billing period. They renew on {renews}.",
            number(asked),
            number(left),
            is_or_are(left)
        )
    }
}

/// `CapReached` as said to the user: reached, or what is left and what was asked.
fn cap_shortfall(unit: &str, asked: i64, left: i64, cap: i64, renews_at: NaiveDateTime) -> String {
    let renews = renews_at.format("%Y-%m-%d");
    if left <= 0 {
        format!(
            "You have reached the cap of {} {unit} your team leader set for you this billing period. It renews on {renews}.",
            number(cap)
        )
    } else {
        format!(
            "This needs {} {unit}, but only {} {} left of the cap of {} {unit} your team leader set for you this billing period. It renews on {renews}.",
            number(asked),
            number(left),
            is_or_are(left),
            number(cap)
        )
    }
}

fn is_or_are(count: i64) -> &'static str {
    if count == 1 { "is" } else { "are" }
}

impl DomainError {
    /// The message of a refusal the user can act on where they are (a form shown again or
    /// a flash message): bad input, an expired or used link, a throttle, a spent pool or cap,
    /// a locked team. `None` for not found, not allowed and internal failures, which get
    /// their own pages.
    pub fn refusal(&self) -> Option<String> {
        match self {
            DomainError::Invalid(_)
            | DomainError::Expired(_)
            | DomainError::AlreadyUsed(_)
            | DomainError::Throttled(_)
            | DomainError::PoolExhausted { .. }
            | DomainError::CapReached { .. }
            | DomainError::TeamLocked => Some(self.to_string()),
            DomainError::NotFound
            | DomainError::Forbidden(_)
            | DomainError::Db(_)
            | DomainError::Internal(_) => None,
        }
    }
}

impl From<crate::mail::MailError> for DomainError {
    fn from(e: crate::mail::MailError) -> Self {
        match e {
            crate::mail::MailError::HeaderText { .. } => DomainError::Invalid(e.to_string()),
            crate::mail::MailError::Render { .. } => DomainError::Internal(e.to_string()),
        }
    }
}

/// The result of every domain function.
pub type DomainResult<T> = Result<T, DomainError>;

/// `Invalid` with a message, the common refusal of bad input.
pub fn invalid<T>(message: impl Into<String>) -> DomainResult<T> {
    Err(DomainError::Invalid(message.into()))
}
