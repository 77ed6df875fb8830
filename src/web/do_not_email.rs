//! The do-not-email list page (under Prospects): its entries a page at a time, the form that
//! adds an address or a domain, and the leader's Remove buttons.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::navigation::redirect;
use super::page::FlashKind;
use super::page::PageContext;
use super::respond::{Refused, finish, flash, refused, render};
use crate::domain::paging::PageNumber;
use crate::domain::prospects::do_not_email::{self, Entry, ListView};

/// The list page's address.
pub const DO_NOT_EMAIL: &str = "/prospects/do-not-email";

#[derive(Template)]
#[template(path = "prospects/do_not_email.html")]
struct ListTemplate {
    ctx: PageContext,
    view: ListView,
    /// The entry as typed, when it was refused.
    refused: Option<Refused<String>>,
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
) -> Result<HttpResponse, AppError> {
    let viewer = user.user.id;
    let view = state
        .db(move |conn| do_not_email::view(conn, viewer, page))
        .await?;
    render(&ListTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        view,
        refused,
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
    list_answer(&state, &session, &user, page, None).await
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
            list_answer(&state, &session, &user, PageNumber::parse(None), refused).await
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
    let (actor, id) = (user.user.id, path.into_inner());
    let outcome = state
        .db(move |conn| do_not_email::remove(conn, actor, id))
        .await;
    finish(&session, outcome, DO_NOT_EMAIL)
}
