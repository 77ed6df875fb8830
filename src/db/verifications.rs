//! Queries on list verification runs (`verification_runs`) and the verdict counts of a list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::models::VerificationRun;
use super::schema::{prospects, verification_runs as runs};
use super::values::{Verdict, VerificationStatus};
use super::{AnyConnection, DbError};

/// A new queued run of list `list_id` over its prospects with ids up to `up_to` (`total`
/// of them), paid for by `user_id`. Returns its id.
pub fn insert(
    conn: &mut AnyConnection,
    list_id: i64,
    user_id: UserId,
    (total, up_to): (i32, i64),
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(runs::table)
        .values((
            runs::list_id.eq(list_id),
            runs::user_id.eq(user_id),
            runs::status.eq(VerificationStatus::Queued),
            runs::total.eq(total),
            runs::up_to_prospect_id.eq(up_to),
            runs::created_at.eq(now),
            runs::updated_at.eq(now),
        ))
        .returning(runs::id)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<VerificationRun>, DbError> {
    Ok(runs::table
        .find(id)
        .select(VerificationRun::as_select())
        .first(conn)
        .optional()?)
}

/// The latest run of list `list_id`, whatever its status.
pub fn latest_of_list(
    conn: &mut AnyConnection,
    list_id: i64,
) -> Result<Option<VerificationRun>, DbError> {
    Ok(runs::table
        .filter(runs::list_id.eq(list_id))
        .order(runs::id.desc())
        .select(VerificationRun::as_select())
        .first(conn)
        .optional()?)
}

/// Ids of the queued and running runs, oldest first (running ones were cut short by a
/// restart, or are being run by another round).
pub fn unfinished(conn: &mut AnyConnection) -> Result<Vec<i64>, DbError> {
    Ok(runs::table
        .filter(runs::status.eq_any([VerificationStatus::Queued, VerificationStatus::Running]))
        .order(runs::id)
        .select(runs::id)
        .load(conn)?)
}

/// The next `limit` prospects of the run: (id, email) after `last_prospect_id`, up to
/// `up_to_prospect_id`, in id order.
pub fn next_batch(
    conn: &mut AnyConnection,
    run: &VerificationRun,
    limit: i64,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(prospects::table
        .filter(prospects::list_id.eq(run.list_id))
        .filter(prospects::id.gt(run.last_prospect_id))
        .filter(prospects::id.le(run.up_to_prospect_id))
        .order(prospects::id)
        .limit(limit)
        .select((prospects::id, prospects::email))
        .load(conn)?)
}

/// Moves the run from `last_prospect_id == from` to `to`, adding `verified` to its count
/// and marking it running. False when the run is no longer at `from` or no longer
/// unfinished (another round stored this batch first): nothing changed.
pub fn advance(
    conn: &mut AnyConnection,
    run_id: i64,
    (from, to): (i64, i64),
    verified: i32,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        runs::table
            .find(run_id)
            .filter(runs::last_prospect_id.eq(from))
            .filter(runs::status.eq_any([VerificationStatus::Queued, VerificationStatus::Running])),
    )
    .set((
        runs::last_prospect_id.eq(to),
        runs::verified.eq(runs::verified + verified),
        runs::status.eq(VerificationStatus::Running),
        runs::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Ends an unfinished run as `status` (done or stopped) with `report`; false when it had
/// already ended.
pub fn finish(
    conn: &mut AnyConnection,
    run_id: i64,
    status: VerificationStatus,
    report: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed =
        diesel::update(runs::table.find(run_id).filter(
            runs::status.eq_any([VerificationStatus::Queued, VerificationStatus::Running]),
        ))
        .set((
            runs::status.eq(status),
            runs::report.eq(report),
            runs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// How many prospects of list `list_id` have each verdict (`None`: never verified).
pub fn verdict_counts(
    conn: &mut AnyConnection,
    list_id: i64,
) -> Result<Vec<(Option<Verdict>, i64)>, DbError> {
    Ok(prospects::table
        .filter(prospects::list_id.eq(list_id))
        .group_by(prospects::verification)
        .select((prospects::verification, diesel::dsl::count_star()))
        .load(conn)?)
}

/// The list's prospect count and its highest prospect id (0 when empty).
pub fn list_extent(conn: &mut AnyConnection, list_id: i64) -> Result<(i64, i64), DbError> {
    let (count, max): (i64, Option<i64>) = prospects::table
        .filter(prospects::list_id.eq(list_id))
        .select((diesel::dsl::count_star(), diesel::dsl::max(prospects::id)))
        .first(conn)?;
    Ok((count, max.unwrap_or(0)))
}
