//! A campaign's sending schedule, as pure rules on chrono / chrono-tz types: which days of
//! the week and which window of local hours emails may go out in, in an IANA time zone.
//! Instants in and out are UTC `NaiveDateTime`s (every timestamp in the database is UTC).
//!
//! - An email due outside the window waits for the next opening (`next_opening`).
//! - "Delay in days" counts calendar days in the schedule's zone: the next step is due at
//!   the same local wall-clock time N days later, then at the next opening at or after it
//!   (`after_days`). A DST change neither skips nor doubles a day: the local date moves by
//!   exactly N, whatever the UTC length of those days (23 or 25 hours).
//! - A local time that does not exist (the spring-forward gap) is taken as the first
//!   instant after the gap; an ambiguous one (the autumn fold) as its earlier instant.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;

use crate::domain::{DomainError, DomainResult};

/// Monday to Friday as a `send_days` bit set (Monday 1, Tuesday 2, ... Sunday 64).
pub const WEEKDAYS: i32 = 0b001_1111;
/// Every day of the week.
pub const EVERY_DAY: i32 = 0b111_1111;
/// Minutes in a day: a window ending here ends at local midnight.
pub const DAY_MINUTES: i32 = 1440;

/// Days, window and zone. `start_minute < end_minute`, both minutes after local midnight
/// (0 to 1440); `days` is a non-empty bit set of weekdays (Monday = bit 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub days: i32,
    pub start_minute: i32,
    pub end_minute: i32,
    pub zone: Tz,
}

impl Schedule {
    /// The product default: Monday to Friday, 09:00 to 17:00, in `zone`.
    pub fn office_hours(zone: Tz) -> Self {
        Schedule {
            days: WEEKDAYS,
            start_minute: 9 * 60,
            end_minute: 17 * 60,
            zone,
        }
    }

    /// Every day, all day (campaigns from before schedules existed).
    pub fn always(zone: Tz) -> Self {
        Schedule {
            days: EVERY_DAY,
            start_minute: 0,
            end_minute: DAY_MINUTES,
            zone,
        }
    }

    fn sends_on(&self, date: NaiveDate) -> bool {
        self.days & (1 << date.weekday().num_days_from_monday()) != 0
    }

    /// Whether an email may go out at `at` (UTC).
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        let local = self.zone.from_utc_datetime(&at).naive_local();
        let minute = (local.hour() * 60 + local.minute()) as i32;
        self.sends_on(local.date()) && self.start_minute <= minute && minute < self.end_minute
    }

    /// The first instant at or after `at` (UTC) when the window is open; `at` itself when
    /// it is open. Looks at most 8 local days ahead (`days` is never empty).
    pub fn next_opening(&self, at: NaiveDateTime) -> NaiveDateTime {
        if self.is_open(at) {
            return at;
        }
        let local_date = self.zone.from_utc_datetime(&at).date_naive();
        for offset in 0..=8 {
            let Some(date) = local_date.checked_add_days(Days::new(offset)) else {
                break;
            };
            if !self.sends_on(date) {
                continue;
            }
            let opening = self.to_utc(date.and_time(minute_time(self.start_minute)));
            if opening >= at && self.is_open(opening) {
                return opening;
            }
        }
        at
    }

    /// When a step `days` after an email sent at `sent` (UTC) is due: the same local time
    /// `days` calendar days later in the schedule's zone, then the next opening.
    pub fn after_days(&self, sent: NaiveDateTime, days: i64) -> NaiveDateTime {
        let local = self.zone.from_utc_datetime(&sent).naive_local();
        let later = local
            .checked_add_days(Days::new(days.max(0) as u64))
            .unwrap_or(local);
        self.next_opening(self.to_utc(later))
    }

    /// A local wall-clock time in the zone as UTC: the earlier instant of a fold, the first
    /// instant after a gap.
    pub fn to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        let mut probe = local;
        for _ in 0..=24 * 4 {
            if let Some(at) = self.zone.from_local_datetime(&probe).earliest() {
                // In a gap, step forward to the first existing minute and keep it.
                return at.naive_utc();
            }
            probe += chrono::Duration::minutes(15);
        }
        local
    }

    /// `at` (UTC) as the zone's local time, e.g. "Mon 09:00 Europe/Paris".
    pub fn describe(&self, at: NaiveDateTime) -> String {
        let local = self.zone.from_utc_datetime(&at);
        format!("{} {}", local.format("%a %H:%M"), self.zone.name())
    }

    /// `at` (UTC) as the zone's local date and time, e.g. "2026-12-14 09:00 Europe/Paris".
    pub fn local_text(&self, at: NaiveDateTime) -> String {
        let local = self.zone.from_utc_datetime(&at);
        format!("{} {}", local.format("%Y-%m-%d %H:%M"), self.zone.name())
    }
}

