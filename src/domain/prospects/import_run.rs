//! Running a queued import (called by the background job, `jobs::imports`).
//!
//! The stored mapping is checked again as it is run: it may be old data, or a field may
//! have changed hands since it was queued. Rows are checked first (progress is written as
//! it goes); then, holding the importer's write lock, the list's addresses are read again
//! and every new custom field, prospect and value is written in one transaction, so two
//! imports into one list both finish (the second reports the first's rows as duplicates)
//! and a failure leaves the list as it was. An import that cannot run ends as failed, with
//! the reason on its page: "Nothing was imported: …".

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::csv_import::{Column, Table, parse};
use super::import_errors::{Cell, row_problem, zone_problem};
use super::import_mapping;
use super::parse_prospect;
use crate::db::imports::Outcome;
use crate::db::models::{Import, ProspectFields};
use crate::db::{AnyConnection, imports as db, prospects};
use crate::domain::campaigns::contacting::Contacts;
use crate::domain::{DomainError, DomainResult};

const MAX_CUSTOM_VALUE_CHARS: usize = 1000;
const PROGRESS_EVERY: usize = 1000;

pub use crate::db::values::ImportStatus;

/// The message of an import that stopped on something the user cannot fix.
pub const INTERNAL_FAILURE: &str = "the import stopped because of an internal error.";

/// Ids of the imports waiting for the background job, oldest first.
pub fn queued(conn: &mut AnyConnection) -> DomainResult<Vec<i64>> {
    Ok(db::ids_in_status(conn, ImportStatus::Queued)?)
}

/// Runs a queued import to the end. Returns `Ok` when another run claimed it first.
/// Any error ends the import as failed with "Nothing was imported: <reason>" (internal
/// causes are logged, not shown) and is returned for the job's log.
pub fn run(
    conn: &mut AnyConnection,
    import_id: i64,
    now: impl Fn() -> NaiveDateTime,
) -> DomainResult<()> {
    let Some(import) = db::by_id(conn, import_id)? else {
        return Err(DomainError::NotFound);
    };
    let claimed = db::transition(
        conn,
        import.id,
        ImportStatus::Queued,
        ImportStatus::Running,
        now(),
    )?;
    if !claimed {
        return Ok(());
    }
    match import_rows(conn, &import, &now) {
        Ok(()) => Ok(()),
        Err(e) => {
            let reason = match &e {
                DomainError::Invalid(m) => m.clone(),
                DomainError::NotFound => {
                    "a column goes to a custom field that is not yours. Upload the file again and map it to one of your fields.".into()
                }
                other => {
                    log::error!("import {import_id} failed: {other}");
                    INTERNAL_FAILURE.into()
                }
            };
            fail(conn, import.id, &reason, now())?;
            Err(e)
        }
    }
}

/// Ends a running import as failed with "Nothing was imported: `reason`". Does nothing to
/// an import that is no longer running.
pub fn fail(
    conn: &mut AnyConnection,
    import_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let report = format!("Nothing was imported: {reason}");
    let outcome = Outcome {
        status: ImportStatus::Failed,
        imported: 0,
        duplicates: 0,
        report: &report,
        teammates_contacting: 0,
    };
    db::finish(conn, import_id, ImportStatus::Running, &outcome, now)?;
    Ok(())
}

/// A row that passed its checks, ready to write.
struct GoodRow {
    fields: ProspectFields,
    custom: Vec<(usize, String)>,
}

/// The file and its mapping, checked as if they were queued now.
fn checked_input(conn: &mut AnyConnection, import: &Import) -> DomainResult<(Table, Vec<Column>)> {
    let table = parse(import.content.as_bytes())?;
    let columns = import_mapping::decode(&import.mapping).ok_or_else(|| {
        DomainError::Invalid(
            "the column mapping of this import cannot be read (it was stored by an older version). Upload the file again.".into(),
        )
    })?;
    let columns = import_mapping::check(conn, import.owner_id, &table.headers, columns)?;
    Ok((table, columns))
}

