//! The do-not-email list as CSV: the download (columns entry, reason, added_by, added_at;
//! written by the product's one CSV writer, `web::csv_download` over `csv_cells`, so formula
//! cells such as "@competitor.example" are neutralised) and the import (read by
//! `csv_import::parse`, the prospect import's reader, so an export reads back as written).
//!
//! Import rules: one address or "@domain" per row, from the column named `email` or `entry`
//! (any case) or else the first column; the first line is a header only when it names such
//! a column, otherwise it is a row too. Each bad row is reported with its line and value and
//! the good rows are added (reason manual, by the importer); an entry already on the list is
//! counted as such. A file that is not CSV (not UTF-8, uneven rows, …) changes nothing.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::csv_import;
use super::do_not_email::{Entry, list_owner, put};
use crate::db::do_not_email as db;
use crate::db::ids::UserId;
use crate::db::models::User;
use crate::db::values::{ActivityKind, DoNotEmailReason};
use crate::db::{AnyConnection, write_transaction};
use crate::domain::team::record_activity;
use crate::domain::{DomainError, DomainResult, policy};
use crate::text::count;

/// The download's header record.
pub const HEADER: [&str; 4] = ["entry", "reason", "added_by", "added_at"];

/// Bad rows listed in the import's report; the rest are counted.
const REPORTED_ROWS: usize = 20;

/// The rows of the list `viewer_id` uses, oldest first: the entry (a forgotten prospect's
/// SHA-256 digest in hex), the reason as the page words it, who added it, and when
/// (UTC, `YYYY-MM-DD HH:MM:SS`). Anyone who uses the list may download it, as they may see
/// it, except a member whose export toggle is off (`policy::may_download_do_not_email`:
/// `Forbidden`). The download is recorded in Team activity with its number of rows.
pub fn export_rows(
    conn: &mut AnyConnection,
    viewer: &User,
    now: NaiveDateTime,
) -> DomainResult<Vec<Vec<String>>> {
    let seat = crate::domain::team::team_seat(conn, viewer, now)?;
    policy::may_download_do_not_email(seat.as_ref())?;
    let list = list_owner(conn, viewer.id)?;
    let entries = db::all(conn, list)?;
    let detail = format!(
        "the do-not-email list: {}",
        count(entries.len() as i64, "row", "rows")
    );
    record_activity(conn, viewer.id, ActivityKind::Exported, "", &detail, now)?;
    Ok(entries
        .into_iter()
        .map(|(e, name)| {
            vec![
                e.entry.unwrap_or(e.digest),
                e.reason.label().to_string(),
                name,
                e.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            ]
        })
        .collect())
}

/// What an import did: counts and the bad rows' messages (line, value, why).
#[derive(Debug, Default)]
pub struct ImportReport {
    pub added: usize,
    pub already: usize,
    pub refused: Vec<String>,
}

impl ImportReport {
    /// "Imported: 2 added, 1 already on the list, 1 refused."
    pub fn summary(&self) -> String {
        let mut text = format!(
            "Imported: {} added, {} already on the list",
            self.added, self.already
        );
        if !self.refused.is_empty() {
            text.push_str(&format!(", {} refused", self.refused.len()));
        }
        text.push('.');
        text
    }

    /// The first bad rows' messages, and how many more there were.
    pub fn problems(&self) -> Vec<String> {
        let mut shown: Vec<String> = self.refused.iter().take(REPORTED_ROWS).cloned().collect();
        if self.refused.len() > REPORTED_ROWS {
            shown.push(format!(
                "… and {} more.",
                count(self.refused.len() - REPORTED_ROWS, "bad row", "bad rows")
            ));
        }
        shown
    }
}

/// Which column holds the entries, and whether line 1 was a header.
fn entry_column(headers: &[String]) -> (usize, bool) {
    headers
        .iter()
        .position(|h| {
            let h = h.trim().to_ascii_lowercase();
            h == "email" || h == "entry"
        })
        .map_or((0, false), |at| (at, true))
}

/// Imports `bytes` into the list `actor_id` uses (the leader and every member may add, as
/// by hand), in one transaction with its line of Team activity (what was added). Refusal: `Invalid` with the line and what is wrong when
/// the file is not CSV (nothing changes).
pub fn import(
    conn: &mut AnyConnection,
    actor_id: UserId,
    bytes: &[u8],
    now: NaiveDateTime,
) -> DomainResult<ImportReport> {
    let table = csv_import::parse(bytes)
        .map_err(|e| DomainError::Invalid(format!("{e} Nothing was imported.")))?;
    let (column, has_header) = entry_column(&table.headers);
    let mut rows: Vec<(usize, String)> = Vec::new();
    if !has_header {
        rows.push((1, table.headers.get(column).cloned().unwrap_or_default()));
    }
    rows.extend(table.rows.into_iter().map(|row| {
        let cell = row.cells.get(column).cloned().unwrap_or_default();
        (row.line, cell)
    }));
    let list = list_owner(conn, actor_id)?;
    write_transaction(conn, |conn| {
        // Known digests are counted, never inserted: on PostgreSQL a refused insert would
        // abort the whole transaction.
        let mut known: HashSet<String> = db::digests(conn, list)?.into_iter().collect();
        let mut report = ImportReport::default();
        for (line, cell) in rows {
            if cell.trim().is_empty() {
                continue;
            }
            let entry = match Entry::parse(&cell) {
                Ok(entry) => entry,
                Err(e) => {
                    report.refused.push(format!("Line {line}: {e}"));
                    continue;
                }
            };
            if !known.insert(entry.digest()) {
                report.already += 1;
                continue;
            }
            let added = put(
                conn,
                list,
                &entry,
                DoNotEmailReason::Manual,
                actor_id,
                None,
                now,
            )?;
            if added {
                report.added += 1;
            } else {
                report.already += 1;
            }
        }
        let detail = report.summary();
        record_activity(
            conn,
            actor_id,
            ActivityKind::DoNotEmailImported,
            "",
            &detail,
            now,
        )?;
        Ok::<_, DomainError>(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_column_is_named_or_the_first() {
        let names = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(entry_column(&names(&["name", "Email"])), (1, true));
        assert_eq!(entry_column(&names(&["entry", "reason"])), (0, true));
        assert_eq!(entry_column(&names(&["ann@a.example", "x"])), (0, false));
    }
}
