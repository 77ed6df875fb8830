//! Double submission: a creating form (a list, a campaign, a prospect, a sender account, a
//! step, an invitation, a CSV upload) carries a one-time form token, made when the page is
//! shown. Handling the POST claims the token in the database before anything is created;
//! a second POST with the same token (a double click, a form sent again) creates nothing
//! and is told what the first one created. A session cookie cannot tell two clicks apart,
//! the token can. A refused form gives its token back, so the form shown again can be
//! corrected and sent.

use chrono::{Duration, NaiveDateTime};

use crate::db::AnyConnection;
use crate::db::submissions::{self as db, Claim};
pub use crate::db::values::FormKind;
use crate::domain::accounts::tokens;
use crate::domain::{DomainResult, UserId, invalid};

/// What a second POST with a used token is told.
pub const ALREADY_SENT: &str =
    "This form was already sent, so nothing was created twice. Here is what it created.";

/// How long a claimed token is remembered: longer than anyone keeps a page open to send
/// it again.
const REMEMBERED_FOR: Duration = Duration::days(1);

/// A one-time form token as a creating form sent it back.
pub struct FormToken(String);

impl FormToken {
    /// A new token for a form about to be shown.
    pub fn fresh() -> String {
        tokens::generate().0
    }

    /// The token a form sent. Refuses (`DomainError::Invalid`) a token that is missing or
    /// not one of ours in shape (a page from before tokens, a hand-made request).
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let raw = raw.trim();
        let shaped = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !shaped {
            return invalid(
                "This form came from an out-of-date page. Check what you typed and send it again.",
            );
        }
        Ok(FormToken(raw.to_string()))
    }
}

/// The outcome of a creating form's POST.
pub enum Submission<T> {
    /// The first POST with this token: what `create` returned.
    Done(T),
    /// The token was used before: nothing was created now. `created_id` is the id of what
    /// the first POST created (a list, a campaign, an import), once it is done.
    AlreadySent { created_id: Option<i64> },
}

/// Runs `create` once per token: claims `token` for `user_id`'s `form`, then creates, then
/// records `created_id` of the result. A token already claimed gives `AlreadySent` without
/// calling `create`; a refused or failed `create` gives the token back and returns its error.
pub fn once<T>(
    conn: &mut AnyConnection,
    user_id: UserId,
    form: FormKind,
    token: &FormToken,
    now: NaiveDateTime,
    create: impl FnOnce(&mut AnyConnection) -> DomainResult<T>,
    created_id: impl FnOnce(&T) -> Option<i64>,
) -> DomainResult<Submission<T>> {
    let token_hash = tokens::digest(&token.0);
    let claim = Claim {
        user_id,
        form,
        token_hash: &token_hash,
    };
    db::forget_before(conn, now - REMEMBERED_FOR)?;
    if !db::claim(conn, &claim, now)? {
        return Ok(Submission::AlreadySent {
            created_id: db::created_id(conn, &claim)?,
        });
    }
    match create(conn) {
        Ok(value) => {
            db::record(conn, &claim, created_id(&value))?;
            Ok(Submission::Done(value))
        }
        Err(e) => {
            if let Err(release) = db::release(conn, &claim) {
                log::error!("form token of a refused {form} form not given back: {release}");
            }
            Err(e)
        }
    }
}
