//! Prospects: the lists page with the member picker, a list's forms (rename, delete, add a
//! prospect; the list's page itself is `prospect_list`), and its CSV export.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::csv_download;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::prospect_list::list_answer;
use super::respond::{Refused, created, finish, refused, render};
use crate::db::models::ProspectList;
use crate::domain::prospects::export as list_export;
use crate::domain::prospects::{self, ListName, ListQuery, ListsPage, parse_prospect};
use crate::domain::submissions::FormKind;
use crate::domain::{DomainError, DomainResult, UserId};

#[derive(Deserialize)]
struct MemberQuery {
    member: Option<UserId>,
}

#[derive(Template)]
#[template(path = "prospects/lists.html")]
struct ListsTemplate {
    ctx: PageContext,
    page: ListsPage,
    /// The new list's name as typed, when it was refused.
    refused: Option<Refused<String>>,
}

impl ListsTemplate {
    fn typed_name(&self) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed.as_str())
    }
}

async fn lists_answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    member: Option<UserId>,
    refused: Option<Refused<String>>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let page = state
        .db(move |conn| prospects::lists_page(conn, &account, member, now))
        .await?;
    render(&ListsTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        page,
        refused,
    })
}

#[get("/prospects")]
async fn lists_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<MemberQuery>,
) -> Result<HttpResponse, AppError> {
    lists_answer(&state, &session, &user, query.member, None).await
}

#[derive(Deserialize)]
struct ListNameForm {
    name: String,
    /// The one-time token of a creating form (`domain::submissions`); rename has none.
    #[serde(default)]
    form_token: String,
}

const LIST_CREATED: &str = "List created. Add prospects or import a CSV file.";

#[post("/prospects/lists")]
async fn create_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<ListNameForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let parsed = (ListName::parse(&form.name), form.form_token.as_str());
    let outcome = state
        .create_once(
            user.id(),
            FormKind::List,
            parsed,
            move |conn, name| prospects::create_list(conn, &account, name, now),
            |id| Some(*id),
        )
        .await;
    let list_url = |id: i64| format!("/prospects/lists/{id}");
    let done = |id| finish(&session, Ok(LIST_CREATED.into()), &list_url(id));
    let again = |id: Option<i64>| id.map_or("/prospects".into(), list_url);
    match created(&session, outcome, done, again)? {
        Ok(answer) => Ok(answer),
        Err(message) => {
            let refused = Some(Refused::new(form.name, message));
            lists_answer(&state, &session, &user, None, refused).await
        }
    }
}

#[post("/prospects/lists/{id}/rename")]
async fn rename_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ListNameForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(ListName::parse(&form.name), move |conn, name| {
            prospects::rename_list(conn, &account, id, name, now)
        })
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), &format!("/prospects/lists/{id}")),
        Err(message) => {
            let renamed = Some(Refused::new(form.name, message));
            list_answer(
                &state,
                &session,
                &user,
                id,
                ListQuery::default(),
                None,
                renamed,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "prospects/confirm_delete_list.html")]
struct ConfirmDeleteList {
    ctx: PageContext,
    list: ProspectList,
    count: i64,
}

#[get("/prospects/lists/{id}/delete")]
async fn confirm_delete_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let (list, count) = state
        .db(move |conn| prospects::list_to_delete(conn, &account, id, now))
        .await?;
    render(&ConfirmDeleteList {
        ctx: PageContext::new(&session, &state, Some(&user)),
        list,
        count,
    })
}

#[post("/prospects/lists/{id}/delete")]
async fn delete_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    let outcome = state
        .db(move |conn| prospects::delete_list(conn, &account, id, now))
        .await;
    if matches!(outcome, Err(DomainError::NotFound)) {
        return Err(AppError::NotFound);
    }
    finish(&session, outcome, "/prospects")
}

#[derive(Deserialize)]
pub struct ProspectForm {
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub position: String,
    /// IANA time zone name; empty: none.
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub form_token: String,
}

impl ProspectForm {
    pub fn parse(&self) -> DomainResult<crate::db::models::ProspectFields> {
        parse_prospect(
            &self.email,
            &self.first_name,
            &self.last_name,
            &self.company,
            &self.position,
            &self.timezone,
        )
    }
}

#[post("/prospects/lists/{id}/prospects")]
async fn add_prospect(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ProspectForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let back = format!("/prospects/lists/{id}");
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .create_once(
            user.id(),
            FormKind::Prospect,
            (form.parse(), &form.form_token),
            move |conn, fields| prospects::add_prospect(conn, &account, id, fields, now),
            |_| None,
        )
        .await;
    // A refused prospect is shown again as typed, with the reason.
    let done = |message| finish(&session, Ok(message), &back);
    let message = match created(&session, outcome, done, |_| back.clone())? {
        Ok(answer) => return Ok(answer),
        Err(message) => message,
    };
    let typed = Some(Refused::new(form, message));
    let query = ListQuery::default();
    list_answer(&state, &session, &user, id, query, typed, None).await
}

/// The list as CSV, written in batches so that a large list never sits in memory.
#[get("/prospects/lists/{id}/export.csv")]
async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user, state.clock.now(), path.into_inner());
    let plan = std::sync::Arc::new(
        state
            .db(move |conn| list_export::plan_export(conn, &account, id, now))
            .await?,
    );
    let stem = plan.list.name.clone();
    let header = plan.header();
    Ok(csv_download::batched(&stem, &header, move |after| {
        let (state, plan) = (state.clone(), plan.clone());
        async move {
            state
                .db(move |conn| list_export::export_batch(conn, &plan, after))
                .await
        }
    }))
}
