//! Where a campaign's schedule (`schedule`) meets the stored data: the schedule of a
//! campaign (its own zone, or its owner's from the account page), the window each recipient
//! follows (the prospect's own zone when the campaign says so and they have one), the
//! owner's zone setting, "Launch at" as typed, and, for the campaign page, when a
//! recipient's next email is due and why it waits.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::schedule::{self, Schedule};
use crate::db::ids::UserId;
use crate::db::models::CampaignRecipient;
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
    Ok(CampaignWindows::load(conn, campaign_id, owner_id)?.schedule)
}

/// A campaign's schedule and whether it follows each prospect's own zone ("Send in the
/// prospect's time zone when they have one"): the window each recipient's emails go in.
#[derive(Debug, Clone, Copy)]
pub struct CampaignWindows {
    /// The campaign's schedule (its zone, or its owner's).
    pub schedule: Schedule,
    /// The same days and hours in the prospect's zone, for prospects that have one.
    pub in_prospect_zone: bool,
}

impl CampaignWindows {
    /// The campaign's windows as stored (a campaign that no longer exists: always open).
    pub fn load(
        conn: &mut AnyConnection,
        campaign_id: i64,
        owner_id: UserId,
    ) -> DomainResult<Self> {
        let Some(stored) = db::campaign_schedule(conn, campaign_id)? else {
            return Ok(CampaignWindows {
                schedule: Schedule::always(Tz::UTC),
                in_prospect_zone: false,
            });
        };
        let zone = match stored.time_zone.as_str() {
            "" => schedule::stored_zone(&db::user_time_zone(conn, owner_id)?),
            name => schedule::stored_zone(name),
        };
        Ok(CampaignWindows {
            schedule: Schedule {
                days: stored.days,
                start_minute: stored.start_minute,
                end_minute: stored.end_minute,
                zone,
            },
            in_prospect_zone: stored.in_prospect_zone,
        })
    }

    /// The schedule of a recipient whose prospect's zone is `zone` (IANA name; '' or
    /// `None`: none): the campaign's days and hours in that zone when the campaign follows
    /// prospects' zones, else the campaign's schedule.
    pub fn for_zone(&self, zone: Option<&str>) -> Schedule {
        match zone.and_then(|z| z.parse::<Tz>().ok()) {
            Some(zone) if self.in_prospect_zone => Schedule {
                zone,
                ..self.schedule
            },
            _ => self.schedule,
        }
    }

    /// Whether any of the campaign's emails may go out at `now` (UTC): false only when all
    /// follow the campaign's zone and its window is closed.
    pub fn may_open(&self, now: NaiveDateTime) -> bool {
        self.in_prospect_zone || self.schedule.is_open(now)
    }

    /// The schedule each of `recipients` follows (`for_zone`), by recipient id.
    pub fn for_recipients(
        &self,
        conn: &mut AnyConnection,
        recipients: &[CampaignRecipient],
    ) -> DomainResult<HashMap<i64, Schedule>> {
        let zones = match self.in_prospect_zone {
            true => {
                let ids: Vec<i64> = recipients.iter().map(|r| r.prospect_id).collect();
                db::prospect_zones(conn, &ids)?
            }
            false => HashMap::new(),
        };
        Ok(recipients
            .iter()
            .map(|r| {
                let zone = zones.get(&r.prospect_id).map(String::as_str);
                (r.id, self.for_zone(zone))
            })
            .collect())
    }
}

/// The schedule the emails to prospect `prospect_id` of the campaign follow
/// (`CampaignWindows::for_zone`): their window, and the zone delays are counted in.
pub fn recipient_schedule(
    conn: &mut AnyConnection,
    campaign_id: i64,
    owner_id: UserId,
    prospect_id: i64,
) -> DomainResult<Schedule> {
    let windows = CampaignWindows::load(conn, campaign_id, owner_id)?;
    if !windows.in_prospect_zone {
        return Ok(windows.schedule);
    }
    let zones = db::prospect_zones(conn, &[prospect_id])?;
    Ok(windows.for_zone(zones.get(&prospect_id).map(String::as_str)))
}

/// Of a campaign's due `recipients`, those whose own window is open at `now` (UTC). Each
/// other one's next email moves to its window's next opening (`db::defer_recipient`), where
/// it waits without holding up the others; the campaign page then says why.
pub fn open_now(
    conn: &mut AnyConnection,
    windows: &CampaignWindows,
    recipients: Vec<CampaignRecipient>,
    now: NaiveDateTime,
) -> DomainResult<Vec<CampaignRecipient>> {
    let schedules = windows.for_recipients(conn, &recipients)?;
    let mut open = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        let schedule = schedules
            .get(&recipient.id)
            .copied()
            .unwrap_or(windows.schedule);
        if schedule.is_open(now) {
            open.push(recipient);
        } else {
            db::defer_recipient(conn, recipient.id, schedule.next_opening(now), now)?;
        }
    }
    Ok(open)
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

/// An active recipient's next email on the campaign page: when it is due, in the zone of
/// the schedule it follows, and why it waits when it cannot go now: paused, outside the
/// sending window (due now with the window closed, or moved to the window's next opening
/// by `open_now`), or `mailbox_wait` (`pacing::mailbox_wait`: the mailbox's pause or daily
/// limit) for an email due now.
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
    } else if !schedule.is_open(now) && (due <= now || due == schedule.next_opening(now)) {
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
    /// "Send in the prospect's time zone when they have one".
    pub in_prospect_zone: bool,
}

impl ScheduleInput {
    /// Checks a schedule as typed (`schedule::parse`): day names ("Mon" … "Sun"), "HH:MM"
    /// start and end, an IANA zone name or empty, and whether it follows the prospect's
    /// zone. Refuses (`DomainError::Invalid`) no day, a malformed time, an end not after
    /// the start, a zone not in the IANA database.
    pub fn parse(
        days: &[String],
        start: &str,
        end: &str,
        zone: &str,
        in_prospect_zone: bool,
    ) -> DomainResult<Self> {
        let (days, start_minute, end_minute, time_zone) = schedule::parse(days, start, end, zone)?;
        Ok(ScheduleInput {
            days,
            start_minute,
            end_minute,
            time_zone,
            in_prospect_zone,
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
            in_prospect_zone: false,
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
        input.in_prospect_zone,
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
    /// "Send in the prospect's time zone when they have one".
    pub in_prospect_zone: bool,
    /// "Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Paris", "every day, at any hour, UTC".
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

/// The campaign's windows in use and its schedule as shown (`ScheduleShown`).
pub fn shown(
    conn: &mut AnyConnection,
    campaign_id: i64,
    owner_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<(CampaignWindows, ScheduleShown)> {
    let windows = CampaignWindows::load(conn, campaign_id, owner_id)?;
    let schedule = windows.schedule;
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
        summary: format!(
            "{} {}{}",
            match (days.len(), schedule.start_minute, schedule.end_minute) {
                (7, 0, 1440) => "every day, at any hour,".to_string(),
                (7, _, _) => format!("every day {start}–{end}"),
                _ => format!("{} {start}–{end}", days.join(", ")),
            },
            schedule.zone.name(),
            match windows.in_prospect_zone {
                true => ", in the prospect's time zone when they have one",
                false => "",
            }
        ),
        in_prospect_zone: windows.in_prospect_zone,
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
    Ok((windows, shown))
}
