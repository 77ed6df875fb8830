//! `/dev/mailbox`: without `SMTP_URL` nothing is sent, and the stored emails are listed
//! here so that a newcomer can follow an invitation or reset link. 404 once SMTP is set.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::errors::AppError;
use super::extract::{AppState, PageContext, render};

/// One stored email with the links of its text body made clickable.
struct MailView {
    subject: String,
    to: String,
    created_at: chrono::NaiveDateTime,
    text: String,
    links: Vec<String>,
}

#[derive(Template)]
#[template(path = "dev/mailbox.html")]
struct MailboxPage {
    ctx: PageContext,
    emails: Vec<MailView>,
}

#[get("/dev/mailbox")]
async fn mailbox(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, AppError> {
    if state.settings.smtp_url.is_some() {
        return Err(AppError::NotFound);
    }
    let emails = state
        .db(|conn| Ok(crate::db::outbox::recent(conn, 100)?))
        .await?;
    let emails = emails
        .into_iter()
        .map(|email| MailView {
            links: email
                .text_body
                .split_whitespace()
                .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
                .map(str::to_string)
                .collect(),
            subject: email.subject,
            to: email.to_address,
            created_at: email.created_at,
            text: email.text_body,
        })
        .collect();
    render(&MailboxPage {
        ctx: PageContext::new(&session, &state, None),
        emails,
    })
}
