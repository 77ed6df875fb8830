//! Team activity: the log of what happened in a team, kept forever (a former member's lines
//! stay). Each change that belongs in it writes its line with `record_activity`, in the domain
//! function that makes the change and inside its transaction. The leader reads the log a
//! page at a time (`activity_log`), filtered by member, kind and UTC dates, and downloads
//! the same filtered view as CSV (`plan_activity_csv`, `activity_csv_batch`). Who may is
//! `policy::may_view_team_activity`.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::db::activity::{self as db_activity, ActivityFilter};
use crate::db::ids::{TeamId, UserId};
use crate::db::models::{ActivityRow, User};
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, team as db};
use crate::domain::paging::{PageNumber, Pages};
use crate::domain::{DomainResult, invalid, policy};

/// One line of Team activity: when (UTC), who did it, what (its kind), to whom and the detail.
pub struct ActivityItem {
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: ActivityKind,
    pub subject: String,
    pub detail: String,
}

impl ActivityItem {
    fn of((row, actor): (ActivityRow, String)) -> Self {
        ActivityItem {
            at: row.created_at,
            actor,
            action: row.action,
            subject: row.subject_email,
            detail: row.detail,
        }
    }
}

/// Writes one line of Team activity by `actor_id` in the team they are in: the team of their
/// active membership, else the team they lead; nothing for a user in no team (their own
/// actions are nobody else's business). Call it inside the transaction of the change it
/// records, so that the line exists exactly when the change does.
pub fn record_activity(
    conn: &mut AnyConnection,
    actor_id: UserId,
    kind: ActivityKind,
    subject: &str,
    detail: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let team_id = match db::active_membership_of(conn, actor_id)? {
        Some(membership) => Some(membership.team_id),
        None => db::team_by_leader(conn, actor_id)?.map(|t| t.id),
    };
    if let Some(team_id) = team_id {
        db::insert_activity(conn, team_id, actor_id, subject, kind, detail, now)?;
    }
    Ok(())
}

/// The log's filter as asked for in the URL: a member (a user id), a kind (its stored text)
/// and a range of UTC dates, both days included; each may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    pub member: Option<UserId>,
    pub kind: Option<ActivityKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ActivityQuery {
    /// Reads `member`, `kind`, `from` and `to` (dates as YYYY-MM-DD); empty means "any".
    /// Refusal: `Invalid` for a member that is not a number, a kind not offered, a
    /// malformed date, or a range that ends before it starts. Any member id is taken: the
    /// log only ever holds the viewer's team's lines.
    pub fn parse(
        member: Option<&str>,
        kind: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> DomainResult<Self> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let member = match given(member) {
            Some(raw) => match raw.parse::<UserId>() {
                Ok(id) => Some(id),
                Err(_) => return invalid("Choose a member from the list."),
            },
            None => None,
        };
        let kind = match given(kind) {
            Some(raw) => match ActivityKind::parse(raw) {
                Some(kind) => Some(kind),
                None => return invalid("Choose a kind of activity from the list."),
            },
            None => None,
        };
        let day = |v: Option<&str>| match given(v) {
            Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(Some)
                .or_else(|_| invalid("Give dates like 2026-11-01.")),
            None => Ok(None),
        };
        let (from, to) = (day(from)?, day(to)?);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return invalid("The date range ends before it starts.");
        }
        Ok(ActivityQuery {
            member,
            kind,
            from,
            to,
        })
    }

    /// The query string that selects this view again (without the page), for the paging
    /// links and the CSV: `member=…&kind=…&from=…&to=…`, empty values for "any".
    pub fn query(&self) -> String {
        let text = |v: Option<String>| v.unwrap_or_default();
        let pairs = [
            ("member", text(self.member.map(|m| m.to_string()))),
            ("kind", text(self.kind.map(|k| k.to_string()))),
            ("from", text(self.from.map(|d| d.to_string()))),
            ("to", text(self.to.map(|d| d.to_string()))),
        ];
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The date as the form shows it ("" for none).
    pub fn from_text(&self) -> String {
        self.from.map_or(String::new(), |d| d.to_string())
    }

    /// The date as the form shows it ("" for none).
    pub fn to_text(&self) -> String {
        self.to.map_or(String::new(), |d| d.to_string())
    }

    fn filter(&self) -> ActivityFilter {
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
        ActivityFilter {
            actor: self.member,
            kind: self.kind,
            from: self.from.map(midnight),
            until: self.to.map(|d| midnight(d + Duration::days(1))),
            up_to_id: None,
        }
    }
}

