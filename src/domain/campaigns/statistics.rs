//! Team statistics: per member, for a period, prospects added, emails sent, open, click
//! and reply rates, auto-replies (counted apart: the reply rate counts people only), credits
//! and unique contacts used; a totals row and chart data.
//!
//! Definitions: of the emails a member sent in the period, "recipients" counts the distinct
//! recipients they went to; the open rate is the share of those recipients who opened at
//! least one of them (click and reply rates likewise). With nothing sent a rate is "—".

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::db::ids::UserId;
use crate::db::models::User;
use crate::db::statistics::{self as db, Event};
use crate::db::{AnyConnection, team};
use crate::domain::billing;
use crate::domain::billing::period_containing;
use crate::domain::team::MemberStatus;
use crate::domain::{DomainResult, invalid, policy};

/// The period the page shows, as chosen in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    BillingPeriod,
    LastDays(i64),
    /// From and to, both days included.
    Range(NaiveDate, NaiveDate),
}

impl PeriodChoice {
    /// `period` is `billing` (default), `7`, `30`, `90` or `range` with `from` and `to`.
    pub fn parse(period: Option<&str>, from: Option<&str>, to: Option<&str>) -> DomainResult<Self> {
        match period.unwrap_or("billing") {
            "billing" | "" => Ok(PeriodChoice::BillingPeriod),
            "7" => Ok(PeriodChoice::LastDays(7)),
            "30" => Ok(PeriodChoice::LastDays(30)),
            "90" => Ok(PeriodChoice::LastDays(90)),
            "range" => {
                let day = |v: Option<&str>| {
                    v.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
                };
                match (day(from), day(to)) {
                    (Some(from), Some(to)) if from <= to => Ok(PeriodChoice::Range(from, to)),
                    (Some(_), Some(_)) => invalid("The date range ends before it starts."),
                    _ => {
                        invalid("Give the date range as two dates, like 2026-11-01 and 2026-11-30.")
                    }
                }
            }
            _ => invalid("Choose this billing period, the last 7, 30 or 90 days, or a date range."),
        }
    }

    /// The query string that selects this period again (for links and the CSV).
    pub fn query(&self) -> String {
        match self {
            PeriodChoice::BillingPeriod => "period=billing".into(),
            PeriodChoice::LastDays(n) => format!("period={n}"),
            PeriodChoice::Range(from, to) => format!("period=range&from={from}&to={to}"),
        }
    }

    /// The period's value in the statistics form: "billing", a number of days or "range".
    pub fn code(&self) -> String {
        match self {
            PeriodChoice::BillingPeriod => "billing".into(),
            PeriodChoice::LastDays(n) => n.to_string(),
            PeriodChoice::Range(..) => "range".into(),
        }
    }
}

/// One member's figures (or the totals).
#[derive(Debug, Clone, Default)]
pub struct MemberStats {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    /// A former member: the row is shown greyed.
    pub former: bool,
    pub prospects_added: i64,
    pub emails_sent: i64,
    pub recipients: i64,
    pub opened: i64,
    pub clicked: i64,
    pub replied: i64,
    /// Distinct recipients who sent an auto-reply (RFC 3834), apart from `replied`.
    pub auto_replied: i64,
    /// Distinct recipients emailed in the period who bounced (at send time or by a DSN).
    pub bounced: i64,
    /// Distinct recipients emailed in the period: sent an email, or bounced trying.
    pub contacted: i64,
    pub credits_used: i64,
    pub contacts_used: i64,
}

impl MemberStats {
    fn rate(&self, part: i64) -> String {
        if self.recipients == 0 {
            "—".into()
        } else {
            format!("{:.1}%", part as f64 * 100.0 / self.recipients as f64)
        }
    }

    /// Opened recipients as a percentage (one decimal) of those emailed ("—" for none).
    pub fn open_rate(&self) -> String {
        self.rate(self.opened)
    }

