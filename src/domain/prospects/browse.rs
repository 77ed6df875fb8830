//! One list's page: its prospects searched, sorted and a page at a time, all in SQL, with
//! a column per custom field used in the list. What the URL asks for (`?q=`, `?sort=`,
//! `?dir=`, `?page=`) is parsed into a `ListQuery`; a value that is not understood means
//! the default, so no request is refused for it and no user text reaches SQL as such.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::lists::{Viewer, list_for};
use super::verification_run::{self, Progress};
use crate::db::models::{Prospect, ProspectList, User};
use crate::db::prospects::{self as db, ProspectOrder};
use crate::db::{AnyConnection, accounts};
use crate::domain::DomainResult;
use crate::domain::campaigns::contacting::Contacts;
use crate::domain::paging::{PageNumber, Pages};
use crate::domain::policy::RecordAction;

/// Prospects shown per page of a list.
pub const PAGE_SIZE: i64 = 100;

/// Characters of a search kept (the rest is ignored).
const MAX_SEARCH_CHARS: usize = 200;

/// A column the prospects table can be sorted by, as named in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Email,
    Name,
    Company,
    Added,
}

impl SortColumn {
    /// The name in URLs: `email`, `name`, `company`, `added`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Email => "email",
            SortColumn::Name => "name",
            SortColumn::Company => "company",
            SortColumn::Added => "added",
        }
    }

    fn order(self) -> ProspectOrder {
        match self {
            SortColumn::Email => ProspectOrder::Email,
            SortColumn::Name => ProspectOrder::Name,
            SortColumn::Company => ProspectOrder::Company,
            SortColumn::Added => ProspectOrder::Added,
        }
    }
}

/// What a list page shows: a search (`q`, as typed, trimmed), the sort column and
/// direction, and the page asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub q: String,
    pub sort: SortColumn,
    pub descending: bool,
    pub page: PageNumber,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery::parse(None, None, None, None)
    }
}

impl ListQuery {
    /// Parses the URL's `q`, `sort` (`email`, `name`, `company` or `added`), `dir` (`asc`
    /// or `desc`) and `page`. Never a refusal: a missing or unknown value means the default
    /// (no search, `added`, `asc`, page 1); a search is cut to 200 characters.
    pub fn parse(
        q: Option<&str>,
        sort: Option<&str>,
        dir: Option<&str>,
        page: Option<&str>,
    ) -> Self {
        let sort = match sort.unwrap_or_default() {
            "email" => SortColumn::Email,
            "name" => SortColumn::Name,
            "company" => SortColumn::Company,
            _ => SortColumn::Added,
        };
        ListQuery {
            q: q.unwrap_or_default()
                .trim()
                .chars()
                .take(MAX_SEARCH_CHARS)
                .collect(),
            sort,
            descending: dir == Some("desc"),
            page: PageNumber::parse(page),
        }
    }

    /// The direction in URLs: `asc` or `desc`.
    pub fn dir(&self) -> &'static str {
        if self.descending { "desc" } else { "asc" }
    }
}

/// A prospect with its custom values, one per column of `ListPage::fields` (empty when
/// it has none).
pub struct ProspectRow {
    pub prospect: Prospect,
    pub values: Vec<String>,
    /// "contacted by a teammate" (or by whom, as the viewer's records layer allows) when a
    /// teammate of the viewer is contacting the address (`campaigns::contacting`).
    pub contacted: Option<String>,
}

/// One list's page: the prospects matching the search, sorted, one page of them.
pub struct ListPage {
    pub list: ProspectList,
    pub owner_name: String,
    /// Policy's answer: the viewer may change these records (their own); else read only.
    pub may_edit: bool,
    pub may_export: bool,
    /// Policy's answer: the viewer may verify the list (spending their credits).
    pub may_verify: bool,
    /// The list's verification: a run in progress, the last run's end, the verdict counts.
    pub verification: Progress,
    /// Prospects in the list, whatever the search.
    pub total: i64,
    pub query: ListQuery,
    /// The page shown within the prospects matching the search.
    pub pages: Pages,
    /// The names of the custom fields with a value in the list, one column each.
    pub fields: Vec<String>,
    pub rows: Vec<ProspectRow>,
}

/// The page of list `list_id` that `query` asks for (a page past the end is the last).
/// Refusal: `NotFound` for a list the viewer may not see (or none).
pub fn list_page(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    query: ListQuery,
    now: NaiveDateTime,
) -> DomainResult<ListPage> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = list_for(conn, &viewer, list_id, RecordAction::View)?;
    let matching = db::count_matching(conn, list.id, &query.q)?;
    let pages = Pages::new(query.page, PAGE_SIZE, matching);
    let order = (query.sort.order(), query.descending);
    let prospects =
        db::prospects_matching(conn, list.id, &query.q, order, (pages.offset(), PAGE_SIZE))?;
    let fields = db::fields_in_list(conn, list.id)?;
    let ids: Vec<i64> = prospects.iter().map(|p| p.id).collect();
    let values: HashMap<(i64, i64), String> = db::values_for(conn, &ids)?
        .into_iter()
        .map(|(prospect, field, value)| ((prospect, field), value))
        .collect();
    let emails: Vec<String> = prospects.iter().map(|p| p.email.clone()).collect();
    let contacts = Contacts::of(conn, user, &emails, now)?;
    let rows = prospects
        .into_iter()
        .map(|prospect| ProspectRow {
            contacted: contacts.describe(&prospect.email),
            values: fields
                .iter()
                .map(|(field, _)| {
                    values
                        .get(&(prospect.id, *field))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect(),
            prospect,
        })
        .collect();
    Ok(ListPage {
        owner_name: accounts::user_by_id(conn, list.owner_id)?.name,
        may_edit: viewer.allowed(list.owner_id, RecordAction::Edit),
        may_export: viewer.allowed(list.owner_id, RecordAction::Export),
        may_verify: viewer.allowed(list.owner_id, RecordAction::Verify),
        verification: verification_run::progress(conn, list.id)?,
        total: db::count_in_list(conn, list.id)?,
        query,
        pages,
        fields: fields.into_iter().map(|(_, name)| name).collect(),
        rows,
        list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_sort_and_direction_mean_the_defaults() {
        let hostile = ListQuery::parse(
            Some("  ann  "),
            Some("email; DROP TABLE prospects"),
            Some("up"),
            Some("-1"),
        );
        assert_eq!(
            hostile,
            ListQuery {
                q: "ann".into(),
                ..ListQuery::default()
            }
        );
        let asked = ListQuery::parse(None, Some("company"), Some("desc"), Some("2"));
        assert_eq!((asked.sort, asked.dir()), (SortColumn::Company, "desc"));
        assert_eq!(asked.page, PageNumber::parse(Some("2")));
    }
}
