//! Queries on server-side sessions (one row per log-in; see `domain::accounts::sessions`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::models::{SessionRow, User};
use super::schema::{sessions, users};
use super::{AnyConnection, DbError};

pub fn insert(
    conn: &mut AnyConnection,
    user_id: UserId,
    token_hash: &str,
    client: &str,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::token_hash.eq(token_hash),
            sessions::client.eq(client),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
        ))
        .returning(sessions::id)
        .get_result(conn)?)
}

/// How many sessions `user_id` ever had (live or ended), and how many of them from a browser
/// described as `client`.
pub fn seen_clients(
    conn: &mut AnyConnection,
    user_id: UserId,
    client: &str,
) -> Result<(i64, i64), DbError> {
    let all = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    let same = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::client.eq(client))
        .count()
        .get_result(conn)?;
    Ok((all, same))
}

/// The unrevoked session with this token digest and its user, in one statement.
pub fn with_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(SessionRow, User)>, DbError> {
    Ok(sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::revoked_at.is_null())
        .select((SessionRow::as_select(), User::as_select()))
        .first(conn)
        .optional()?)
}

pub fn touch(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Revokes the session with this token digest; how many rows changed (0 or 1).
pub fn revoke_by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?)
}

/// Revokes every live session of the user except `keep` (a session id); how many ended.
pub fn revoke_all_of(
    conn: &mut AnyConnection,
    user_id: UserId,
    keep: Option<i64>,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let live = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::id.ne(keep.unwrap_or(-1)));
    Ok(diesel::update(live)
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?)
}

/// The user's live sessions seen after `seen_after`, most recently seen first.
pub fn live_of(
    conn: &mut AnyConnection,
    user_id: UserId,
    seen_after: NaiveDateTime,
) -> Result<Vec<SessionRow>, DbError> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::last_seen_at.gt(seen_after))
        .order((sessions::last_seen_at.desc(), sessions::id.desc()))
        .select(SessionRow::as_select())
        .load(conn)?)
}
