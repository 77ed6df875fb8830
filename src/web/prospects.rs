//! Prospects: the lists page with the member picker, a list, and its CSV export.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::csv_download;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::{FlashKind, PageContext};
use super::respond::{finish, flash, refused, render};
use crate::db::models::ProspectList;
use crate::domain::prospects::export as list_export;
use crate::domain::prospects::{self, ListName, ListPage, ListsPage, parse_prospect};
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
}

#[get("/prospects")]
async fn lists_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<MemberQuery>,
) -> Result<HttpResponse, AppError> {
    let (account, now, member) = (user.user.clone(), state.clock.now(), query.member);
    let page = state
        .db(move |conn| prospects::lists_page(conn, &account, member, now))
        .await?;
    render(&ListsTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        page,
    })
}

#[derive(Deserialize)]
struct ListNameForm {
    name: String,
}

#[post("/prospects/lists")]
async fn create_list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<ListNameForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome: DomainResult<i64> = state
        .run(ListName::parse(&form.name), move |conn, name| {
            prospects::create_list(conn, &account, name, now)
        })
        .await;
    match outcome {
        Ok(id) => finish(
            &session,
            Ok("List created. Add prospects or import a CSV file.".into()),
            &format!("/prospects/lists/{id}"),
        ),
        Err(e) => finish(&session, Err(e), "/prospects"),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    after: Option<i64>,
}

#[derive(Template)]
#[template(path = "prospects/list.html")]
struct ListTemplate {
    ctx: PageContext,
    page: ListPage,
    /// The add-prospect form as typed, when it was refused.
    typed: Option<ProspectForm>,
}

impl ListTemplate {
    /// The add-prospect form's `field` as typed before a refusal; empty otherwise.
    fn typed(&self, field: &str) -> &str {
        let Some(form) = &self.typed else { return "" };
        match field {
            "email" => &form.email,
            "first_name" => &form.first_name,
            "last_name" => &form.last_name,
            "company" => &form.company,
            "position" => &form.position,
            _ => "",
        }
    }
}

#[get("/prospects/lists/{id}")]
async fn list_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id, after) = (
        user.user.clone(),
        state.clock.now(),
        path.into_inner(),
        query.after.unwrap_or(0),
    );
    let page = state
        .db(move |conn| prospects::list_page(conn, &account, id, after, now))
        .await?;
    render(&ListTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        page,
        typed: None,
    })
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
    let (account, now) = (user.user, state.clock.now());
    let outcome = state
        .run(ListName::parse(&form.name), move |conn, name| {
            prospects::rename_list(conn, &account, id, name, now)
        })
        .await;
    finish(&session, outcome, &format!("/prospects/lists/{id}"))
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
}

impl ProspectForm {
    pub fn parse(&self) -> DomainResult<crate::db::models::ProspectFields> {
        parse_prospect(
            &self.email,
            &self.first_name,
            &self.last_name,
            &self.company,
            &self.position,
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
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(form.parse(), move |conn, fields| {
            prospects::add_prospect(conn, &account, id, fields, now)
        })
        .await;
    // A refused prospect is shown again as typed, with the reason.
    let reason = match refused(outcome)? {
        Ok(message) => return finish(&session, Ok(message), &format!("/prospects/lists/{id}")),
        Err(reason) => reason,
    };
    let (account, now) = (user.user.clone(), state.clock.now());
    let page = state
        .db(move |conn| prospects::list_page(conn, &account, id, 0, now))
        .await?;
    flash(&session, FlashKind::Error, reason);
    render(&ListTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        page,
        typed: Some(form),
    })
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
