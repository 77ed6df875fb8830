//! Queries on the usage ledger: every spend of credits and recipients, per pool and member,
//! and the recipients held by campaign emails in flight (a hold names its email, a spend none).

use chrono::NaiveDateTime;
use diesel::dsl::sum;
use diesel::prelude::*;

use super::ids::{TeamId, UserId};
use super::schema::{usage_alerts, usage_ledger};
use super::values::{AlertKind, Unit};
use super::{AnyConnection, DbError};

/// A spend or hold; `recipient_email` is the SHA-256 of the recipient's address
/// (`domain::billing::units`), never the address.
pub struct NewSpend<'a> {
    pub payer_id: UserId,
    pub user_id: UserId,
    pub team_id: Option<TeamId>,
    pub kind: Unit,
    pub amount: i32,
    pub recipient_email: Option<&'a str>,
    pub period_start: NaiveDateTime,
    pub now: NaiveDateTime,
}

pub fn insert_spend(conn: &mut AnyConnection, spend: &NewSpend) -> Result<(), DbError> {
    insert(conn, spend, None)
}

/// Holds the recipient of `spend` for the campaign email `message_id` until it is accepted
/// (`spend_hold`) or given up (`delete_hold`).
pub fn insert_hold(
    conn: &mut AnyConnection,
    spend: &NewSpend,
    message_id: i64,
) -> Result<(), DbError> {
    insert(conn, spend, Some(message_id))
}

fn insert(
    conn: &mut AnyConnection,
    spend: &NewSpend,
    hold_message_id: Option<i64>,
) -> Result<(), DbError> {
    diesel::insert_into(usage_ledger::table)
        .values((
            usage_ledger::payer_id.eq(spend.payer_id),
            usage_ledger::user_id.eq(spend.user_id),
            usage_ledger::team_id.eq(spend.team_id),
            usage_ledger::kind.eq(spend.kind),
            usage_ledger::amount.eq(spend.amount),
            usage_ledger::recipient_email.eq(spend.recipient_email),
            usage_ledger::period_start.eq(spend.period_start),
            usage_ledger::created_at.eq(spend.now),
            usage_ledger::hold_message_id.eq(hold_message_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The hold placed by the campaign email `message_id`: (payer, period start), if any.
pub fn hold_of(
    conn: &mut AnyConnection,
    message_id: i64,
) -> Result<Option<(UserId, NaiveDateTime)>, DbError> {
    Ok(usage_ledger::table
        .filter(usage_ledger::hold_message_id.eq(message_id))
        .select((usage_ledger::payer_id, usage_ledger::period_start))
        .first(conn)
        .optional()?)
}

/// Removes the hold of the campaign email `message_id` (none: nothing changes).
pub fn delete_hold(conn: &mut AnyConnection, message_id: i64) -> Result<(), DbError> {
    diesel::delete(usage_ledger::table.filter(usage_ledger::hold_message_id.eq(message_id)))
        .execute(conn)?;
    Ok(())
}

/// Which rows of the ledger a sum counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entries {
    /// Spends: credits used, recipients whose email the SMTP server accepted.
    Spent,
    /// Holds: recipients of claimed campaign emails not yet accepted (`insert_hold`).
    Held,
    /// Spends and holds: what a new spend or hold must leave room beside.
    Taken,
}

/// Units of `kind` of `entries` on `payer_id`'s pool in the period starting at
/// `period_start`: of the member `member` only, or of the whole pool (`None`).
pub fn units(
    conn: &mut AnyConnection,
    payer_id: UserId,
    member: Option<UserId>,
    period_start: NaiveDateTime,
    kind: Unit,
    entries: Entries,
) -> Result<i64, DbError> {
    let mut query = usage_ledger::table
        .filter(usage_ledger::payer_id.eq(payer_id))
        .filter(usage_ledger::period_start.eq(period_start))
        .filter(usage_ledger::kind.eq(kind))
        .select(sum(usage_ledger::amount))
        .into_boxed();
    query = match entries {
        Entries::Spent => query.filter(usage_ledger::hold_message_id.is_null()),
        Entries::Held => query.filter(usage_ledger::hold_message_id.is_not_null()),
        Entries::Taken => query,
    };
    if let Some(user_id) = member {
        query = query.filter(usage_ledger::user_id.eq(user_id));
    }
    let total: Option<i64> = query.first(conn)?;
    Ok(total.unwrap_or(0))
}

/// Whether a recipient was spent (not only held) from the pool in the period: a row whose
/// `recipient_email` is one of `keys` (the address's digest, and the address itself as
/// rows written before digests were kept hold it).
pub fn recipient_counted(
    conn: &mut AnyConnection,
    payer_id: UserId,
    period_start: NaiveDateTime,
    keys: &[&str],
) -> Result<bool, DbError> {
    let found: i64 = usage_ledger::table
        .filter(usage_ledger::payer_id.eq(payer_id))
        .filter(usage_ledger::hold_message_id.is_null())
        .filter(usage_ledger::period_start.eq(period_start))
        .filter(usage_ledger::kind.eq(Unit::Recipient))
        .filter(usage_ledger::recipient_email.eq_any(keys))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Per spender: (user id, kind, units) spent from `payer_id`'s pool in the period.
pub fn pool_used_by_member(
    conn: &mut AnyConnection,
    payer_id: UserId,
    period_start: NaiveDateTime,
) -> Result<Vec<(UserId, Unit, i64)>, DbError> {
    let rows: Vec<(UserId, Unit, Option<i64>)> = usage_ledger::table
        .filter(usage_ledger::payer_id.eq(payer_id))
        .filter(usage_ledger::hold_message_id.is_null())
        .filter(usage_ledger::period_start.eq(period_start))
        .group_by((usage_ledger::user_id, usage_ledger::kind))
        .select((
            usage_ledger::user_id,
            usage_ledger::kind,
            sum(usage_ledger::amount),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user, kind, units)| (user, kind, units.unwrap_or(0)))
        .collect())
}

/// Records an alert once per period; false when it was already given.
pub fn record_alert(
    conn: &mut AnyConnection,
    payer_id: UserId,
    user_id: UserId,
    kind: AlertKind,
    period_start: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let already: i64 = usage_alerts::table
        .filter(usage_alerts::payer_id.eq(payer_id))
        .filter(usage_alerts::user_id.eq(user_id))
        .filter(usage_alerts::kind.eq(kind))
        .filter(usage_alerts::period_start.eq(period_start))
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(false);
    }
    diesel::insert_into(usage_alerts::table)
        .values((
            usage_alerts::payer_id.eq(payer_id),
            usage_alerts::user_id.eq(user_id),
            usage_alerts::kind.eq(kind),
            usage_alerts::period_start.eq(period_start),
            usage_alerts::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}
