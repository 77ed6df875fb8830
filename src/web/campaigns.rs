//! Email Drip Campaigns: the list with the member picker, a campaign's page, and the
//! owner's actions (settings, steps, launch, pause, resume).

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::page::{FlashKind, PageContext};
use super::respond::{finish, flash, refused, render};
use crate::domain::campaigns::{self, CampaignName, CampaignView, CampaignsPage, StepInput};
use crate::domain::{DomainError, DomainResult, UserId};

#[derive(Deserialize)]
struct MemberQuery {
    member: Option<UserId>,
}

#[derive(Template)]
#[template(path = "campaigns/list.html")]
struct ListTemplate {
    ctx: PageContext,
    page: CampaignsPage,
}

#[get("/campaigns")]
async fn list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<MemberQuery>,
) -> Result<HttpResponse, AppError> {
    let (account, now, member) = (user.user.clone(), state.clock.now(), query.member);
    let page = state
        .db(move |conn| campaigns::campaigns_page(conn, &account, member, now))
        .await?;
    render(&ListTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        page,
    })
}

#[derive(Deserialize)]
struct SettingsForm {
    name: String,
    sender_id: i64,
    list_id: i64,
}

#[post("/campaigns")]
async fn create(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome: DomainResult<i64> = state
        .run(CampaignName::parse(&form.name), move |conn, name| {
            campaigns::create(conn, &account, name, form.sender_id, form.list_id, now)
        })
        .await;
    match outcome {
        Ok(id) => finish(
            &session,
            Ok("Campaign created. Add its steps, then launch it.".into()),
            &format!("/campaigns/{id}"),
        ),
        Err(e) => finish(&session, Err(e), "/campaigns"),
    }
}

#[derive(Template)]
#[template(path = "campaigns/campaign.html")]
struct CampaignTemplate {
    ctx: PageContext,
    view: CampaignView,
    /// A step form that was refused, shown again as typed.
    draft: Option<StepDraft>,
}

/// A step as typed: `step_id` is the edited step, `None` for a new one.
struct StepDraft {
    step_id: Option<i64>,
    subject: String,
    body: String,
    delay_days: String,
}

impl CampaignTemplate {
    fn typed(&self, step_id: Option<i64>) -> Option<&StepDraft> {
        self.draft.as_ref().filter(|d| d.step_id == step_id)
    }

    /// The subject shown in the form of step `step_id` (`None`: the new step's form).
    fn subject_of<'a>(&'a self, step_id: Option<i64>, stored: &'a str) -> &'a str {
        self.typed(step_id).map_or(stored, |d| d.subject.as_str())
    }

    fn body_of<'a>(&'a self, step_id: Option<i64>, stored: &'a str) -> &'a str {
        self.typed(step_id).map_or(stored, |d| d.body.as_str())
    }

    fn delay_of(&self, step_id: Option<i64>, stored: String) -> String {
        self.typed(step_id).map_or(stored, |d| d.delay_days.clone())
    }
}

#[get("/campaigns/{id}")]
async fn campaign_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (account, now, id) = (user.user.clone(), state.clock.now(), path.into_inner());
    let view = state
        .db(move |conn| campaigns::view(conn, &account, id, now))
        .await?;
    render(&CampaignTemplate {
        ctx: PageContext::new(&session, &state, Some(&user)),
        view,
        draft: None,
    })
}

/// Ends a step form: a refused step is shown again on the campaign page with the reason
/// and what was typed; anything else is `finish`ed as usual.
async fn answer_step(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i64,
    outcome: Result<String, DomainError>,
    draft: StepDraft,
) -> Result<HttpResponse, AppError> {
    let reason = match refused(outcome)? {
        Ok(message) => return finish(session, Ok(message), &back(id)),
        Err(reason) => reason,
    };
    let (account, now) = (user.user.clone(), state.clock.now());
    let view = state
        .db(move |conn| campaigns::view(conn, &account, id, now))
        .await?;
    flash(session, FlashKind::Error, reason);
    render(&CampaignTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        view,
        draft: Some(draft),
    })
}

fn back(id: i64) -> String {
    format!("/campaigns/{id}")
}

#[post("/campaigns/{id}/settings")]
async fn settings(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (account, now) = (user.user, state.clock.now());
    let outcome = state
        .run(CampaignName::parse(&form.name), move |conn, name| {
            campaigns::update_settings(conn, &account, id, name, form.sender_id, form.list_id, now)
        })
        .await;
    finish(&session, outcome, &back(id))
}

#[derive(Deserialize)]
struct StepForm {
    subject: String,
    body: String,
    delay_days: String,
}

impl StepForm {
    fn draft(&self, step_id: Option<i64>) -> StepDraft {
        StepDraft {
            step_id,
            subject: self.subject.clone(),
            body: self.body.clone(),
            delay_days: self.delay_days.clone(),
        }
    }
}

#[post("/campaigns/{id}/steps")]
async fn add_step(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(
            StepInput::parse(&form.subject, &form.body, &form.delay_days),
            move |conn, step| campaigns::add_step(conn, &account, id, step, now),
        )
        .await;
    answer_step(&state, &session, &user, id, outcome, form.draft(None)).await
}

#[post("/campaigns/{id}/steps/{step}")]
async fn update_step(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<HttpResponse, AppError> {
    let (id, step_id) = path.into_inner();
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(
            StepInput::parse(&form.subject, &form.body, &form.delay_days),
            move |conn, step| campaigns::update_step(conn, &account, id, step_id, step, now),
        )
        .await;
    answer_step(
        &state,
        &session,
        &user,
        id,
        outcome,
        form.draft(Some(step_id)),
    )
    .await
}

#[post("/campaigns/{id}/steps/{step}/delete")]
async fn delete_step(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let ((id, step_id), account, now) = (path.into_inner(), user.user, state.clock.now());
    let outcome = state
        .db(move |conn| campaigns::delete_step(conn, &account, id, step_id, now))
        .await;
    finish(&session, outcome, &back(id))
}

/// Launch, pause and resume: the owner's buttons.
async fn transition(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: i64,
    action: fn(
        &mut crate::db::AnyConnection,
        &crate::db::models::User,
        i64,
        chrono::NaiveDateTime,
    ) -> Result<String, DomainError>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user, state.clock.now());
    let outcome = state.db(move |conn| action(conn, &account, id, now)).await;
    finish(&session, outcome, &back(id))
}

#[post("/campaigns/{id}/launch")]
async fn launch(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(state, session, user, path.into_inner(), campaigns::launch).await
}

#[post("/campaigns/{id}/pause")]
async fn pause(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(state, session, user, path.into_inner(), campaigns::pause).await
}

#[post("/campaigns/{id}/resume")]
async fn resume(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    transition(state, session, user, path.into_inner(), campaigns::resume).await
}
