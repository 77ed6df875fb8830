//! Team activity: the leader's full log with its filters and pages, and its CSV download.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::csv_download;
use super::errors::AppError;
use super::extract::{AppState, CurrentUser};
use super::page::PageContext;
use super::respond::render;
use crate::db::values::ActivityKind;
use crate::domain::DomainResult;
use crate::domain::paging::PageNumber;
use crate::domain::team::{self, ActivityLog, ActivityQuery, CSV_HEADER};

/// The log's URL parameters as sent; `ActivityQuery::parse` and `PageNumber::parse` read them.
#[derive(Deserialize)]
struct LogParams {
    member: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

impl LogParams {
    fn query(&self) -> DomainResult<ActivityQuery> {
        ActivityQuery::parse(
            self.member.as_deref(),
            self.kind.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
        )
    }
}

#[derive(Template)]
#[template(path = "team/activity.html")]
struct ActivityPage {
    ctx: PageContext,
    log: ActivityLog,
    kinds: &'static [ActivityKind],
    /// Why the filter as sent was refused (the whole log is shown instead).
    problem: Option<String>,
    /// The dates as typed, kept in the form when refused.
    typed_from: String,
    typed_to: String,
}

#[get("/account/team/activity")]
async fn page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, AppError> {
    let (query, problem) = match params.query() {
        Ok(query) => (query, None),
        Err(refusal) => (ActivityQuery::default(), Some(refusal.to_string())),
    };
    let (leader, page) = (user.user.clone(), PageNumber::parse(params.page.as_deref()));
    let log = state
        .db(move |conn| team::activity_log(conn, &leader, query, page))
        .await?;
    let typed = |v: &Option<String>| v.clone().unwrap_or_default();
    render(&ActivityPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        kinds: &ActivityKind::ALL,
        typed_from: typed(&params.from),
        typed_to: typed(&params.to),
        problem,
        log,
    })
}

/// The filtered log as CSV (`team::CSV_HEADER`), by the product's one CSV writer.
#[get("/account/team/activity.csv")]
async fn download_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, AppError> {
    let (query, leader) = (params.query()?, user.user);
    let plan = std::sync::Arc::new(
        state
            .db(move |conn| team::plan_activity_csv(conn, &leader, query))
            .await?,
    );
    let header = CSV_HEADER.map(String::from);
    Ok(csv_download::batched(
        "team-activity",
        &header,
        move |done| {
            let (state, plan) = (state.clone(), plan.clone());
            async move {
                state
                    .db(move |conn| team::activity_csv_batch(conn, &plan, done))
                    .await
            }
        },
    ))
}
