//! Queries on one-time form tokens (`form_submissions`): the claim made before a creating
//! form is handled, what it created, and the release of a claim whose form was refused.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::form_submissions;
use super::values::FormKind;
use super::{AnyConnection, DbError};

/// Which claim: the user, the form and the SHA-256 of the token it carried.
pub struct Claim<'a> {
    pub user_id: UserId,
    pub form: FormKind,
    pub token_hash: &'a str,
}

/// The claim's row, as a filter on `form_submissions`.
macro_rules! claim_row {
    ($claim:expr) => {
        form_submissions::table
            .filter(form_submissions::user_id.eq($claim.user_id))
            .filter(form_submissions::form.eq($claim.form))
            .filter(form_submissions::token_hash.eq($claim.token_hash))
    };
}

/// Claims the token: true when this is its first use, false when a row already holds it
/// (the unique index decides, so two concurrent claims cannot both win).
pub fn claim(conn: &mut AnyConnection, claim: &Claim, now: NaiveDateTime) -> Result<bool, DbError> {
    let inserted = diesel::insert_into(form_submissions::table)
        .values((
            form_submissions::user_id.eq(claim.user_id),
            form_submissions::form.eq(claim.form),
            form_submissions::token_hash.eq(claim.token_hash),
            form_submissions::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(DbError::from);
    match inserted {
        Ok(_) => Ok(true),
        Err(DbError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What the claim's first use created: `None` while it is not done (or created nothing
/// with an id).
pub fn created_id(conn: &mut AnyConnection, claim: &Claim) -> Result<Option<i64>, DbError> {
    Ok(claim_row!(claim)
        .select(form_submissions::created_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

/// Records what the claim's form created.
pub fn record(
    conn: &mut AnyConnection,
    claim: &Claim,
    created: Option<i64>,
) -> Result<(), DbError> {
    diesel::update(claim_row!(claim))
        .set(form_submissions::created_id.eq(created))
        .execute(conn)?;
    Ok(())
}

/// Gives the token back (its form was refused and is shown again to be corrected).
pub fn release(conn: &mut AnyConnection, claim: &Claim) -> Result<(), DbError> {
    diesel::delete(claim_row!(claim)).execute(conn)?;
    Ok(())
}

/// Forgets claims made before `before` (a page is not resent a day later).
pub fn forget_before(conn: &mut AnyConnection, before: NaiveDateTime) -> Result<(), DbError> {
    diesel::delete(form_submissions::table.filter(form_submissions::created_at.lt(before)))
        .execute(conn)?;
    Ok(())
}