fn minute_time(minute: i32) -> NaiveTime {
    NaiveTime::from_hms_opt((minute / 60) as u32 % 24, (minute % 60) as u32, 0)
        .unwrap_or(NaiveTime::MIN)
}

/// An IANA time zone name as typed ("Europe/Paris"). Refuses (`DomainError::Invalid`) a
/// name the IANA database does not hold.
pub fn parse_zone(raw: &str) -> DomainResult<Tz> {
    raw.trim().parse::<Tz>().map_err(|_| {
        DomainError::Invalid(format!(
            "\"{}\" is not an IANA time zone name; give one such as Europe/Paris, America/New_York or UTC.",
            raw.trim()
        ))
    })
}

/// A zone stored earlier (checked when saved); UTC when it no longer parses.
pub fn stored_zone(raw: &str) -> Tz {
    raw.parse::<Tz>().unwrap_or(Tz::UTC)
}

/// A time of day "HH:MM" (00:00 to 24:00) as minutes after midnight; refuses
/// (`DomainError::Invalid`) anything else with `what` in the message.
pub fn parse_minute(raw: &str, what: &str) -> DomainResult<i32> {
    let refused = || DomainError::Invalid(format!("Give {what} as a time from 00:00 to 24:00."));
    let (h, m) = raw.trim().split_once(':').ok_or_else(refused)?;
    let (h, m) = (
        h.parse::<i32>().map_err(|_| refused())?,
        m.parse::<i32>().map_err(|_| refused())?,
    );
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return Err(refused());
    }
    Ok(h * 60 + m)
}

