//! Queries on accounts: users, password resets, failed log-ins.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::models::{NewUser, PasswordReset, User};
use super::schema::{login_failures, password_resets, users};
use super::{AnyConnection, DbError};

pub fn insert_user(conn: &mut AnyConnection, new: &NewUser) -> Result<User, DbError> {
    let id: UserId = diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)?;
    user_by_id(conn, id)
}

pub fn user_by_id(conn: &mut AnyConnection, id: UserId) -> Result<User, DbError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)?)
}

pub fn find_user(conn: &mut AnyConnection, id: UserId) -> Result<Option<User>, DbError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// (id, name) of these users, in id order.
pub fn names_of(
    conn: &mut AnyConnection,
    ids: &[UserId],
) -> Result<Vec<(UserId, String)>, DbError> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .order(users::id)
        .select((users::id, users::name))
        .load(conn)?)
}

pub fn user_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<User>, DbError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// A user's plan as stored: the plan, its paid-until date, and a downgrade scheduled for
/// later (plan code and the instant it takes over), if any.
pub struct PlanRow<'a> {
    pub plan: &'a str,
    pub paid_until: Option<NaiveDateTime>,
    pub scheduled: Option<(&'a str, NaiveDateTime)>,
}

/// Stores the user's plan, paid-until date and scheduled downgrade (all three at once).
pub fn set_plan(conn: &mut AnyConnection, user_id: UserId, row: &PlanRow) -> Result<(), DbError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::plan.eq(row.plan),
            users::paid_until.eq(row.paid_until),
            users::scheduled_plan.eq(row.scheduled.map(|(plan, _)| plan)),
            users::scheduled_plan_at.eq(row.scheduled.map(|(_, at)| at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(
    conn: &mut AnyConnection,
    user_id: UserId,
    hash: &str,
) -> Result<(), DbError> {
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

pub fn insert_password_reset(
    conn: &mut AnyConnection,
    user_id: UserId,
    token_hash: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(token_hash),
            password_resets::expires_at.eq(expires_at),
            password_resets::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn password_reset_by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<PasswordReset>, DbError> {
    Ok(password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .select(PasswordReset::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the reset used; false when it already was (a concurrent use won).
pub fn use_password_reset(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        password_resets::table
            .find(id)
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The throttle's limits for one claim: at most `per_address` attempts for an address and
/// `per_client` from one client address since `since` (UTC).
pub struct LoginLimits {
    pub since: NaiveDateTime,
    pub per_address: i64,
    pub per_client: i64,
}

/// PostgreSQL advisory-lock classes (first key of the two-key form; the second is
/// `hashtext` of the address or the client) serialising log-in claims.
const ADDRESS_LOCK_CLASS: i32 = 0x4c41; // "LA"
const CLIENT_LOCK_CLASS: i32 = 0x4c43; // "LC"

/// Claims one log-in attempt for `email` from `client_ip` before its password is checked:
/// counts the attempts recorded since `limits.since` and, only when both counts are under
/// their limits, records this one as a failure (the caller clears it on success). Count and
/// record happen in one write transaction that serialises claims for the same address and the
/// same client — SQLite: the write lock taken at `BEGIN IMMEDIATE`; PostgreSQL: transaction
/// advisory locks on the address, then on the client (always in that order, so two claims
/// cannot deadlock) — so parallel attempts can never pass the limits together.
/// Rows of this address and client older than the window are deleted on the way.
///
/// Returns false, recording nothing, when a limit is reached.
pub fn claim_login_attempt(
    conn: &mut AnyConnection,
    email: &str,
    client_ip: &str,
    now: NaiveDateTime,
    limits: &LoginLimits,
) -> Result<bool, DbError> {
    super::write_transaction(conn, |conn| {
        if let AnyConnection::Postgresql(pg) = conn {
            for (class, key) in [(ADDRESS_LOCK_CLASS, email), (CLIENT_LOCK_CLASS, client_ip)] {
                diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                    .bind::<diesel::sql_types::Integer, _>(class)
                    .bind::<diesel::sql_types::Text, _>(key)
                    .execute(pg)?;
            }
        }
        diesel::delete(
            login_failures::table
                .filter(
                    login_failures::email
                        .eq(email)
                        .or(login_failures::client_ip.eq(client_ip)),
                )
                .filter(login_failures::created_at.le(limits.since)),
        )
        .execute(conn)?;
        let by_address: i64 = login_failures::table
            .filter(login_failures::email.eq(email))
            .count()
            .get_result(conn)?;
        let by_client: i64 = login_failures::table
            .filter(login_failures::client_ip.eq(client_ip))
            .count()
            .get_result(conn)?;
        if by_address >= limits.per_address || by_client >= limits.per_client {
            return Ok(false);
        }
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::email.eq(email),
                login_failures::client_ip.eq(client_ip),
                login_failures::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

pub fn clear_login_failures(conn: &mut AnyConnection, email: &str) -> Result<(), DbError> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email))).execute(conn)?;
    Ok(())
}
