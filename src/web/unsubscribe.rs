//! One-click unsubscribe (RFC 8058): public pages named by a message's token. `GET /u/{token}`
//! shows one "Unsubscribe" button and changes nothing (link scanners prefetch GETs);
//! `POST /u/{token}` unsubscribes with no cookie, no log-in and no CSRF token, since the
//! mailbox provider sends it (RFC 8058 §3.2), and answers 200 with a short page. An unknown
//! token is a 404 and changes nothing. The rule is `domain::campaigns::unsubscribe`.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::errors::AppError;
use super::extract::AppState;
use super::page::PageContext;
use super::respond::render;
use crate::domain::campaigns::unsubscribe::{self, UnsubscribePage};

#[derive(Template)]
#[template(path = "unsubscribe/confirm.html")]
struct ConfirmTemplate {
    ctx: PageContext,
    token: String,
    page: UnsubscribePage,
}

#[derive(Template)]
#[template(path = "unsubscribe/done.html")]
struct DoneTemplate {
    ctx: PageContext,
}

#[get("/u/{token}")]
async fn confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let asked = token.clone();
    let page = state
        .db(move |conn| unsubscribe::page(conn, &asked))
        .await?;
    render(&ConfirmTemplate {
        ctx: PageContext::bare(),
        token,
        page,
    })
}

/// The body (`List-Unsubscribe=One-Click` from a mailbox provider, the same field from the
/// page's form) is not required: holding the token is what counts.
#[post("/u/{token}")]
async fn one_click(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (token, now) = (path.into_inner(), state.clock.now());
    state
        .db(move |conn| unsubscribe::unsubscribe(conn, &token, now))
        .await?;
    render(&DoneTemplate {
        ctx: PageContext::bare(),
    })
}