/// Someone the member filter offers: everyone with a line in the log.
pub struct ActorChoice {
    pub id: UserId,
    pub name: String,
    pub email: String,
    /// No longer in the team (a former member, or someone who declined an invitation).
    pub former: bool,
}

/// A page of the filtered log, newest first.
pub struct ActivityLog {
    pub items: Vec<ActivityItem>,
    pub pages: Pages,
    pub query: ActivityQuery,
    pub members: Vec<ActorChoice>,
}

/// Lines of the Team activity page.
pub const LOG_PAGE_SIZE: i64 = 20;

/// The team `leader` may read the log of. Refusals: as `policy::may_view_team_activity`.
fn readable_team(conn: &mut AnyConnection, leader: &User) -> DomainResult<TeamId> {
    let membership = db::active_membership_of(conn, leader.id)?;
    let team = db::team_by_leader(conn, leader.id)?;
    policy::may_view_team_activity(leader, membership.as_ref(), team.as_ref())
}

/// Page `page` of the log of `leader`'s team as `query` filters it (a page past the end is
/// the last). Refusals: `Forbidden` for a member, `NotFound` for someone who leads no team
/// (`policy::may_view_team_activity`).
pub fn activity_log(
    conn: &mut AnyConnection,
    leader: &User,
    query: ActivityQuery,
    page: PageNumber,
) -> DomainResult<ActivityLog> {
    let team_id = readable_team(conn, leader)?;
    let filter = query.filter();
    let pages = Pages::new(
        page,
        LOG_PAGE_SIZE,
        db_activity::count(conn, team_id, &filter)?,
    );
    let items = db_activity::page(conn, team_id, &filter, pages.offset(), LOG_PAGE_SIZE)?
        .into_iter()
        .map(ActivityItem::of)
        .collect();
    let mut present = vec![leader.id];
    present.extend(db::active_member_ids(conn, team_id)?);
    let members = db_activity::actors(conn, team_id)?
        .into_iter()
        .map(|(id, name, email)| ActorChoice {
            former: !present.contains(&id),
            id,
            name,
            email,
        })
        .collect();
    Ok(ActivityLog {
        items,
        pages,
        query,
        members,
    })
}

/// The `limit` newest lines of `team_id`'s log, for My Team's short list.
pub(super) fn recent(
    conn: &mut AnyConnection,
    team_id: TeamId,
    limit: i64,
) -> DomainResult<Vec<ActivityItem>> {
    Ok(
        db_activity::page(conn, team_id, &ActivityFilter::default(), 0, limit)?
            .into_iter()
            .map(ActivityItem::of)
            .collect(),
    )
}

/// What a CSV download of the log writes: the team's lines that the query selects.
pub struct ActivityCsv {
    team_id: TeamId,
    filter: ActivityFilter,
}

/// The download's header record.
pub const CSV_HEADER: [&str; 5] = ["at_utc", "member", "kind", "subject", "detail"];

/// Lines read per batch of the download (bounds its memory).
const CSV_BATCH: i64 = 1000;

/// A download of the log of `leader`'s team as `query` filters it. Refusals: as
/// `activity_log`.
pub fn plan_activity_csv(
    conn: &mut AnyConnection,
    leader: &User,
    query: ActivityQuery,
) -> DomainResult<ActivityCsv> {
    let team_id = readable_team(conn, leader)?;
    let mut filter = query.filter();
    // The lines there when the download starts, whatever is written while it runs.
    filter.up_to_id = Some(db_activity::newest_id(conn, team_id)?.unwrap_or(0));
    Ok(ActivityCsv { team_id, filter })
}

/// The next batch of CSV records in the page's order (newest first) after the first `done`
/// lines, and how many are done after it: the rows of `CSV_HEADER`, times in UTC as
/// `YYYY-MM-DD HH:MM:SS`.
pub fn activity_csv_batch(
    conn: &mut AnyConnection,
    plan: &ActivityCsv,
    done: i64,
) -> DomainResult<(Vec<Vec<String>>, Option<i64>)> {
    let batch = db_activity::page(conn, plan.team_id, &plan.filter, done, CSV_BATCH)?;
    let next = done + batch.len() as i64;
    let rows = batch
        .into_iter()
        .map(|(row, actor)| {
            vec![
                row.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                actor,
                row.action.to_string(),
                row.subject_email,
                row.detail,
            ]
        })
        .collect();
    Ok((rows, Some(next)))
}
