//! A campaign's steps: add, edit and remove, by its owner; a refused step form is shown
//! again on the campaign page with what was typed.

use actix_session::Session;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::campaigns::{StepDraft, back, campaign_answer};
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser, NoFields};
use super::respond::{Refused, already_sent, finish, refused};
use crate::domain::DomainError;
use crate::domain::campaigns::{self, StepInput};
use crate::domain::submissions::{FormKind, Submission};

#[derive(Deserialize)]
struct StepForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    delay_days: String,
    /// The "Start a new thread" checkbox: present (any value) when ticked.
    #[serde(default)]
    new_thread: Option<String>,
    /// The one-time token of the new step's form (`domain::submissions`).
    #[serde(default)]
    form_token: String,
}

impl StepForm {
    fn draft(&self, step_id: Option<i64>) -> StepDraft {
        StepDraft {
            step_id,
            subject: self.subject.clone(),
            body: self.body.clone(),
            delay_days: self.delay_days.clone(),
            new_thread: self.new_thread.is_some(),
        }
    }

    fn parse(&self) -> Result<StepInput, DomainError> {
        StepInput::parse(
            &self.subject,
            &self.body,
            &self.delay_days,
            self.new_thread.is_some(),
        )
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
    let step = form.parse();
    let outcome = state
        .create_once(
            user.id(),
            FormKind::Step,
            (step, &form.form_token),
            move |conn, step| campaigns::add_step(conn, &account, id, step, now),
            |_| None,
        )
        .await;
    match outcome {
        Ok(Submission::Done(message)) => finish(&session, Ok(message), &back(id)),
        Ok(Submission::AlreadySent { .. }) => Ok(already_sent(&session, &back(id))),
        Err(e) => answer_step(&state, &session, &user, id, Err(e), form.draft(None)).await,
    }
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
        .run(form.parse(), move |conn, step| {
            campaigns::update_step(conn, &account, id, step_id, step, now)
        })
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
    match refused(outcome)? {
        Ok(message) => finish(session, Ok(message), &back(id)),
        Err(reason) => {
            let draft = Some(Refused::new(draft, reason));
            campaign_answer(state, session, user, (id, 1), draft, None).await
        }
    }
}
