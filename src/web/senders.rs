//! Sender email accounts: the owner's list, add, edit, delete, test connection.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields, PageContext, finish, render};
use crate::crypto::SecretBox;
use crate::db::models::SenderAccount;
use crate::domain::outbound::MailHosts;
use crate::domain::senders::{self, SenderInput};
use crate::mailboxes;

const SENDERS: &str = "/senders";

#[derive(Template)]
#[template(path = "senders/list.html")]
struct SendersPage {
    ctx: PageContext,
    /// Each account with the line about its failing mailbox, if it fails.
    senders: Vec<(SenderAccount, Option<String>)>,
    editing: Option<SenderAccount>,
}

fn with_problems(accounts: Vec<SenderAccount>) -> Vec<(SenderAccount, Option<String>)> {
    accounts
        .into_iter()
        .map(|a| {
            let problem = senders::imap_problem(&a);
            (a, problem)
        })
        .collect()
}

#[get("/senders")]
async fn list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let account = user.user.clone();
    let senders = state.db(move |conn| senders::list(conn, &account)).await?;
    render(&SendersPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        senders: with_problems(senders),
        editing: None,
    })
}

#[get("/senders/{id}")]
async fn edit_form(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, id) = (user.user.clone(), path.into_inner());
    let (senders, editing) = state
        .db(move |conn| {
            Ok((
                senders::list(conn, &account)?,
                senders::own(conn, &account, id)?,
            ))
        })
        .await?;
    render(&SendersPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        senders: with_problems(senders),
        editing: Some(editing),
    })
}

#[derive(Deserialize)]
struct SenderForm {
    email: String,
    display_name: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: String,
    #[serde(default)]
    smtp_user: String,
    #[serde(default)]
    smtp_password: String,
    imap_host: String,
    imap_port: String,
    imap_security: String,
    #[serde(default)]
    imap_user: String,
    #[serde(default)]
    imap_password: String,
    daily_limit: String,
}

impl SenderForm {
    fn input(&self) -> SenderInput<'_> {
        SenderInput {
            email: &self.email,
            display_name: &self.display_name,
            smtp_host: &self.smtp_host,
            smtp_port: &self.smtp_port,
            smtp_security: &self.smtp_security,
            smtp_user: &self.smtp_user,
            smtp_password: &self.smtp_password,
            imap_host: &self.imap_host,
            imap_port: &self.imap_port,
            imap_security: &self.imap_security,
            imap_user: &self.imap_user,
            imap_password: &self.imap_password,
            daily_limit: &self.daily_limit,
        }
    }
}

#[post("/senders")]
async fn add(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now, secrets) = (
        user.user,
        state.clock.now(),
        SecretBox::new(&state.settings.secret_key),
    );
    let outcome = state
        .db(move |conn| senders::add(conn, &secrets, &account, &form.input(), now))
        .await;
    finish(&session, outcome, SENDERS)
}

#[post("/senders/{id}")]
async fn update(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let (account, id, secrets) = (
        user.user,
        path.into_inner(),
        SecretBox::new(&state.settings.secret_key),
    );
    let outcome = state
        .db(move |conn| senders::update(conn, &secrets, &account, id, &form.input()))
        .await;
    let back = if outcome.is_ok() {
        SENDERS.to_string()
    } else {
        format!("/senders/{id}")
    };
    finish(&session, outcome, &back)
}

#[post("/senders/{id}/delete")]
async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, id) = (user.user, path.into_inner());
    let outcome = state
        .db(move |conn| senders::delete(conn, &account, id))
        .await;
    finish(&session, outcome, SENDERS)
}

#[post("/senders/{id}/test")]
async fn test_connection(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, id, secrets) = (
        user.user,
        path.into_inner(),
        SecretBox::new(&state.settings.secret_key),
    );
    let sender = state
        .db(move |conn| senders::own(conn, &account, id))
        .await?;
    let (smtp, imap) = senders::servers(&secrets, &sender)?;
    let hosts = MailHosts::from_setting(state.settings.allow_private_mail_hosts);
    let (smtp, imap) = futures_util::join!(
        mailboxes::test_smtp(&smtp, hosts),
        mailboxes::test_imap(&imap, hosts)
    );
    finish(
        &session,
        senders::connection_report(&sender.email, smtp, imap),
        SENDERS,
    )
}
