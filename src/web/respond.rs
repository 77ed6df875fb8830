//! How a handler answers, by the error policy written in `errors`: render a page, end a
//! form with a flash message and a redirect, or split an outcome into a value and the
//! refusal a form shows again.

use actix_session::Session;
use actix_web::HttpResponse;

use super::errors::AppError;
use super::extract::SESSION_FLASH;
use super::navigation::redirect;
use super::page::{Flash, FlashKind};
use crate::domain::DomainError;
use crate::domain::submissions::{ALREADY_SENT, Submission};

/// Keeps a message for the next page the browser shows (one page only).
pub fn flash(session: &Session, kind: FlashKind, text: impl Into<String>) {
    let _ = session.insert(
        SESSION_FLASH,
        Flash {
            kind,
            text: text.into(),
        },
    );
}

/// Ends a form handler by the error policy (`errors`): success or a refusal
/// (`DomainError::refusal`) become a flash message and a redirect to `to`; "not allowed" is
/// a 403 page, "not found" a 404 page, the rest a 500.
pub fn finish(
    session: &Session,
    outcome: Result<String, DomainError>,
    to: &str,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(message) => {
            if !message.is_empty() {
                flash(session, FlashKind::Success, message);
            }
            Ok(redirect(to))
        }
        Err(e) => match e.refusal() {
            Some(message) => {
                flash(session, FlashKind::Error, message);
                Ok(redirect(to))
            }
            None => Err(e.into()),
        },
    }
}

/// Ends a creating form sent a second time with the same one-time token: nothing was
/// created now; the browser goes to what the first POST created (`to`), told so.
pub fn already_sent(session: &Session, to: &str) -> HttpResponse {
    flash(session, FlashKind::Success, ALREADY_SENT);
    redirect(to)
}

/// Ends a creating form (`AppState::create_once`): the first POST is answered by `done`; a
/// second POST with the same token is sent to `again(created_id)`, told so
/// (`already_sent`); a refusal comes back as `Err(message)` for the page to show the form
/// again with what was typed; not found, not allowed and failures are `AppError` pages.
pub fn created<T>(
    session: &Session,
    outcome: Result<Submission<T>, DomainError>,
    done: impl FnOnce(T) -> Result<HttpResponse, AppError>,
    again: impl FnOnce(Option<i64>) -> String,
) -> Result<Result<HttpResponse, String>, AppError> {
    Ok(match refused(outcome)? {
        Ok(Submission::Done(value)) => Ok(done(value)?),
        Ok(Submission::AlreadySent { created_id }) => Ok(already_sent(session, &again(created_id))),
        Err(message) => Err(message),
    })
}

/// Splits an outcome by the error policy: `Ok(Ok(value))` on success, `Ok(Err(message))` for
/// a refusal the page shows again with what was typed (`DomainError::refusal`), and an
/// `AppError` page for not found, not allowed and internal failures.
pub fn refused<T>(outcome: Result<T, DomainError>) -> Result<Result<T, String>, AppError> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(e) => match e.refusal() {
            Some(message) => Ok(Err(message)),
            None => Err(e.into()),
        },
    }
}

/// A refused form shown again: what was typed (never a password) and the message, shown
/// at the form.
pub struct Refused<T> {
    pub typed: T,
    pub message: String,
}

impl<T> Refused<T> {
    pub fn new(typed: T, message: String) -> Self {
        Refused { typed, message }
    }
}

/// A page with `status` (429 for a throttled log-in, say).
pub fn render_status(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// A page with status 200.
pub fn render(page: &impl askama::Template) -> Result<HttpResponse, AppError> {
    render_status(actix_web::http::StatusCode::OK, page)
}
