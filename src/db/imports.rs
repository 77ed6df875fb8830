//! Queries on CSV imports and their progress.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Import;
use super::schema::imports;
use super::{AnyConnection, DbError};

pub fn insert(
    conn: &mut AnyConnection,
    list_id: i64,
    owner_id: i64,
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
            imports::status.eq("uploaded"),
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
    from: &str,
    to: &str,
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
            .filter(imports::status.eq("uploaded")),
    )
    .set((
        imports::status.eq("queued"),
        imports::mapping.eq(mapping),
        imports::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
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

/// Records the outcome and drops the uploaded file, which is no longer needed.
pub fn finish(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    imported: i32,
    duplicates: i32,
    report: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(imports::table.find(id))
        .set((
            imports::status.eq(status),
            imports::imported.eq(imported),
            imports::duplicates.eq(duplicates),
            imports::report.eq(report),
            imports::content.eq(""),
            imports::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
