//! CSV import into a prospect list: upload, map columns, queue. The background job runs
//! the import (`import_run`).
//!
//! Rows are checked first (progress is written as it goes), then every new custom field,
//! prospect and value is written in one transaction: a failure or a crash leaves the list
//! as it was. Invalid rows and duplicates within the list are skipped and reported.

use chrono::NaiveDateTime;

use super::csv_cells;
use super::import_errors::quoted;
use super::import_mapping;
pub use super::import_mapping::{Column, suggest};
pub use super::import_run::{ImportStatus, run};
use crate::db::models::{CustomField, Import, ProspectList, User};
use crate::db::{AnyConnection, imports as db, prospects};
use crate::domain::policy::RecordAction;
use crate::domain::prospects::Viewer;
use crate::domain::{DomainError, DomainResult, invalid};
use crate::text::count;

/// Rows of the file shown under each column on the mapping page.
pub const PREVIEW_ROWS: usize = 5;
const MAX_COLUMNS: usize = 100;

/// A parsed CSV file: its header and rows, every row as long as the header.
#[derive(Debug)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One record of the file with the line it starts on (1-based, the header is line 1).
#[derive(Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Finds the line (1-based) on which a record starts, from the byte position the csv crate
/// reports: just after the previous record's first terminator byte. (Its own line count is
/// one too low after a CRLF.) Skips the rest of the line break and any blank lines, then
/// counts line breaks (CRLF, LF or a lone CR) before the record, going forward only, so a
/// whole file costs one pass.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    breaks: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            counted_to: 0,
            breaks: 0,
        }
    }

    /// Where the record reported at `byte` starts: past the rest of the line break and
    /// any blank lines.
    fn record_start(&self, byte: u64) -> usize {
        let bytes = self.bytes;
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        start
    }

    /// The text of the line on which the record reported at `byte` starts.
    fn line_text(&self, byte: u64) -> String {
        let rest = &self.bytes[self.record_start(byte)..];
        let end = rest
            .iter()
            .position(|b| matches!(b, b'\r' | b'\n'))
            .unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end]).into_owned()
    }

    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.bytes;
        let start = self.record_start(byte);
        if start < self.counted_to {
            (self.counted_to, self.breaks) = (0, 0);
        }
        self.breaks += (self.counted_to..start)
            .filter(|&i| {
                bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            })
            .count();
        self.counted_to = start;
        1 + self.breaks
    }
}

/// UTF-8 (with or without BOM), comma- or semicolon-separated, a header line and at least
/// one row. Anything else is refused with a message naming the line. Every header and cell
/// goes through `csv_cells::restore`, so a dripteam export reads back as it was written.
pub fn parse(bytes: &[u8]) -> DomainResult<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))?;
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
        .map_err(|e| malformed(&mut LineCounter::new(text), &e))?
        .iter()
        .map(|h| csv_cells::restore(h.trim()).to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return invalid(
            "Line 1 names no columns: the first line must name them, for example email,first_name.",
        );
    }
    if headers.len() > MAX_COLUMNS {
        return invalid(format!(
            "Line 1: the header line has {} columns; at most {MAX_COLUMNS} can be imported.",
            headers.len()
        ));
    }
    let (mut rows, mut lines) = (Vec::new(), LineCounter::new(text));
    for record in reader.records() {
        let record = record.map_err(|e| malformed(&mut lines, &e))?;
        rows.push(Row {
            line: record.position().map_or(0, |p| lines.line_at(p.byte())),
            cells: record
                .iter()
                .map(|c| csv_cells::restore(c).to_string())
                .collect(),
        });
    }
    if rows.is_empty() {
        return invalid(format!(
            "The file has only its header line ({}): no rows to import.",
            quoted(first_line)
        ));
    }
    Ok(Table { headers, rows })
}

/// A record the csv reader refused: its line, its text and what is wrong with it.
fn malformed(lines: &mut LineCounter, e: &csv::Error) -> DomainError {
    let Some(at) = e.position().map(csv::Position::byte) else {
        return DomainError::Invalid(format!("The file is not valid CSV: {e}."));
    };
    let (line, text) = (lines.line_at(at), lines.line_text(at));
    let why = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{} has {} where the header line has {expected_len}.",
            quoted(&text),
            count(
                usize::try_from(*len).unwrap_or(usize::MAX),
                "field",
                "fields"
            )
        ),
        _ => format!("{} is not valid CSV ({e}).", quoted(&text)),
    };
    let quotes = if text.contains('"') {
        " Check its quotes: a quote that opens a cell must close it."
    } else {
        ""
    };
    DomainError::Invalid(format!("Line {line}: {why}{quotes}"))
}

