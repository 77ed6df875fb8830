//! Where a campaign's schedule (`schedule`) meets the stored data: the schedule of a
//! campaign (its own zone, or its owner's from the account page), the owner's zone setting,
//! "Launch at" as typed, and, for the campaign page, when a recipient's next email is due
//! and why it waits.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::schedule::{self, Schedule};
use crate::db::ids::UserId;
use crate::db::values::CampaignStatus;
use crate::db::{AnyConnection, schedules as db};
use crate::domain::{DomainError, DomainResult};

/// The campaign's schedule: its days and window, in its zone or (none chosen) its owner's.
/// A campaign that no longer exists sends never: always-open is harmless there.
pub fn campaign_schedule(
    conn: &mut AnyConnection,
    campaign_id: i64,
    owner_id: UserId,
) -> DomainResult<Schedule> {
    let Some(stored) = db::campaign_schedule(conn, campaign_id)? else {
        return Ok(Schedule::always(Tz::UTC));
    };
    let zone = match stored.time_zone.as_str() {
        "" => schedule::stored_zone(&db::user_time_zone(conn, owner_id)?),
        name => schedule::stored_zone(name),
    };
    Ok(Schedule {
        days: stored.days,
        start_minute: stored.start_minute,
        end_minute: stored.end_minute,
        zone,
    })
}