fn import_rows(
    conn: &mut AnyConnection,
    import: &Import,
    now: &impl Fn() -> NaiveDateTime,
) -> DomainResult<()> {
    let (table, columns) = checked_input(conn, import)?;
    let (mut good, mut problems, mut duplicates) = (Vec::new(), Vec::new(), 0);
    let mut in_file = HashSet::new();
    for (index, row) in table.rows.iter().enumerate() {
        let cell = |target: &Column| -> &str {
            columns
                .iter()
                .position(|c| c == target)
                .map_or("", |i| row.cells[i].as_str())
        };
        let email = cell(&Column::Email);
        let texts = [
            ("first name", Column::FirstName),
            ("last name", Column::LastName),
            ("company", Column::Company),
            ("position", Column::Position),
        ]
        .map(|(label, column)| Cell {
            label,
            value: cell(&column),
        });
        let [first, last, company, position] = &texts;
        let zone = cell(&Column::TimeZone);
        match parse_prospect(
            email,
            first.value,
            last.value,
            company.value,
            position.value,
            zone,
        ) {
            Err(e) => problems.push(
                row_problem(row.line, email, &texts)
                    .or_else(|| zone_problem(row.line, zone))
                    .unwrap_or_else(|| format!("Line {}: {e}", row.line)),
            ),
            Ok(fields) if !in_file.insert(fields.email.clone()) => duplicates += 1,
            Ok(fields) => {
                let custom = columns
                    .iter()
                    .zip(&row.cells)
                    .enumerate()
                    .filter(|(_, (c, value))| {
                        matches!(c, Column::Field(_) | Column::NewField(_))
                            && !value.trim().is_empty()
                    })
                    .map(|(i, (_, value))| {
                        (
                            i,
                            value.trim().chars().take(MAX_CUSTOM_VALUE_CHARS).collect(),
                        )
                    })
                    .collect();
                good.push(GoodRow { fields, custom });
            }
        }
        if (index + 1) % PROGRESS_EVERY == 0 {
            db::set_checked(conn, import.id, (index + 1) as i32, now())?;
        }
    }
    db::set_checked(conn, import.id, table.rows.len() as i32, now())?;
    // One importer's imports (and their new fields) are written one at a time.
    crate::db::locked_transaction(conn, import.owner_id, |conn| {
        let existing = prospects::fields_of(conn, import.owner_id)?;
        let mut field_ids: Vec<Option<i64>> = Vec::with_capacity(columns.len());
        for column in &columns {
            field_ids.push(match column {
                Column::Field(id) => Some(*id),
                Column::NewField(name) => Some(match existing.iter().find(|f| f.name == *name) {
                    Some(field) => field.id,
                    None => prospects::insert_field(conn, import.owner_id, name, now())?,
                }),
                _ => None,
            });
        }
        let in_list: HashSet<String> = prospects::emails_in_list(conn, import.list_id)?
            .into_iter()
            .collect();
        let (at, mut imported) = (now(), 0);
        let mut new_emails = Vec::new();
        for row in good.iter().filter(|r| !in_list.contains(&r.fields.email)) {
            new_emails.push(row.fields.email.clone());
            let id =
                prospects::insert_prospect(conn, import.list_id, import.owner_id, &row.fields, at)?;
            imported += 1;
            for (column, value) in &row.custom {
                if let Some(field_id) = field_ids[*column] {
                    prospects::insert_value(conn, id, field_id, value)?;
                }
            }
        }
        let importer = crate::db::accounts::user_by_id(conn, import.owner_id)?;
        let contacted = Contacts::of(conn, &importer, &new_emails, at)?.count();
        let outcome = Outcome {
            status: ImportStatus::Done,
            imported,
            duplicates: duplicates + (good.len() as i32 - imported),
            report: &problems.join("\n"),
            teammates_contacting: contacted as i32,
        };
        db::finish(conn, import.id, ImportStatus::Running, &outcome, now())?;
        Ok::<_, DomainError>(())
    })
}
