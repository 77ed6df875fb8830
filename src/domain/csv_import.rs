//! CSV import into a prospect list: upload, map columns, run.
//!
//! Rows are checked first (progress is written as it goes), then every new custom field,
//! prospect and value is written in one transaction: a failure or a crash leaves the list
//! as it was. Invalid rows and duplicates within the list are skipped and reported.

use std::collections::HashSet;

use chrono::NaiveDateTime;

pub use super::import_mapping::{Column, suggest};
use super::policy::RecordAction;
use super::prospects::{Viewer, parse_prospect};
use super::{DomainError, DomainResult, invalid};
use crate::db::models::{CustomField, Import, ProspectFields, ProspectList, User};
use crate::db::{AnyConnection, imports as db, prospects};

pub const PREVIEW_ROWS: usize = 5;
const MAX_COLUMNS: usize = 100;
const MAX_CUSTOM_VALUE_CHARS: usize = 1000;

/// A parsed CSV file: its header and rows, every row as long as the header.
#[derive(Debug)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// UTF-8 (with or without BOM), comma- or semicolon-separated, a header line and at least
/// one row. Anything else is refused with a message naming the line.
pub fn parse(bytes: &[u8]) -> DomainResult<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        DomainError::Invalid(
            "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.".into(),
        )
    })?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(&e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return invalid("The file has no header line naming its columns.");
    }
    if headers.len() > MAX_COLUMNS {
        return invalid(format!(
            "The file has {} columns; at most {MAX_COLUMNS} can be imported.",
            headers.len()
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| malformed(&e))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    if rows.is_empty() {
        return invalid("The file has a header line but no rows.");
    }
    Ok(Table { headers, rows })
}

fn malformed(e: &csv::Error) -> DomainError {
    let line = e
        .position()
        .map_or(String::new(), |p| format!(" on line {}", p.line()));
    let why = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("a row has {len} fields where the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    DomainError::Invalid(format!(
        "The file is not valid CSV{line}: {why}. Nothing was imported."
    ))
}

/// The list, when the user may import into it (their own).
pub fn importable_list(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    now: NaiveDateTime,
) -> DomainResult<ProspectList> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = prospects::list_by_id(conn, list_id)?.ok_or(DomainError::NotFound)?;
    viewer.may(list.owner_id, RecordAction::View)?;
    viewer.may(list.owner_id, RecordAction::Edit)?;
    Ok(list)
}

