//! One prospect list's page: its prospects searched, sorted and a page at a time, with the
//! rename and add-prospect forms shown again as typed when refused.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CurrentUser};
use super::page::PageContext;
use super::prospects::ProspectForm;
use super::respond::{Refused, render};
use crate::db::values::VerificationStatus;
use crate::domain::prospects::{self, ListPage, ListQuery, SortColumn};

/// The list page's URL parameters as sent; `ListQuery::parse` reads them.
#[derive(Deserialize)]
struct PageQuery {
    q: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "prospects/list.html")]
struct ListTemplate {
    ctx: PageContext,
    page: ListPage,
    /// The add-prospect form as typed, when it was refused.
    typed: Option<Refused<ProspectForm>>,
    /// The new name as typed, when the rename was refused.
    renamed: Option<Refused<String>>,
}

impl ListTemplate {
    /// The add-prospect form's `field` as typed before a refusal; empty otherwise.
    fn typed(&self, field: &str) -> &str {
        let Some(Refused { typed: form, .. }) = &self.typed else {
            return "";
        };
        match field {
            "email" => &form.email,
            "first_name" => &form.first_name,
            "last_name" => &form.last_name,
            "company" => &form.company,
            "position" => &form.position,
            "timezone" => &form.timezone,
            _ => "",
        }
    }

    /// The name shown in the rename form: as typed before a refusal, else the list's.
    fn name_in_form(&self) -> &str {
        self.renamed
            .as_ref()
            .map_or(self.page.list.name.as_str(), |r| r.typed.as_str())
    }

    /// This list's URL with the search kept, sorted by `sort` and showing `page`.
    fn link(&self, sort: SortColumn, dir: &str, page: i64) -> String {
        let q = &self.page.query.q;
        let mut pairs = vec![("sort", sort.as_str()), ("dir", dir)];
        if !q.is_empty() {
            pairs.insert(0, ("q", q.as_str()));
        }
        let page = page.to_string();
        pairs.push(("page", &page));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("/prospects/lists/{}?{query}", self.page.list.id)
    }

    /// Page `page` of the current search and sort.
    fn page_link(&self, page: &i64) -> String {
        let query = &self.page.query;
        self.link(query.sort, query.dir(), *page)
    }

    /// The column header's link: sorts by `column`, ascending unless it is the current
    /// ascending sort; back to page 1.
    fn sort_link(&self, column: &str) -> String {
        let query = &self.page.query;
        let column = ListQuery::parse(None, Some(column), None, None).sort;
        let dir = if column == query.sort && !query.descending {
            "desc"
        } else {
            "asc"
        };
        self.link(column, dir, 1)
    }
}

/// The list page, with a refused form shown again.
pub(super) async fn list_answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i64,
    query: ListQuery,
    typed: Option<Refused<ProspectForm>>,
    renamed: Option<Refused<String>>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let page = state
        .db(move |conn| prospects::list_page(conn, &account, id, query, now))
        .await?;
    render(&ListTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        page,
        typed,
        renamed,
    })
}

#[get("/prospects/lists/{id}")]
pub async fn list_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let query = ListQuery::parse(
        query.q.as_deref(),
        query.sort.as_deref(),
        query.dir.as_deref(),
        query.page.as_deref(),
    );
    list_answer(
        &state,
        &session,
        &user,
        path.into_inner(),
        query,
        None,
        None,
    )
    .await
}
