//! Queries on sending schedules: a campaign's days, window, zone, whether it sends in the
//! prospect's zone, and scheduled launch; its owner's time zone; its recipients' prospects'
//! zones, and moving a recipient's due time to its window's next opening.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{campaign_recipients, campaigns, prospects, users};
use super::values::RecipientStatus;
use super::{AnyConnection, DbError};

/// A campaign's schedule columns as stored: days bit set, window start and end (minutes
/// after local midnight), zone name ('' = the owner's), and the "Launch at" instant.
#[derive(Debug, Clone, Queryable)]
pub struct StoredSchedule {
    pub days: i32,
    pub start_minute: i32,
    pub end_minute: i32,
    pub time_zone: String,
    pub scheduled_for: Option<NaiveDateTime>,
    /// Evaluate the window and count delays in the prospect's own zone when they have one.
    pub in_prospect_zone: bool,
}

pub fn campaign_schedule(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<Option<StoredSchedule>, DbError> {
    Ok(campaigns::table
        .find(campaign_id)
        .select((
            campaigns::send_days,
            campaigns::window_start_minute,
            campaigns::window_end_minute,
            campaigns::time_zone,
            campaigns::scheduled_for,
            campaigns::in_prospect_zone,
        ))
        .first(conn)
        .optional()?)
}

pub fn set_campaign_schedule(
    conn: &mut AnyConnection,
    campaign_id: i64,
    days: i32,
    start_minute: i32,
    end_minute: i32,
    time_zone: &str,
    in_prospect_zone: bool,
) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(campaign_id))
        .set((
            campaigns::send_days.eq(days),
            campaigns::window_start_minute.eq(start_minute),
            campaigns::window_end_minute.eq(end_minute),
            campaigns::time_zone.eq(time_zone),
            campaigns::in_prospect_zone.eq(in_prospect_zone),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_scheduled_for(
    conn: &mut AnyConnection,
    campaign_id: i64,
    at: Option<NaiveDateTime>,
) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(campaign_id))
        .set(campaigns::scheduled_for.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn user_time_zone(conn: &mut AnyConnection, user_id: UserId) -> Result<String, DbError> {
    Ok(users::table
        .find(user_id)
        .select(users::time_zone)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_else(|| "UTC".into()))
}

pub fn set_user_time_zone(
    conn: &mut AnyConnection,
    user_id: UserId,
    time_zone: &str,
) -> Result<(), DbError> {
    diesel::update(users::table.find(user_id))
        .set(users::time_zone.eq(time_zone))
        .execute(conn)?;
    Ok(())
}

/// The time zones (IANA names, '' = none) of the prospects `prospect_ids`, by prospect id;
/// a deleted prospect is absent.
pub fn prospect_zones(
    conn: &mut AnyConnection,
    prospect_ids: &[i64],
) -> Result<HashMap<i64, String>, DbError> {
    if prospect_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(prospects::table
        .filter(prospects::id.eq_any(prospect_ids))
        .select((prospects::id, prospects::timezone))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Moves an active recipient's next email to `at` (its window's next opening), so that it
/// waits there without holding up the campaign's other due recipients. Changes nothing
/// when the recipient is no longer active or was not due by `now`.
pub fn defer_recipient(
    conn: &mut AnyConnection,
    recipient_id: i64,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        campaign_recipients::table
            .find(recipient_id)
            .filter(campaign_recipients::status.eq(RecipientStatus::Active))
            .filter(campaign_recipients::next_due_at.le(now)),
    )
    .set(campaign_recipients::next_due_at.eq(at))
    .execute(conn)?;
    Ok(())
}