/// Stores an upload for the list (which must be the user's own) and returns the import id.
pub fn upload(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> DomainResult<i64> {
    let list = importable_list(conn, user, list_id, now)?;
    let table = parse(bytes)?;
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    Ok(db::insert(
        conn,
        list.id,
        user.id,
        file_name,
        &text,
        table.rows.len() as i32,
        now,
    )?)
}

/// An import of the user's own, or NotFound.
pub fn own_import(conn: &mut AnyConnection, user: &User, import_id: i64) -> DomainResult<Import> {
    match db::by_id(conn, import_id)? {
        Some(import) if import.owner_id == user.id => Ok(import),
        _ => Err(DomainError::NotFound),
    }
}

pub struct MappingView {
    pub import: Import,
    pub headers: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub my_fields: Vec<CustomField>,
    pub suggestions: Vec<String>,
}

pub fn mapping_view(
    conn: &mut AnyConnection,
    user: &User,
    import_id: i64,
) -> DomainResult<MappingView> {
    let import = own_import(conn, user, import_id)?;
    let table = parse(import.content.as_bytes())?;
    let my_fields = prospects::fields_of(conn, user.id)?;
    Ok(MappingView {
        suggestions: table
            .headers
            .iter()
            .map(|h| suggest(h, &my_fields))
            .collect(),
        preview: table.rows.into_iter().take(PREVIEW_ROWS).collect(),
        headers: table.headers,
        my_fields,
        import,
    })
}

/// Checks the mapping and queues the import. Returns the import id to run.
pub fn queue(
    conn: &mut AnyConnection,
    user: &User,
    import_id: i64,
    columns: Vec<Column>,
    now: NaiveDateTime,
) -> DomainResult<i64> {
    let import = own_import(conn, user, import_id)?;
    let table = parse(import.content.as_bytes())?;
    if columns.len() != table.headers.len() {
        return invalid("Choose where each column goes.");
    }
    if columns.iter().filter(|c| **c == Column::Email).count() != 1 {
        return invalid("Map exactly one column to Email.");
    }
    let mine: HashSet<i64> = prospects::fields_of(conn, user.id)?
        .iter()
        .map(|f| f.id)
        .collect();
    let mut targets = HashSet::new();
    for column in &columns {
        if let Column::Field(id) = column
            && !mine.contains(id)
        {
            return Err(DomainError::NotFound);
        }
        if *column != Column::Skip && !targets.insert(column.clone()) {
            return invalid("Two columns go to the same field; map each field once.");
        }
    }
    let mapping: Vec<String> = columns.iter().map(Column::encode).collect();
    if !db::queue(conn, import.id, &mapping.join("\n"), now)? {
        return invalid("This import has already been started.");
    }
    Ok(import.id)
}

/// A row that passed its checks, ready to write.
struct GoodRow {
    fields: ProspectFields,
    custom: Vec<(usize, String)>,
}

/// Runs a queued import to the end. Called by the background job.
pub fn run(
    conn: &mut AnyConnection,
    import_id: i64,
    now: impl Fn() -> NaiveDateTime,
) -> DomainResult<()> {
    let Some(import) = db::by_id(conn, import_id)? else {
        return Err(DomainError::NotFound);
    };
    if !db::transition(conn, import.id, "queued", "running", now())? {
        return Ok(());
    }
    match import_rows(conn, &import, &now) {
        Ok(()) => Ok(()),
        Err(e) => {
            let message = match &e {
                DomainError::Invalid(m) => m.clone(),
                other => {
                    log::error!("import {import_id} failed: {other}");
                    "The import failed because of an internal error.".into()
                }
            };
            db::finish(
                conn,
                import.id,
                "failed",
                0,
                0,
                &format!("{message} Nothing was imported."),
                now(),
            )?;
            Err(e)
        }
    }
}

const PROGRESS_EVERY: usize = 1000;

fn import_rows(
    conn: &mut AnyConnection,
    import: &Import,
    now: &impl Fn() -> NaiveDateTime,
) -> DomainResult<()> {
    let table = parse(import.content.as_bytes())?;
    let columns: Vec<Column> = import.mapping.lines().filter_map(Column::decode).collect();
    let mut seen: HashSet<String> = prospects::emails_in_list(conn, import.list_id)?
        .into_iter()
        .collect();
    let (mut good, mut problems, mut duplicates) = (Vec::new(), Vec::new(), 0);
    for (index, row) in table.rows.iter().enumerate() {
        // Line numbers as a spreadsheet shows them: the header is line 1.
        let line = index + 2;
        let cell = |target: &Column| -> &str {
            columns
                .iter()
                .position(|c| c == target)
                .map_or("", |i| row[i].as_str())
        };
        match parse_prospect(
            cell(&Column::Email),
            cell(&Column::FirstName),
            cell(&Column::LastName),
            cell(&Column::Company),
            cell(&Column::Position),
        ) {
            Err(e) => problems.push(format!("line {line}: {e}")),
            Ok(fields) if !seen.insert(fields.email.clone()) => duplicates += 1,
            Ok(fields) => {
                let custom: Vec<(usize, String)> = columns
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| {
                        matches!(c, Column::Field(_) | Column::NewField(_))
                            && !row[*i].trim().is_empty()
                    })
                    .map(|(i, _)| {
                        (
                            i,
                            row[i].trim().chars().take(MAX_CUSTOM_VALUE_CHARS).collect(),
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
    let imported = good.len() as i32;
    crate::db::write_transaction(conn, |conn| {
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
        let at = now();
        for row in &good {
            let id =
                prospects::insert_prospect(conn, import.list_id, import.owner_id, &row.fields, at)?;
            for (column, value) in &row.custom {
                if let Some(field_id) = field_ids[*column] {
                    prospects::insert_value(conn, id, field_id, value)?;
                }
            }
        }
        db::finish(
            conn,
            import.id,
            "done",
            imported,
            duplicates,
            &problems.join("\n"),
            now(),
        )?;
        Ok::<_, DomainError>(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comma_and_semicolon_with_bom() {
        let t = parse(b"\xEF\xBB\xBFemail;name\na@x.io;Ann\n").unwrap();
        assert_eq!(t.headers, ["email", "name"]);
        assert_eq!(t.rows, [["a@x.io", "Ann"]]);
        let t = parse(b"email,company\n\"b@x.io\",\"Acme, Inc\"\n").unwrap();
        assert_eq!(t.rows[0][1], "Acme, Inc");
    }

    #[test]
    fn refuses_malformed_files() {
        assert!(
            parse(b"email,name\na@x.io\n")
                .unwrap_err()
                .to_string()
                .contains("line 2")
        );
        assert!(parse(b"email\n").is_err());
        assert!(
            parse(b"\xff\xfe")
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
        assert!(parse(b"email,name\n\"a@x.io,Ann\n").is_err());
    }

    #[test]
    fn mapping_codes_round_trip() {
        for c in [
            Column::Skip,
            Column::Email,
            Column::Field(7),
            Column::NewField("Plan tier".into()),
        ] {
            assert_eq!(Column::decode(&c.encode()), Some(c));
        }
        assert_eq!(suggest("E-mail", &[]), "email");
        assert_eq!(suggest("Industry", &[]), "new");
    }
}
