//! Queries on sending schedules: a campaign's days, window, zone and scheduled launch, and
//! its owner's time zone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{campaigns, users};
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
) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(campaign_id))
        .set((
            campaigns::send_days.eq(days),
            campaigns::window_start_minute.eq(start_minute),
            campaigns::window_end_minute.eq(end_minute),
            campaigns::time_zone.eq(time_zone),
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
