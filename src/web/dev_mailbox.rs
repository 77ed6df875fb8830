//! `/dev/mailbox`: without `SMTP_URL` nothing is sent, and the stored emails are listed
//! here so that a newcomer can follow an invitation or reset link. It exists only where no
//! other machine can reach it (`Settings::dev_mailbox_allowed`: no SMTP, loopback bind,
//! loopback `BASE_URL`) and for requests that came through no proxy; anywhere else it is
//! the 404 page, because it shows every password-reset and invitation link.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, CurrentUser};
use super::page::PageContext;
use super::respond::render;
use crate::db::models::OutboxEmail;
use linkify::{LinkFinder, LinkKind};

/// One stored email with the links of its text body made clickable.
struct MailView {
    subject: String,
    to: String,
    created_at: chrono::NaiveDateTime,
    text: String,
    links: Vec<String>,
}

impl From<OutboxEmail> for MailView {
    fn from(email: OutboxEmail) -> Self {
        let links = LinkFinder::new()
            .kinds(&[LinkKind::Url])
            .links(&email.text_body)
            .map(|link| link.as_str().to_string())
            .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
            .collect();
        MailView {
            subject: email.subject,
            to: email.to_address,
            created_at: email.created_at,
            text: email.text_body,
            links,
        }
    }
}

#[derive(Template)]
#[template(path = "dev/mailbox.html")]
struct MailboxPage {
    ctx: PageContext,
    emails: Vec<MailView>,
}

#[get("/dev/mailbox")]
async fn mailbox(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    if !state.settings.dev_mailbox_allowed() || came_through_a_proxy(&req) {
        return Err(AppError::NotFound);
    }
    let emails = state
        .db(|conn| Ok(crate::mail::outbox::recent(conn, 100)?))
        .await?;
    let emails = emails.into_iter().map(MailView::from).collect();
    render(&MailboxPage {
        ctx: PageContext::new(&session, &state, viewer.as_ref()),
        emails,
    })
}

/// Headers a reverse proxy adds: a request carrying one did not come straight from this host.
fn came_through_a_proxy(req: &HttpRequest) -> bool {
    const FORWARDING: [&str; 6] = [
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-real-ip",
        "via",
    ];
    FORWARDING.iter().any(|h| req.headers().contains_key(*h))
}