    /// Clicking recipients as a percentage (one decimal) of those emailed ("—" for none).
    pub fn click_rate(&self) -> String {
        self.rate(self.clicked)
    }

    /// Replying recipients as a percentage (one decimal) of those emailed ("—" for none).
    pub fn reply_rate(&self) -> String {
        self.rate(self.replied)
    }

    /// Bounced recipients as a percentage (one decimal) of those contacted ("—" for none).
    pub fn bounce_rate(&self) -> String {
        if self.contacted == 0 {
            "—".into()
        } else {
            format!(
                "{:.1}%",
                self.bounced as f64 * 100.0 / self.contacted as f64
            )
        }
    }

    fn add(&mut self, other: &MemberStats) {
        self.prospects_added += other.prospects_added;
        self.emails_sent += other.emails_sent;
        self.recipients += other.recipients;
        self.opened += other.opened;
        self.clicked += other.clicked;
        self.replied += other.replied;
        self.auto_replied += other.auto_replied;
        self.bounced += other.bounced;
        self.contacted += other.contacted;
        self.credits_used += other.credits_used;
        self.contacts_used += other.contacts_used;
    }

    /// The CSV record of this row.
    pub fn csv_fields(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.email.clone(),
            self.role.to_string(),
            self.prospects_added.to_string(),
            self.emails_sent.to_string(),
            self.open_rate(),
            self.click_rate(),
            self.reply_rate(),
            self.auto_replied.to_string(),
            self.bounced.to_string(),
            self.bounce_rate(),
            self.credits_used.to_string(),
            self.contacts_used.to_string(),
        ]
    }
}

/// The header record of the statistics CSV download, one column per `MemberStats::csv_fields`.
pub const CSV_HEADER: [&str; 13] = [
    "member",
    "email",
    "role",
    "prospects added",
    "emails sent",
    "open rate",
    "click rate",
    "reply rate",
    "auto-replied",
    "bounced",
    "bounce rate",
    "credits used",
    "unique contacts used",
];

/// Team statistics for one period (UTC days from `from` up to `to`, exclusive): a row per
/// member and the totals.
pub struct TeamStatistics {
    pub choice: PeriodChoice,
    pub from: NaiveDateTime,
    /// Exclusive end.
    pub to: NaiveDateTime,
    pub rows: Vec<MemberStats>,
    pub totals: MemberStats,
}

impl TeamStatistics {
    /// The last day shown (the end is exclusive).
    pub fn last_day(&self) -> NaiveDate {
        (self.to - Duration::seconds(1)).date()
    }
}

fn range(
    choice: PeriodChoice,
    leader: &User,
    now: NaiveDateTime,
) -> (NaiveDateTime, NaiveDateTime) {
    match choice {
        PeriodChoice::BillingPeriod => {
            let period = period_containing(leader.period_anchor, now);
            (period.start, period.end)
        }
        PeriodChoice::LastDays(n) => (now - Duration::days(n), now + Duration::seconds(1)),
        PeriodChoice::Range(from, to) => (
            from.and_time(chrono::NaiveTime::MIN),
            (to + Duration::days(1)).and_time(chrono::NaiveTime::MIN),
        ),
    }
}

