//! Queries on emailed address proofs (`email_confirmations`) and the users' confirmed state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::models::EmailConfirmation;
use super::schema::{email_confirmations, users};
use super::{AnyConnection, DbError};

/// What a new confirmation row holds; `token_hash` is the SHA-256 of the emailed token.
pub struct NewConfirmation<'a> {
    pub user_id: UserId,
    pub email: &'a str,
    pub purpose: &'a str,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub now: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewConfirmation) -> Result<(), DbError> {
    diesel::insert_into(email_confirmations::table)
        .values((
            email_confirmations::user_id.eq(new.user_id),
            email_confirmations::email.eq(new.email),
            email_confirmations::purpose.eq(new.purpose),
            email_confirmations::token_hash.eq(new.token_hash),
            email_confirmations::expires_at.eq(new.expires_at),
            email_confirmations::created_at.eq(new.now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<EmailConfirmation>, DbError> {
    Ok(email_confirmations::table
        .filter(email_confirmations::token_hash.eq(token_hash))
        .select(EmailConfirmation::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the link used; false when it already was (a concurrent use won).
pub fn mark_used(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<bool, DbError> {
    let changed = diesel::update(
        email_confirmations::table
            .find(id)
            .filter(email_confirmations::used_at.is_null()),
    )
    .set(email_confirmations::used_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Ends the user's unused links of this purpose (a newer one replaces them).
pub fn retire_unused(
    conn: &mut AnyConnection,
    user_id: UserId,
    purpose: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        email_confirmations::table
            .filter(email_confirmations::user_id.eq(user_id))
            .filter(email_confirmations::purpose.eq(purpose))
            .filter(email_confirmations::used_at.is_null()),
    )
    .set(email_confirmations::used_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// How many links of this purpose the user was sent since `since` (for the resend limit).
pub fn sent_since(
    conn: &mut AnyConnection,
    user_id: UserId,
    purpose: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(email_confirmations::table
        .filter(email_confirmations::user_id.eq(user_id))
        .filter(email_confirmations::purpose.eq(purpose))
        .filter(email_confirmations::created_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// Records that the user's current address is proven (kept when it already was).
pub fn mark_address_confirmed(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::email_confirmed_at.is_null()),
    )
    .set(users::email_confirmed_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Replaces the user's address with a proven new one.
pub fn set_confirmed_email(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(email),
            users::email_confirmed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}
