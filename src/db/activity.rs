//! Queries on a team's activity log as the Team activity page reads it: filtered by actor,
//! kind and a time range, counted and paged newest first (the CSV reads
//! it page by page).
//! Lines are written by `team::insert_activity`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{TeamId, UserId};
use super::models::ActivityRow;
use super::schema::{team_activity, users};
use super::values::ActivityKind;
use super::{AnyConnection, DbError};

/// Which lines of a team's activity: every field `None` means all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// Lines whose actor is this user.
    pub actor: Option<UserId>,
    pub kind: Option<ActivityKind>,
    /// Lines at or after this instant (UTC).
    pub from: Option<NaiveDateTime>,
    /// Lines strictly before this instant (UTC).
    pub until: Option<NaiveDateTime>,
    /// Lines with an id up to this one: a download fixes it when it starts, so that lines
    /// written meanwhile neither shift its batches nor repeat rows.
    pub up_to_id: Option<i64>,
}

type Boxed<'a> = team_activity::BoxedQuery<'a, <AnyConnection as Connection>::Backend>;

fn filtered<'a>(team_id: TeamId, filter: &ActivityFilter) -> Boxed<'a> {
    let mut query = team_activity::table
        .filter(team_activity::team_id.eq(team_id))
        .into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(team_activity::actor_id.eq(actor));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(team_activity::action.eq(kind));
    }
    if let Some(from) = filter.from {
        query = query.filter(team_activity::created_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(team_activity::created_at.lt(until));
    }
    if let Some(id) = filter.up_to_id {
        query = query.filter(team_activity::id.le(id));
    }
    query
}

/// The id of team `team_id`'s newest activity line; `None` when it has none.
pub fn newest_id(conn: &mut AnyConnection, team_id: TeamId) -> Result<Option<i64>, DbError> {
    Ok(team_activity::table
        .filter(team_activity::team_id.eq(team_id))
        .select(diesel::dsl::max(team_activity::id))
        .first(conn)?)
}

/// How many lines of team `team_id`'s activity `filter` selects.
pub fn count(
    conn: &mut AnyConnection,
    team_id: TeamId,
    filter: &ActivityFilter,
) -> Result<i64, DbError> {
    Ok(filtered(team_id, filter).count().get_result(conn)?)
}

/// Up to `limit` lines that `filter` selects after skipping the `offset` newest, newest
/// first, each with its actor's name.
pub fn page(
    conn: &mut AnyConnection,
    team_id: TeamId,
    filter: &ActivityFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<(ActivityRow, String)>, DbError> {
    let rows: Vec<ActivityRow> = filtered(team_id, filter)
        .order((team_activity::created_at.desc(), team_activity::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(ActivityRow::as_select())
        .load(conn)?;
    with_names(conn, rows)
}

/// Each line with its actor's name (one query for the lot).
fn with_names(
    conn: &mut AnyConnection,
    rows: Vec<ActivityRow>,
) -> Result<Vec<(ActivityRow, String)>, DbError> {
    let ids: Vec<UserId> = rows.iter().map(|r| r.actor_id).collect();
    let names: std::collections::HashMap<UserId, String> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = names.get(&row.actor_id).cloned().unwrap_or_default();
            (row, name)
        })
        .collect())
}

/// Everyone who has a line in team `team_id`'s activity (members past and present, the
/// leader, people who answered an invitation): (id, name, email), by name.
pub fn actors(
    conn: &mut AnyConnection,
    team_id: TeamId,
) -> Result<Vec<(UserId, String, String)>, DbError> {
    let ids = team_activity::table
        .filter(team_activity::team_id.eq(team_id))
        .select(team_activity::actor_id)
        .distinct();
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .order((users::name, users::id))
        .select((users::id, users::name, users::email))
        .load(conn)?)
}
