//! Billing: the plan, this period's usage, change plan (a downgrade confirmed, then
//! scheduled for the end of the paid period, with Undo), renew.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::navigation::redirect;
use super::page::PageContext;
use super::respond::{finish, refused, render};
use crate::domain::billing::{self, BillingView, DowngradePreview, Plan, PlanChange, downgrades};
use crate::domain::{DomainError, invalid};

#[derive(Template)]
#[template(path = "account/billing.html")]
struct BillingPage {
    ctx: PageContext,
    view: BillingView,
    plans: [Plan; 6],
}

#[get("/account/billing")]
async fn page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let view = state
        .db(move |conn| billing::view(conn, &account, now))
        .await?;
    render(&BillingPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        view,
        plans: Plan::ALL,
    })
}

#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    plan: String,
}

impl PlanForm {
    /// The plan chosen; refused when it is not one of the plans listed.
    fn plan(&self) -> Result<Plan, DomainError> {
        Plan::parse(&self.plan)
            .ok_or_else(|| DomainError::Invalid("Choose one of the plans listed.".into()))
    }
}

/// Choosing a plan: an upgrade happens at once; a downgrade of a paid plan in force goes to
/// its confirmation page.
#[post("/account/billing/plan")]
async fn change_plan(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome = state
        .run(form.plan(), move |conn, plan| {
            billing::change_plan(conn, &account, plan, now)
        })
        .await;
    match outcome {
        Ok(PlanChange::ConfirmDowngrade) => Ok(redirect(&format!(
            "/account/billing/downgrade?plan={}",
            form.plan
        ))),
        Ok(PlanChange::Changed(message)) => finish(&session, Ok(message), "/account/billing"),
        Err(e) => finish(&session, Err(e), "/account/billing"),
    }
}

#[derive(Template)]
#[template(path = "account/downgrade.html")]
struct DowngradePage {
    ctx: PageContext,
    preview: DowngradePreview,
}

/// The confirmation page of a downgrade: what changes and when.
#[get("/account/billing/downgrade")]
async fn downgrade_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(query.plan(), move |conn, plan| {
            downgrades::preview(conn, &account, plan, now)
        })
        .await;
    match refused(outcome)? {
        Ok(preview) => render(&DowngradePage {
            ctx: PageContext::new(&session, &state, Some(&user)),
            preview,
        }),
        Err(message) => finish(&session, invalid(message), "/account/billing"),
    }
}

/// Confirms a downgrade: scheduled for the end of the paid period.
#[post("/account/billing/downgrade")]
async fn schedule_downgrade(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome = state
        .run(form.plan(), move |conn, plan| {
            downgrades::schedule(conn, &account, plan, now)
        })
        .await;
    finish(&session, outcome, "/account/billing")
}

/// "Undo": cancels the scheduled downgrade.
#[post("/account/billing/downgrade/cancel")]
async fn cancel_downgrade(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome = state
        .db(move |conn| downgrades::cancel(conn, &account, now))
        .await;
    finish(&session, outcome, "/account/billing")
}

#[post("/account/billing/renew")]
async fn renew(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome = state
        .db(move |conn| billing::renew(conn, &account, now))
        .await;
    finish(&session, outcome, "/account/billing")
}
