//! The do-not-email list page (under Prospects): its entries a page at a time, the form that
//! adds an address or a domain, the leader's Remove buttons, and the list as CSV: the
//! download and the import (a multipart upload, read like the prospect import's).

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::csv_download;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields, check_csrf};
use super::imports::read_upload;
use super::navigation::redirect;
use super::page::FlashKind;
use super::page::PageContext;
use super::respond::{Refused, finish, flash, refused, render};
use crate::domain::paging::PageNumber;
use crate::domain::prospects::do_not_email::{self, Entry, ListView};
use crate::domain::prospects::do_not_email_csv::{self, ImportReport};

/// The list page's address.
pub const DO_NOT_EMAIL: &str = "/prospects/do-not-email";

#[derive(Template)]
#[template(path = "prospects/do_not_email.html")]
struct ListTemplate {
    ctx: PageContext,
    view: ListView,
    /// The entry as typed, when it was refused.
    refused: Option<Refused<String>>,
    /// After an upload: the bad rows, or why nothing was imported.
    imported: Imported,
}

/// What the import form shows after an upload.
#[derive(Default)]
struct Imported {
    /// Each bad row: its line, its value and why.
    problems: Vec<String>,
    /// Why the file was refused as a whole (nothing changed).
    error: Option<String>,
}

impl Imported {
    /// What the form shows after an upload; the counts of a taken file go in a success flash.
    fn after(session: &Session, outcome: Result<ImportReport, String>) -> Self {
        match outcome {
            Ok(report) => {
                flash(session, FlashKind::Success, report.summary());
                Imported {
                    problems: report.problems(),
                    error: None,
                }
            }
            Err(message) => Imported {
                problems: Vec::new(),
                error: Some(message),
            },
        }
    }
}

impl ListTemplate {
    fn typed(&self) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed.as_str())
    }
}

async fn list_answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    page: PageNumber,
    refused: Option<Refused<String>>,
    imported: Imported,
) -> Result<HttpResponse, AppError> {
    let viewer = user.user.id;
    let view = state
        .db(move |conn| do_not_email::view(conn, viewer, page))
        .await?;
    render(&ListTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        view,
        refused,
        imported,
    })
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

#[get("/prospects/do-not-email")]
async fn list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = PageNumber::parse(query.page.as_deref());
    list_answer(&state, &session, &user, page, None, Imported::default()).await
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    entry: String,
}

/// Adds an entry; a refused one is shown again at the form with what was typed.
#[post("/prospects/do-not-email")]
async fn add(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<AddForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, now) = (user.user.id, state.clock.now());
    let outcome = match Entry::parse(&form.entry) {
        Ok(entry) => {
            state
                .db(move |conn| do_not_email::add(conn, actor, &entry, now))
                .await
        }
        Err(refusal) => Err(refusal),
    };
    match refused(outcome)? {
        Ok(message) => {
            flash(&session, FlashKind::Success, message);
            Ok(redirect(DO_NOT_EMAIL))
        }
        Err(message) => {
            let refused = Some(Refused::new(form.entry, message));
            let first = PageNumber::parse(None);
            list_answer(&state, &session, &user, first, refused, Imported::default()).await
        }
    }
}

#[post("/prospects/do-not-email/{id}/remove")]
async fn remove(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now) = (user.user.id, path.into_inner(), state.clock.now());
    let outcome = state
        .db(move |conn| do_not_email::remove(conn, actor, id, now))
        .await;
    finish(&session, outcome, DO_NOT_EMAIL)
}

/// The list as CSV (`do_not_email_csv::HEADER`), by the product's one CSV writer.
#[get("/prospects/do-not-email.csv")]
async fn download_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (viewer, now) = (user.user, state.clock.now());
    let rows = state
        .db(move |conn| do_not_email_csv::export_rows(conn, &viewer, now))
        .await?;
    Ok(csv_download::table(
        "do-not-email",
        &do_not_email_csv::HEADER,
        &rows,
    ))
}

/// Imports an uploaded CSV file: the list page with the counts as a flash and the bad rows
/// at the form, or the reason the file was refused (nothing changed).
#[post("/prospects/do-not-email/import")]
async fn import_csv(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    body: Multipart,
) -> Result<HttpResponse, AppError> {
    let upload = read_upload(body, state.settings.import_max_bytes).await?;
    check_csrf(&session, &upload.csrf_token)?;
    let (actor, now) = (user.user.id, state.clock.now());
    let outcome = state
        .run(upload.content, move |conn, bytes| {
            do_not_email_csv::import(conn, actor, &bytes, now)
        })
        .await;
    let shown = Imported::after(&session, refused(outcome)?);
    list_answer(
        &state,
        &session,
        &user,
        PageNumber::parse(None),
        None,
        shown,
    )
    .await
}
