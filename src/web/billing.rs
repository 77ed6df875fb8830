//! Billing: the plan, this period's usage, change plan, renew.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::PageContext;
use super::respond::{finish, render};
use crate::domain::billing::Plan;
use crate::domain::billing::{self, BillingView};
use crate::domain::invalid;

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
    plan: String,
}

#[post("/account/billing/plan")]
async fn change_plan(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let outcome = match Plan::parse(&form.plan) {
        Some(plan) => {
            let (account, now) = (user.user, state.clock.now());
            state
                .db(move |conn| billing::change_plan(conn, &account, plan, now))
                .await
                .map(|()| format!("You are now on plan {}.", plan.label()))
        }
        None => invalid("Choose one of the plans listed."),
    };
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
        .await
        .map(|until| {
            format!(
                "Renewed: your plan is paid until {}.",
                until.format("%Y-%m-%d")
            )
        });
    finish(&session, outcome, "/account/billing")
}
