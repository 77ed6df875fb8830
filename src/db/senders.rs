//! Queries on sender email accounts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::ids::UserId;
use super::models::{SenderAccount, SenderSettings};
use super::schema::{campaigns, sender_accounts};
use super::values::CampaignStatus;
use super::{AnyConnection, DbError};

pub fn insert(
    conn: &mut AnyConnection,
    owner_id: UserId,
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

/// Saves new settings; a failing mailbox is read again at the next round.
pub fn update(conn: &mut AnyConnection, id: i64, settings: &SenderSettings) -> Result<(), DbError> {
    diesel::update(sender_accounts::table.find(id))
        .set((
            settings,
            sender_accounts::imap_retry_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes the account's next sending slot at `now` (UTC) when it is free: its previous
/// email's pause is over (`next_send_at` empty or not after `now`) and fewer than its daily
/// limit were claimed on `day` (a new `day` starts the count again). Sets the next slot at
/// `next_at` and counts the email; false when the slot was not free. Each statement decides
/// on the row as it is when it runs, so two processes cannot both take one slot.
pub fn take_slot(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
    next_at: NaiveDateTime,
    day: NaiveDate,
) -> Result<bool, DbError> {
    diesel::update(sender_accounts::table.find(id))
        .filter(
            sender_accounts::sent_day
                .is_null()
                .or(sender_accounts::sent_day.ne(day)),
        )
        .set((
            sender_accounts::sent_day.eq(day),
            sender_accounts::sent_day_count.eq(0),
        ))
        .execute(conn)?;
    let taken = diesel::update(sender_accounts::table.find(id))
        .filter(
            sender_accounts::next_send_at
                .is_null()
                .or(sender_accounts::next_send_at.le(now)),
        )
        .filter(sender_accounts::sent_day_count.lt(sender_accounts::daily_limit))
        .set((
            sender_accounts::next_send_at.eq(next_at),
            sender_accounts::sent_day_count.eq(sender_accounts::sent_day_count + 1),
        ))
        .execute(conn)?;
    Ok(taken == 1)
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<SenderAccount>, DbError> {
    Ok(sender_accounts::table
        .find(id)
        .select(SenderAccount::as_select())
        .first(conn)
        .optional()?)
}

pub fn of_owner(conn: &mut AnyConnection, owner_id: UserId) -> Result<Vec<SenderAccount>, DbError> {
    Ok(sender_accounts::table
        .filter(sender_accounts::owner_id.eq(owner_id))
        .order(sender_accounts::id)
        .select(SenderAccount::as_select())
        .load(conn)?)
}

/// Accounts with IMAP settings whose mailbox is due at `now` (no backoff wait pending),
/// for the reply poller: healthy ones first, so that failing ones never queue before them.
pub fn imap_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
) -> Result<Vec<SenderAccount>, DbError> {
    Ok(sender_accounts::table
        .filter(sender_accounts::imap_host.ne(""))
        .filter(
            sender_accounts::imap_retry_at
                .is_null()
                .or(sender_accounts::imap_retry_at.le(now)),
        )
        .order((sender_accounts::imap_failures, sender_accounts::id))
        .select(SenderAccount::as_select())
        .load(conn)?)
}

/// Records a failed IMAP check: `failures` in a row, of `kind` (a FailureKind code), at
/// `at`; the mailbox is skipped until `retry_at`.
pub fn record_imap_failure(
    conn: &mut AnyConnection,
    id: i64,
    failures: i32,
    kind: &str,
    at: NaiveDateTime,
    retry_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(sender_accounts::table.find(id))
        .set((
            sender_accounts::imap_failures.eq(failures),
            sender_accounts::imap_failure.eq(Some(kind)),
            sender_accounts::imap_failed_at.eq(Some(at)),
            sender_accounts::imap_retry_at.eq(Some(retry_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets past IMAP failures after a successful check.
pub fn clear_imap_failure(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::update(sender_accounts::table.find(id))
        .set((
            sender_accounts::imap_failures.eq(0),
            sender_accounts::imap_failure.eq(None::<String>),
            sender_accounts::imap_failed_at.eq(None::<NaiveDateTime>),
            sender_accounts::imap_retry_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Flags the account: its SMTP server refused the sender (`refusal`, the sentence shown).
pub fn flag_smtp_refusal(
    conn: &mut AnyConnection,
    id: i64,
    refusal: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(sender_accounts::table.find(id))
        .set((
            sender_accounts::smtp_refusal.eq(Some(refusal)),
            sender_accounts::smtp_refused_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Clears the SMTP refusal flag (the owner saved the account's settings).
pub fn clear_smtp_refusal(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::update(sender_accounts::table.find(id))
        .set((
            sender_accounts::smtp_refusal.eq(None::<String>),
            sender_accounts::smtp_refused_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The active campaigns sending from account `id`.
pub fn active_campaigns_using(conn: &mut AnyConnection, id: i64) -> Result<Vec<i64>, DbError> {
    Ok(campaigns::table
        .filter(campaigns::sender_id.eq(id))
        .filter(campaigns::status.eq(CampaignStatus::Active))
        .order(campaigns::id)
        .select(campaigns::id)
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
    statuses: &[CampaignStatus],
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