/// The file is not UTF-8 from byte `valid_up_to` on: the line, the text before it on that
/// line, and the first byte that is not UTF-8.
fn not_utf8(bytes: &[u8], valid_up_to: usize) -> DomainError {
    let before = &bytes[..valid_up_to];
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let text = String::from_utf8_lossy(&before[line_start..]);
    let byte = bytes.get(valid_up_to).copied().unwrap_or_default();
    let place = if text.is_empty() {
        format!("Line {line} starts with text that")
    } else {
        format!("Line {line}: the text after {}", quoted(&text))
    };
    DomainError::Invalid(format!(
        "{place} is not UTF-8 (byte 0x{byte:02X}). Save the file as “CSV UTF-8” and upload it again."
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
    let table = parse(bytes).map_err(|e| match e {
        DomainError::Invalid(m) => DomainError::Invalid(format!("{m} Nothing was imported.")),
        other => other,
    })?;
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
    let import = db::by_id(conn, import_id)?.ok_or(DomainError::NotFound)?;
    crate::domain::policy::may_use_import(user.id, import.owner_id)?;
    Ok(import)
}

/// The mapping page of an uploaded import: its columns, a preview, the importer's custom
/// fields and each column's choice.
pub struct MappingView {
    pub import: Import,
    pub headers: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub my_fields: Vec<CustomField>,
    /// The choice selected for each column: the page's guess, or what was sent.
    pub suggestions: Vec<String>,
    /// The new-field name shown under each column: its header, or what was typed.
    pub names: Vec<String>,
}

/// The mapping page of import `import_id`. Refusals: `NotFound` for someone else's import
/// (or none), `Invalid` when the stored file no longer parses.
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
        preview: table
            .rows
            .into_iter()
            .take(PREVIEW_ROWS)
            .map(|r| r.cells)
            .collect(),
        names: table.headers.clone(),
        headers: table.headers,
        my_fields,
        import,
    })
}

/// Checks the mapping (`import_mapping::check`: one target per column, fields of the
/// user's own) and queues the import. Returns the import id for the background job.
/// Refusals: `Invalid` with a message (nothing queued), `NotFound` for someone else's
/// import or custom field.
pub fn queue(
    conn: &mut AnyConnection,
    user: &User,
    import_id: i64,
    columns: Vec<Column>,
    now: NaiveDateTime,
) -> DomainResult<i64> {
    let import = own_import(conn, user, import_id)?;
    let table = parse(import.content.as_bytes())?;
    let columns = import_mapping::check(conn, user.id, &table.headers, columns)?;
    if !db::queue(conn, import.id, &import_mapping::encode(&columns), now)? {
        return Err(DomainError::AlreadyUsed(
            "This import has already been started.".into(),
        ));
    }
    Ok(import.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comma_and_semicolon_with_bom() {
        let t = parse(b"\xEF\xBB\xBFemail;name\na@x.io;Ann\n").unwrap();
        assert_eq!(t.headers, ["email", "name"]);
        assert_eq!(
            t.rows,
            [Row {
                line: 2,
                cells: vec!["a@x.io".into(), "Ann".into()]
            }]
        );
        let t = parse(b"email,company\n\"b@x.io\",\"Acme, Inc\"\n").unwrap();
        assert_eq!(t.rows[0].cells[1], "Acme, Inc");
        let t = parse(b"'+Score,x\n'=1,''@2\n").unwrap();
        assert_eq!(t.headers, ["+Score", "x"]);
        assert_eq!(t.rows[0].cells, ["=1", "'@2"]);
    }

    #[test]
    fn refuses_malformed_files() {
        assert!(
            parse(b"email,name\na@x.io\n")
                .unwrap_err()
                .to_string()
                .contains("Line 2: 'a@x.io' has 1 field where the header line has 2.")
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
    fn rows_know_their_line_with_any_line_break() {
        let lines = |text: &[u8]| -> Vec<usize> {
            parse(text).unwrap().rows.iter().map(|r| r.line).collect()
        };
        assert_eq!(lines(b"e,n\na,1\n\"b\nx\",2\n\nc,3\n"), [2, 3, 6]);
        assert_eq!(
            lines(b"e,n\r\na,1\r\n\"b\r\nx\",2\r\n\r\nc,3\r\n"),
            [2, 3, 6]
        );
        assert_eq!(lines(b"e,n\ra,1\rb,2"), [2, 3]);
        assert!(
            parse(b"e,n\r\na,1\r\nb,2,3\r\n")
                .unwrap_err()
                .to_string()
                .contains("Line 3: 'b,2,3' has 3 fields")
        );
    }
}