/// The "Launch at" instant (UTC) a campaign was scheduled for, if any.
pub fn scheduled_for(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> DomainResult<Option<NaiveDateTime>> {
    Ok(db::campaign_schedule(conn, campaign_id)?.and_then(|s| s.scheduled_for))
}

/// The user's time zone (IANA name, "UTC" by default): the zone of their campaigns'
/// schedules unless a campaign chooses its own.
pub fn user_zone(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<String> {
    Ok(db::user_time_zone(conn, user_id)?)
}

/// Saves the user's time zone as typed; returns the flash message. Refuses
/// (`DomainError::Invalid`) a name the IANA database does not hold.
pub fn set_user_zone(conn: &mut AnyConnection, user_id: UserId, raw: &str) -> DomainResult<String> {
    let zone = schedule::parse_zone(raw)?;
    db::set_user_time_zone(conn, user_id, zone.name())?;
    Ok(format!("Time zone saved: {}.", zone.name()))
}

/// "Launch at" as typed in a `datetime-local` field ("2026-12-14T09:00", seconds allowed),
/// read in the schedule's zone, as UTC. Refuses (`DomainError::Invalid`) a malformed value
/// and an instant that is not after `now`.
pub fn parse_launch_at(
    raw: &str,
    schedule: &Schedule,
    now: NaiveDateTime,
) -> DomainResult<NaiveDateTime> {
    let raw = raw.trim();
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .ok_or_else(|| {
            DomainError::Invalid("Give the launch date and time as YYYY-MM-DD HH:MM.".into())
        })?;
    let at = schedule.to_utc(local);
    if at <= now {
        return Err(DomainError::Invalid(format!(
            "Choose a launch time after now ({}).",
            schedule.local_text(now)
        )));
    }
    Ok(at)
}

/// An active recipient's next email on the campaign page: when it is due, in the
/// schedule's zone, and why it waits when it cannot go now: paused, outside the sending
/// window, or `mailbox_wait` (`pacing::mailbox_wait`: the mailbox's pause or daily limit)
/// for an email due now.
pub fn next_email(
    schedule: &Schedule,
    status: CampaignStatus,
    due: Option<NaiveDateTime>,
    mailbox_wait: Option<&str>,
    now: NaiveDateTime,
) -> (String, String) {
    let Some(due) = due else {
        return (String::new(), String::new());
    };
    let when = schedule.local_text(due);
    let why = if status == CampaignStatus::Paused {
        "paused".to_string()
    } else if due <= now && !schedule.is_open(now) {
        format!(
            "outside the sending window (next opening {})",
            schedule.describe(schedule.next_opening(now))
        )
    } else if due > now && !schedule.is_open(due) {
        format!(
            "outside the sending window (next opening {})",
            schedule.describe(schedule.next_opening(due))
        )
    } else if let Some(wait) = mailbox_wait.filter(|_| due <= now) {
        wait.to_string()
    } else {
        String::new()
    };
    (when, why)
}

/// A campaign's schedule as typed and checked: days bit set (Monday 1 ... Sunday 64), the
/// window in minutes after local midnight, and a zone name ('' = the owner's).
#[derive(Debug, Clone)]
pub struct ScheduleInput {
    pub days: i32,
    pub start_minute: i32,
    pub end_minute: i32,
    pub time_zone: String,
}

impl ScheduleInput {
    /// Checks a schedule as typed (`schedule::parse`): day names ("Mon" … "Sun"), "HH:MM"
    /// start and end, and an IANA zone name or empty. Refuses (`DomainError::Invalid`) no
    /// day, a malformed time, an end not after the start, a zone not in the IANA database.
    pub fn parse(days: &[String], start: &str, end: &str, zone: &str) -> DomainResult<Self> {
        let (days, start_minute, end_minute, time_zone) = schedule::parse(days, start, end, zone)?;
        Ok(ScheduleInput {
            days,
            start_minute,
            end_minute,
            time_zone,
        })
    }

    /// A new campaign's schedule when its form has none: Monday to Friday 09:00–17:00 in
    /// the owner's zone, or (`always`, `DEFAULT_SENDING_WINDOW=always`) every day, all day.
    pub fn default_for_new(always: bool) -> Self {
        let s = if always {
            Schedule::always(Tz::UTC)
        } else {
            Schedule::office_hours(Tz::UTC)
        };
        ScheduleInput {
            days: s.days,
            start_minute: s.start_minute,
            end_minute: s.end_minute,
            time_zone: String::new(),
        }
    }
}

/// Stores a checked schedule on the campaign (the caller decided it may be changed).
pub(super) fn save_schedule(
    conn: &mut AnyConnection,
    campaign_id: i64,
    input: &ScheduleInput,
) -> DomainResult<()> {
    Ok(db::set_campaign_schedule(
        conn,
        campaign_id,
        input.days,
        input.start_minute,
        input.end_minute,
        &input.time_zone,
    )?)
}

/// A campaign's schedule as the campaign page shows it and its settings form fills in.
pub struct ScheduleShown {
    /// Days bit set (Monday 1 ... Sunday 64).
    pub days: i32,
    /// "HH:MM".
    pub start: String,
    pub end: String,
    /// The zone chosen on the campaign; empty: the owner's.
    pub zone_chosen: String,
    /// The zone in use (chosen, or the owner's).
    pub zone: String,
    /// "Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Paris".
    pub summary: String,
    /// "Scheduled for 2026-12-14 09:00 Europe/Paris" while that launch time is ahead.
    pub scheduled_for: Option<String>,
}

impl ScheduleShown {
    /// Whether day `index` (0 Monday … 6 Sunday) is a sending day.
    pub fn has_day(&self, index: &usize) -> bool {
        self.days & (1 << index) != 0
    }
}

/// The campaign's schedule in use and as shown (`ScheduleShown`).
pub fn shown(
    conn: &mut AnyConnection,
    campaign_id: i64,
    owner_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<(Schedule, ScheduleShown)> {
    let schedule = campaign_schedule(conn, campaign_id, owner_id)?;
    let stored = db::campaign_schedule(conn, campaign_id)?;
    let days: Vec<&str> = (0..7)
        .filter(|i| schedule.days & (1 << i) != 0)
        .map(|i| schedule::DAY_NAMES[i])
        .collect();
    let (start, end) = (
        schedule::minute_text(schedule.start_minute),
        schedule::minute_text(schedule.end_minute),
    );
    let shown = ScheduleShown {
        days: schedule.days,
        summary: format!("{} {start}–{end} {}", days.join(", "), schedule.zone.name()),
        start,
        end,
        zone_chosen: stored
            .as_ref()
            .map_or(String::new(), |s| s.time_zone.clone()),
        zone: schedule.zone.name().to_string(),
        scheduled_for: stored
            .and_then(|s| s.scheduled_for)
            .filter(|at| *at > now)
            .map(|at| format!("Scheduled for {}", schedule.local_text(at))),
    };
    Ok((schedule, shown))
}
