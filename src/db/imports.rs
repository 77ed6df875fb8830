//! Queries on CSV imports and their progress.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::models::Import;
use super::schema::imports;
use super::values::ImportStatus;
use super::{AnyConnection, DbError};

pub fn insert(
    conn: &mut AnyConnection,
    list_id: i64,
    owner_id: UserId,
    file_name: &str,
    content: &str,
    total_rows: i32,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(imports::table)
        .values((
            imports::list_id.eq(list_id),
            imports::owner_id.eq(owner_id),
            imports::file_name.eq(file_name),
            imports::content.eq(content),
            imports::status.eq(ImportStatus::Uploaded),
            imports::total_rows.eq(total_rows),
            imports::created_at.eq(now),
            imports::updated_at.eq(now),
        ))
        .returning(imports::id)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Import>, DbError> {
    Ok(imports::table
        .find(id)
        .select(Import::as_select())
        .first(conn)
        .optional()?)
}

/// Moves the import from `from` to `to`; false when it was not in `from` (already started).
pub fn transition(
    conn: &mut AnyConnection,
    id: i64,
    from: ImportStatus,
    to: ImportStatus,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(imports::table.find(id).filter(imports::status.eq(from)))
        .set((imports::status.eq(to), imports::updated_at.eq(now)))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Stores the column mapping and queues the import; false when it was already started.
pub fn queue(
    conn: &mut AnyConnection,
    id: i64,
    mapping: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        imports::table
            .find(id)
            .filter(imports::status.eq(ImportStatus::Uploaded)),
    )
    .set((
        imports::status.eq(ImportStatus::Queued),
        imports::mapping.eq(mapping),
        imports::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Ids of the imports in `status` (queued), oldest first.
pub fn ids_in_status(conn: &mut AnyConnection, status: ImportStatus) -> Result<Vec<i64>, DbError> {
    Ok(imports::table
        .filter(imports::status.eq(status))
        .order(imports::id)
        .select(imports::id)
        .load(conn)?)
}

pub fn set_checked(
    conn: &mut AnyConnection,
    id: i64,
    checked: i32,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(imports::table.find(id))
        .set((
            imports::checked_rows.eq(checked),
            imports::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// How an import ended: its final status, the counts and the report shown on its page.
pub struct Outcome<'a> {
    pub status: ImportStatus,
    pub imported: i32,
    pub duplicates: i32,
    pub report: &'a str,
    /// Rows imported whose address a teammate was already contacting.
    pub teammates_contacting: i32,
}

/// Records the outcome of an import that is in status `from` and drops the uploaded file,
/// which is no longer needed. False when the import was not in `from`.
pub fn finish(
    conn: &mut AnyConnection,
    id: i64,
    from: ImportStatus,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(imports::table.find(id).filter(imports::status.eq(from)))
        .set((
            imports::status.eq(outcome.status),
            imports::imported.eq(outcome.imported),
            imports::duplicates.eq(outcome.duplicates),
            imports::report.eq(outcome.report),
            imports::teammates_contacting.eq(outcome.teammates_contacting),
            imports::content.eq(""),
            imports::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}