/// The leader's team statistics; a fixed number of statements whatever the team size.
pub fn team_statistics(
    conn: &mut AnyConnection,
    leader: &User,
    choice: PeriodChoice,
    now: NaiveDateTime,
) -> DomainResult<TeamStatistics> {
    policy::may_view_statistics(
        team::active_membership_of(conn, leader.id)?.as_ref(),
        billing::effective_plan(leader, now),
    )?;
    let (from, to) = range(choice, leader, now);
    let mut people: Vec<(UserId, MemberStats)> = vec![(
        leader.id,
        MemberStats {
            name: leader.name.clone(),
            email: leader.email.clone(),
            role: "Team leader",
            ..Default::default()
        },
    )];
    if let Some(team) = team::team_by_leader(conn, leader.id)? {
        let mut memberships = team::memberships_with_users(conn, team.id)?;
        // A member who left and came back has several rows: the latest one decides.
        memberships.sort_by_key(|(m, _)| m.id);
        let mut latest: HashMap<UserId, (bool, User)> = HashMap::new();
        for (membership, user) in memberships {
            latest.insert(user.id, (membership.ended_at.is_none(), user));
        }
        let mut members: Vec<(bool, User)> = latest.into_values().collect();
        members.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        for (active, user) in members {
            people.push((
                user.id,
                MemberStats {
                    name: user.name,
                    email: user.email,
                    role: if active {
                        MemberStatus::Active.label()
                    } else {
                        MemberStatus::Former.label()
                    },
                    former: !active,
                    ..Default::default()
                },
            ));
        }
    }
    let ids: Vec<UserId> = people.iter().map(|(id, _)| *id).collect();
    let sent = db::sent_by_owner(conn, &ids, from, to)?;
    let opened = db::recipients_with_event(conn, &ids, from, to, Event::Opened)?;
    let clicked = db::recipients_with_event(conn, &ids, from, to, Event::Clicked)?;
    let replied = db::recipients_with_event(conn, &ids, from, to, Event::Replied)?;
    let auto_replied = crate::db::incoming::recipients_auto_replied(conn, &ids, from, to)?;
    let bounces = db::bounces_by_owner(conn, &ids, from, to)?;
    let added = db::prospects_added(conn, &ids, from, to)?;
    let mut used: HashMap<(UserId, billing::Unit), i64> = HashMap::new();
    for (user, kind, amount) in db::units_used(conn, leader.id, from, to)? {
        used.insert((user, kind), amount);
    }
    let mut totals = MemberStats {
        name: "Total".into(),
        ..Default::default()
    };
    let rows: Vec<MemberStats> = people
        .into_iter()
        .map(|(id, mut row)| {
            let (emails, recipients) = sent.get(&id).copied().unwrap_or_default();
            row.emails_sent = emails;
            row.recipients = recipients;
            row.opened = opened.get(&id).copied().unwrap_or(0);
            row.clicked = clicked.get(&id).copied().unwrap_or(0);
            row.replied = replied.get(&id).copied().unwrap_or(0);
            row.auto_replied = auto_replied.get(&id).copied().unwrap_or(0);
            (row.bounced, row.contacted) = bounces.get(&id).copied().unwrap_or_default();
            row.prospects_added = added.get(&id).copied().unwrap_or(0);
            row.credits_used = used.get(&(id, billing::Unit::Credit)).copied().unwrap_or(0);
            row.contacts_used = used
                .get(&(id, billing::Unit::Recipient))
                .copied()
                .unwrap_or(0);
            totals.add(&row);
            row
        })
        .collect();
    Ok(TeamStatistics {
        choice,
        from,
        to,
        rows,
        totals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_from_the_url() {
        assert_eq!(
            PeriodChoice::parse(None, None, None).unwrap(),
            PeriodChoice::BillingPeriod
        );
        assert_eq!(
            PeriodChoice::parse(Some("30"), None, None).unwrap(),
            PeriodChoice::LastDays(30)
        );
        let range =
            PeriodChoice::parse(Some("range"), Some("2026-11-01"), Some("2026-11-30")).unwrap();
        assert_eq!(range.query(), "period=range&from=2026-11-01&to=2026-11-30");
        assert!(
            PeriodChoice::parse(Some("range"), Some("2026-11-30"), Some("2026-11-01")).is_err()
        );
        assert!(PeriodChoice::parse(Some("range"), Some("yesterday"), None).is_err());
        assert!(PeriodChoice::parse(Some("12"), None, None).is_err());
    }

    #[test]
    fn rates_show_a_dash_when_nothing_was_sent() {
        let mut row = MemberStats::default();
        assert_eq!(row.open_rate(), "—");
        row.recipients = 3;
        row.opened = 1;
        assert_eq!(row.open_rate(), "33.3%");
    }
}
