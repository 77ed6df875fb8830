//! The one place that turns errors into pages and status codes. The error policy:
//!
//! 1. No such record, or one the viewer may not know of: **404** page; the two look the same.
//! 2. Known but not allowed (policy's refusal, with its reason): **403** page; a stale or
//!    forged CSRF token is a 403 "Form expired" page, told apart by its title.
//! 3. A refusal the user can act on (`DomainError::refusal`: bad input, an expired or used
//!    link, a throttle, a spent pool or cap, a locked team): the **form shown again** with
//!    the message and what was typed, or a **flash and a redirect** back (`respond::finish`);
//!    where neither fits, a **400** page (**410** for an expired or used link).
//! 4. Anything else (database, SMTP, template, a failed task): **500** page that says only
//!    that something went wrong; the cause goes to the log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::page::PageContext;
use crate::db::DbError;
use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("log-in required")]
    LoginRequired { next: String },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("gone: {0}")]
    Gone(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound => AppError::NotFound,
            DomainError::Forbidden(m) => AppError::Forbidden(m),
            DomainError::Db(e) => AppError::Internal(e.to_string()),
            DomainError::Internal(m) => AppError::Internal(m),
            DomainError::Expired(m) | DomainError::AlreadyUsed(m) => AppError::Gone(m),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("blocking task: {e}"))
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    ctx: PageContext,
    title: &'static str,
    message: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::LoginRequired { next } = self {
            let target = format!("/login?next={}", url_escape(next));
            return HttpResponse::SeeOther()
                .insert_header(("Location", target))
                .finish();
        }
        if let AppError::Internal(cause) = self {
            log::error!("internal error: {cause}");
        }
        let (title, message) = self.page();
        error_page(self.status_code(), title, message, PageContext::bare())
    }
}

impl AppError {
    /// The error page's title and message: what the user may read (never an internal cause).
    pub fn page(&self) -> (&'static str, String) {
        match self {
            AppError::NotFound | AppError::LoginRequired { .. } => (
                "Page not found",
                "There is nothing here, or it is not yours to see.".to_string(),
            ),
            AppError::Forbidden(m) => ("Not allowed", m.clone()),
            AppError::Csrf => (
                "Form expired",
                "This form was not accepted because it is stale or did not come from dripteam. Go back, reload the page and try again.".to_string(),
            ),
            AppError::BadRequest(m) => ("That did not work", m.clone()),
            AppError::Gone(m) => ("No longer valid", m.clone()),
            AppError::Internal(_) => (
                "Something went wrong",
                "We could not complete this request. Please try again in a moment.".to_string(),
            ),
        }
    }
}

/// An error page with `status`, under the header `ctx` gives (bare here; the viewer's own
/// where `error_pages` could load them).
pub fn error_page(
    status: StatusCode,
    title: &'static str,
    message: String,
    ctx: PageContext,
) -> HttpResponse {
    let page = ErrorPage {
        ctx,
        title,
        message,
    };
    let body = page
        .render()
        .unwrap_or_else(|_| format!("<!doctype html><title>{title}</title><h1>{title}</h1>"));
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Percent-encodes a path for a query parameter.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