/// Minutes after midnight as "HH:MM".
pub fn minute_text(minute: i32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The weekday names in `send_days` order (bit 0 first).
pub const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A schedule as typed: day names chosen, the window's start and end ("HH:MM") and a zone
/// name (empty: `owner_zone`, the owner's). Refuses (`DomainError::Invalid`) no day, a
/// malformed time, an end not after the start, and a zone that is not an IANA name.
pub fn parse(
    days: &[String],
    start: &str,
    end: &str,
    zone: &str,
) -> DomainResult<(i32, i32, i32, String)> {
    let mut bits = 0;
    for day in days {
        if let Some(i) = DAY_NAMES
            .iter()
            .position(|d| d.eq_ignore_ascii_case(day.trim()))
        {
            bits |= 1 << i;
        }
    }
    if bits == 0 {
        return Err(DomainError::Invalid(
            "Choose at least one sending day.".into(),
        ));
    }
    let start = parse_minute(start, "the start of the sending window")?;
    let end = parse_minute(end, "the end of the sending window")?;
    if end <= start {
        return Err(DomainError::Invalid(
            "The sending window must end after it starts (same day).".into(),
        ));
    }
    let zone = match zone.trim() {
        "" => String::new(),
        name => parse_zone(name)?.name().to_string(),
    };
    Ok((bits, start, end, zone))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    const PARIS: Tz = chrono_tz::Europe::Paris;
    const NEW_YORK: Tz = chrono_tz::America::New_York;

    #[test]
    fn twenty_hundred_in_paris_waits_for_nine_the_next_weekday() {
        let s = Schedule::office_hours(PARIS);
        // Tuesday 1 December 2026, 20:00 in Paris (UTC+1) = 19:00 UTC.
        let due = utc(2026, 12, 1, 19, 0);
        assert!(!s.is_open(due));
        assert_eq!(s.next_opening(due), utc(2026, 12, 2, 8, 0));
        // Friday 4 December, 20:00 -> Monday 7 December, 09:00.
        assert_eq!(
            s.next_opening(utc(2026, 12, 4, 19, 0)),
            utc(2026, 12, 7, 8, 0)
        );
        assert!(s.is_open(utc(2026, 12, 7, 8, 0)));
        assert!(!s.is_open(utc(2026, 12, 7, 7, 59)));
        assert!(!s.is_open(utc(2026, 12, 7, 16, 0)), "17:00 local is closed");
    }

    #[test]
    fn an_open_instant_is_its_own_opening() {
        let s = Schedule::office_hours(PARIS);
        let at = utc(2026, 12, 2, 10, 30);
        assert_eq!(s.next_opening(at), at);
        assert_eq!(Schedule::always(PARIS).next_opening(at), at);
    }

    #[test]
    fn delays_count_local_calendar_days_across_the_european_changes() {
        let s = Schedule::always(PARIS);
        // Saturday 28 March 2026 10:00 CET (09:00 UTC) + 1 day = Sunday 29 March 10:00 CEST.
        assert_eq!(
            s.after_days(utc(2026, 3, 28, 9, 0), 1),
            utc(2026, 3, 29, 8, 0)
        );
        // + 2 days: Monday 30 March 10:00 CEST, not skipped, not doubled.
        assert_eq!(
            s.after_days(utc(2026, 3, 28, 9, 0), 2),
            utc(2026, 3, 30, 8, 0)
        );
        // Saturday 24 October 10:00 CEST (08:00 UTC) + 1 = Sunday 25 October 10:00 CET.
        assert_eq!(
            s.after_days(utc(2026, 10, 24, 8, 0), 1),
            utc(2026, 10, 25, 9, 0)
        );
        assert_eq!(
            s.after_days(utc(2026, 10, 24, 8, 0), 3),
            utc(2026, 10, 27, 9, 0)
        );
    }

    #[test]
    fn delays_count_local_calendar_days_across_the_us_changes() {
        let s = Schedule::always(NEW_YORK);
        // Saturday 7 March 2026 10:00 EST (15:00 UTC) + 1 = Sunday 8 March 10:00 EDT.
        assert_eq!(
            s.after_days(utc(2026, 3, 7, 15, 0), 1),
            utc(2026, 3, 8, 14, 0)
        );
        // Saturday 31 October 10:00 EDT (14:00 UTC) + 1 = Sunday 1 November 10:00 EST.
        assert_eq!(
            s.after_days(utc(2026, 10, 31, 14, 0), 1),
            utc(2026, 11, 1, 15, 0)
        );
        assert_eq!(
            s.after_days(utc(2026, 10, 31, 14, 0), 2),
            utc(2026, 11, 2, 15, 0)
        );
    }

    #[test]
    fn delays_land_in_the_window_across_a_change() {
        let s = Schedule::office_hours(PARIS);
        // Friday 27 March 16:30 CET (15:30 UTC) + 1 day = Saturday: waits for Monday 30
        // March 09:00 CEST (07:00 UTC).
        assert_eq!(
            s.after_days(utc(2026, 3, 27, 15, 30), 1),
            utc(2026, 3, 30, 7, 0)
        );
        // Friday 23 October 16:30 CEST + 3 days = Monday 26 October 16:30 CET (15:30 UTC).
        assert_eq!(
            s.after_days(utc(2026, 10, 23, 14, 30), 3),
            utc(2026, 10, 26, 15, 30)
        );
        let ny = Schedule::office_hours(NEW_YORK);
        // Friday 6 March 18:00 EST (23:00 UTC) + 2 = Sunday -> Monday 9 March 09:00 EDT.
        assert_eq!(
            ny.after_days(utc(2026, 3, 6, 23, 0), 2),
            utc(2026, 3, 9, 13, 0)
        );
        // Friday 30 October 12:00 EDT (16:00 UTC) + 3 = Monday 2 November 12:00 EST.
        assert_eq!(
            ny.after_days(utc(2026, 10, 30, 16, 0), 3),
            utc(2026, 11, 2, 17, 0)
        );
    }

    #[test]
    fn a_local_time_in_the_gap_or_the_fold() {
        let s = Schedule::always(PARIS);
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(
            s.to_utc(gap),
            utc(2026, 3, 29, 1, 0),
            "the first instant after the gap"
        );
        let fold = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(
            s.to_utc(fold),
            utc(2026, 10, 25, 0, 30),
            "the earlier instant"
        );
    }

    #[test]
    fn zones_and_windows_as_typed() {
        assert_eq!(parse_zone(" Europe/Paris ").unwrap(), PARIS);
        assert!(parse_zone("Mars/Olympus").is_err());
        assert!(parse_zone("").is_err());
        let days = vec!["Mon".to_string(), "fri".to_string()];
        assert_eq!(
            parse(&days, "09:00", "17:30", "America/New_York").unwrap(),
            (0b1_0001, 540, 1050, "America/New_York".to_string())
        );
        assert!(parse(&days, "17:00", "09:00", "").is_err());
        assert!(parse(&[], "09:00", "17:00", "").is_err());
        assert!(parse(&days, "9", "17:00", "").is_err());
        assert_eq!(parse(&days, "00:00", "24:00", "").unwrap().2, DAY_MINUTES);
        assert_eq!(
            Schedule::office_hours(PARIS).describe(utc(2026, 12, 7, 8, 0)),
            "Mon 09:00 Europe/Paris"
        );
    }
}
