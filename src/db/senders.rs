//! Queries on sender email accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{SenderAccount, SenderSettings};
use super::schema::{campaigns, sender_accounts};
use super::{AnyConnection, DbError};

pub fn insert(
    conn: &mut AnyConnection,
    owner_id: i64,
    settings: &SenderSettings,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(sender_accounts::table)
        .values((
            settings,
            sender_accounts::owner_id.eq(owner_id),
            sender_accounts::created_at.eq(now),
        ))
        .returning(sender_accounts::id)
        .get_result(conn)?)
}

pub fn update(conn: &mut AnyConnection, id: i64, settings: &SenderSettings) -> Result<(), DbError> {
    diesel::update(sender_accounts::table.find(id))
        .set(settings)
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<SenderAccount>, DbError> {
    Ok(sender_accounts::table
        .find(id)
        .select(SenderAccount::as_select())
        .first(conn)
        .optional()?)
}

pub fn of_owner(conn: &mut AnyConnection, owner_id: i64) -> Result<Vec<SenderAccount>, DbError> {
    Ok(sender_accounts::table
        .filter(sender_accounts::owner_id.eq(owner_id))
        .order(sender_accounts::id)
        .select(SenderAccount::as_select())
        .load(conn)?)
}

/// Accounts with IMAP settings, for the reply poller.
pub fn with_imap(conn: &mut AnyConnection) -> Result<Vec<SenderAccount>, DbError> {
    Ok(sender_accounts::table
        .filter(sender_accounts::imap_host.ne(""))
        .order(sender_accounts::id)
        .select(SenderAccount::as_select())
        .load(conn)?)
}

/// Moves the IMAP bookmark forward only (two pollers may race).
pub fn advance_imap_uid(conn: &mut AnyConnection, id: i64, uid: i64) -> Result<(), DbError> {
    diesel::update(
        sender_accounts::table
            .find(id)
            .filter(sender_accounts::imap_last_uid.lt(uid)),
    )
    .set(sender_accounts::imap_last_uid.eq(uid))
    .execute(conn)?;
    Ok(())
}

pub fn count_campaigns_using(
    conn: &mut AnyConnection,
    id: i64,
    statuses: &[&str],
) -> Result<i64, DbError> {
    Ok(campaigns::table
        .filter(campaigns::sender_id.eq(id))
        .filter(campaigns::status.eq_any(statuses))
        .count()
        .get_result(conn)?)
}

pub fn count_campaigns(conn: &mut AnyConnection, id: i64) -> Result<i64, DbError> {
    Ok(campaigns::table
        .filter(campaigns::sender_id.eq(id))
        .count()
        .get_result(conn)?)
}

pub fn delete(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(sender_accounts::table.find(id)).execute(conn)?;
    Ok(())
}
