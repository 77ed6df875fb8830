//! The one way dripteam writes a CSV record, and how its import reads cells back.
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, TAB or CR as a formula
//! ("CSV injection"; OWASP, <https://owasp.org/www-community/attacks/CSV_Injection>). Every
//! cell written here that begins with one of those gets a leading `'`, which spreadsheets
//! take as "text". A cell that already is apostrophes followed by such a character gets one
//! more, so that [`restore`] (used by every import) gives back exactly what was written:
//! an export imported again holds the same values.

use std::borrow::Cow;

/// The UTF-8 byte order mark, first in every CSV dripteam writes, so that spreadsheet
/// programs read the file as UTF-8 ("María", not "MarÃ­a").
pub const BOM: &str = "\u{feff}";

/// The characters that make a spreadsheet evaluate a cell (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` is zero or more apostrophes followed by a formula character.
fn needs_prefix(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The cell as written: `'` + cell when it could be taken for a formula, else unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if needs_prefix(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The inverse of [`neutralise`], applied to every imported header and cell: one leading
/// `'` is removed from apostrophes followed by a formula character (`'=1+1` → `=1+1`,
/// `''=x` → `'=x`); any other cell is unchanged.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_prefix(rest) => rest,
        _ => cell,
    }
}

/// One CSV record (RFC 4180 quoting, CRLF line end) of neutralised cells.
pub fn record<S: AsRef<str>>(cells: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every cell is valid UTF-8.
    let _ = writer.write_record(cells.iter().map(|c| neutralise(c.as_ref()).into_owned()));
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Several records, in order, as one text.
pub fn records<S: AsRef<str>>(rows: &[Vec<S>]) -> String {
    rows.iter().map(|row| record(row)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_prefix_and_come_back() {
        for (cell, written) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''-1", "'''-1"),
            ("'quoted", "'quoted"),
            ("María", "María"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{written:?}");
        }
    }

    #[test]
    fn records_are_quoted_and_end_with_crlf() {
        assert_eq!(
            record(&["a,b", "=1", "say \"hi\""]),
            "\"a,b\",'=1,\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(records(&[vec!["x"], vec!["@y"]]), "x\r\n'@y\r\n");
    }
}
