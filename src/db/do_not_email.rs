//! Queries for the do-not-email list (`do_not_email`): adding an entry once, finding the
//! entries that match an address, the list's pages, removing, and the copy a departing
//! member takes of the entries their campaigns produced.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{do_not_email, users};
use super::values::{DoNotEmailKind, DoNotEmailReason};
use super::{AnyConnection, DbError};

/// One entry, as the list page shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = do_not_email)]
pub struct DoNotEmailEntry {
    pub id: i64,
    pub list_owner_id: UserId,
    /// The address or "@domain"; `None` once forgotten.
    pub entry: Option<String>,
    pub digest: String,
    pub kind: DoNotEmailKind,
    pub reason: DoNotEmailReason,
    pub added_by: UserId,
    pub campaign_id: Option<i64>,
    /// UTC.
    pub created_at: NaiveDateTime,
}

/// A new entry of list `list_owner_id`.
pub struct NewEntry<'a> {
    pub list_owner_id: UserId,
    pub entry: Option<&'a str>,
    pub digest: &'a str,
    pub kind: DoNotEmailKind,
    pub reason: DoNotEmailReason,
    pub added_by: UserId,
    pub campaign_id: Option<i64>,
    pub now: NaiveDateTime,
}

/// Adds the entry; false when the list already holds its digest (nothing changes). The
/// list is read first: inside a PostgreSQL transaction a unique violation would abort the
/// whole transaction, so the index only settles two writers racing outside one.
pub fn insert(conn: &mut AnyConnection, new: &NewEntry) -> Result<bool, DbError> {
    let held: i64 = do_not_email::table
        .filter(do_not_email::list_owner_id.eq(new.list_owner_id))
        .filter(do_not_email::digest.eq(new.digest))
        .count()
        .get_result(conn)?;
    if held > 0 {
        return Ok(false);
    }
    let inserted = diesel::insert_into(do_not_email::table)
        .values((
            do_not_email::list_owner_id.eq(new.list_owner_id),
            do_not_email::entry.eq(new.entry),
            do_not_email::digest.eq(new.digest),
            do_not_email::kind.eq(new.kind),
            do_not_email::reason.eq(new.reason),
            do_not_email::added_by.eq(new.added_by),
            do_not_email::campaign_id.eq(new.campaign_id),
            do_not_email::created_at.eq(new.now),
        ))
        .execute(conn);
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(true),
        Err(DbError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The reason of the first entry of the list whose digest is one of `digests` (an address's
/// and its domain's), or `None` when the list holds neither.
pub fn reason_for(
    conn: &mut AnyConnection,
    list_owner_id: UserId,
    digests: &[String],
) -> Result<Option<DoNotEmailReason>, DbError> {
    Ok(do_not_email::table
        .filter(do_not_email::list_owner_id.eq(list_owner_id))
        .filter(do_not_email::digest.eq_any(digests))
        .order(do_not_email::id)
        .select(do_not_email::reason)
        .first(conn)
        .optional()?)
}

/// Every digest on the list (for judging a whole list of prospects at launch).
pub fn digests(conn: &mut AnyConnection, list_owner_id: UserId) -> Result<Vec<String>, DbError> {
    Ok(do_not_email::table
        .filter(do_not_email::list_owner_id.eq(list_owner_id))
        .select(do_not_email::digest)
        .load(conn)?)
}

/// How many entries the list holds.
pub fn count(conn: &mut AnyConnection, list_owner_id: UserId) -> Result<i64, DbError> {
    Ok(do_not_email::table
        .filter(do_not_email::list_owner_id.eq(list_owner_id))
        .count()
        .get_result(conn)?)
}

/// Up to `limit` entries after skipping the `offset` newest, newest first, with the name of
/// who added each.
pub fn page(
    conn: &mut AnyConnection,
    list_owner_id: UserId,
    offset: i64,
    limit: i64,
) -> Result<Vec<(DoNotEmailEntry, String)>, DbError> {
    Ok(do_not_email::table
        .inner_join(users::table.on(users::id.eq(do_not_email::added_by)))
        .filter(do_not_email::list_owner_id.eq(list_owner_id))
        .order(do_not_email::id.desc())
        .offset(offset)
        .limit(limit)
        .select((DoNotEmailEntry::as_select(), users::name))
        .load(conn)?)
}

/// Every entry, oldest first (for the CSV export).
pub fn all(
    conn: &mut AnyConnection,
    list_owner_id: UserId,
) -> Result<Vec<(DoNotEmailEntry, String)>, DbError> {
    Ok(do_not_email::table
        .inner_join(users::table.on(users::id.eq(do_not_email::added_by)))
        .filter(do_not_email::list_owner_id.eq(list_owner_id))
        .order(do_not_email::id)
        .select((DoNotEmailEntry::as_select(), users::name))
        .load(conn)?)
}

/// The entry `id`, on whichever list.
pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<DoNotEmailEntry>, DbError> {
    Ok(do_not_email::table
        .find(id)
        .select(DoNotEmailEntry::as_select())
        .first(conn)
        .optional()?)
}

/// Removes the entry `id`; false when it was already gone.
pub fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, DbError> {
    Ok(diesel::delete(do_not_email::table.find(id)).execute(conn)? == 1)
}

/// The entries of list `from` that `member`'s campaigns produced (reasons in `reasons`).
pub fn produced_by(
    conn: &mut AnyConnection,
    from: UserId,
    member: UserId,
    reasons: &[DoNotEmailReason],
) -> Result<Vec<DoNotEmailEntry>, DbError> {
    Ok(do_not_email::table
        .filter(do_not_email::list_owner_id.eq(from))
        .filter(do_not_email::added_by.eq(member))
        .filter(do_not_email::reason.eq_any(reasons))
        .order(do_not_email::id)
        .select(DoNotEmailEntry::as_select())
        .load(conn)?)
}
