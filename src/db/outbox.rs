//! Queries on the email outbox. A row is claimed with a conditional UPDATE, so two app
//! processes on one database never deliver the same row at the same time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{NewOutboxEmail, OutboxEmail};
use super::schema::outbox;
use super::{AnyConnection, DbError};

pub fn insert(conn: &mut AnyConnection, email: &NewOutboxEmail) -> Result<i64, DbError> {
    Ok(diesel::insert_into(outbox::table)
        .values(email)
        .returning(outbox::id)
        .get_result(conn)?)
}

/// Ids of unsent emails that are due, not failed for good and not claimed by a live worker.
pub fn due_ids(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<i64>, DbError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(now)),
        )
        .order(outbox::id)
        .limit(limit)
        .select(outbox::id)
        .load(conn)?)
}

/// Claims one email until `until`; `None` when another worker has it or it was sent.
pub fn claim(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Option<OutboxEmail>, DbError> {
    let claimed = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::sent_at.is_null())
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            ),
    )
    .set(outbox::claimed_until.eq(until))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    Ok(Some(
        outbox::table
            .find(id)
            .select(OutboxEmail::as_select())
            .first(conn)?,
    ))
}

pub fn mark_sent(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::sent_at.eq(now),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    retry_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::next_attempt_at.eq(retry_at),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The email can never be sent as it stands: failed for good at `now` with `reason`
/// (kept in `last_error`), released, and never due again.
pub fn mark_unsendable(
    conn: &mut AnyConnection,
    id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(reason),
            outbox::failed_at.eq(now),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest emails first, for the development mailbox.
pub fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<OutboxEmail>, DbError> {
    Ok(outbox::table
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxEmail::as_select())
        .load(conn)?)
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<OutboxEmail>, DbError> {
    Ok(outbox::table
        .find(id)
        .select(OutboxEmail::as_select())
        .first(conn)
        .optional()?)
}
