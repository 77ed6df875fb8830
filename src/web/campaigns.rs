//! Email Drip Campaigns: the list with the member picker, a campaign's page, creating a
//! campaign and its settings. Steps are in `campaign_steps`; launch, pause and resume in
//! `campaign_lifecycle`.

use actix_session::Session;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::campaign_settings::SettingsForm;
use super::errors::AppError;
use super::extract::{AppState, CsrfForm, CurrentUser};
use super::page::PageContext;
use super::respond::{Refused, created, finish, refused, render};
use crate::domain::UserId;
use crate::domain::campaigns::windows::ScheduleInput;
use crate::domain::campaigns::{self, CampaignView, CampaignsPage};
use crate::domain::submissions::FormKind;

/// `?member=` whose campaigns, `?archived=true` for their archived ones.
#[derive(Deserialize)]
struct MemberQuery {
    member: Option<UserId>,
    #[serde(default)]
    archived: bool,
}

#[derive(Template)]
#[template(path = "campaigns/list.html")]
struct ListTemplate {
    ctx: PageContext,
    page: CampaignsPage,
    /// The new campaign's form as typed, when it was refused.
    refused: Option<Refused<SettingsForm>>,
}

impl ListTemplate {
    fn typed_name(&self) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed.name.as_str())
    }

    /// Whether the new campaign's form shows sender `id` chosen (as typed, else the first).
    fn sender_chosen(&self, id: &i64) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|r| r.typed.sender_id == id.to_string())
    }

    fn list_chosen(&self, id: &i64) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|r| r.typed.list_id == id.to_string())
    }
}

async fn list_answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    query: MemberQuery,
    refused: Option<Refused<SettingsForm>>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let MemberQuery { member, archived } = query;
    let page = state
        .db(move |conn| campaigns::campaigns_page(conn, &account, member, archived, now))
        .await?;
    render(&ListTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        page,
        refused,
    })
}

#[get("/campaigns")]
async fn list(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<MemberQuery>,
) -> Result<HttpResponse, AppError> {
    list_answer(&state, &session, &user, query.into_inner(), None).await
}

const CAMPAIGN_CREATED: &str = "Campaign created. Add its steps, then launch it.";

#[post("/campaigns")]
async fn create(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let always = state.settings.default_sending_always;
    let parsed = form.parse().map(|mut chosen| {
        chosen
            .schedule
            .get_or_insert_with(|| ScheduleInput::default_for_new(always));
        chosen
    });
    let parsed = (parsed, form.form_token.as_str());
    let outcome = state
        .create_once(
            user.id(),
            FormKind::Campaign,
            parsed,
            move |conn, chosen| campaigns::create(conn, &account, chosen, now),
            |id| Some(*id),
        )
        .await;
    let done = |id| finish(&session, Ok(CAMPAIGN_CREATED.into()), &back(id));
    let again = |id: Option<i64>| id.map_or("/campaigns".into(), back);
    match created(&session, outcome, done, again)? {
        Ok(answer) => Ok(answer),
        Err(message) => {
            let refused = Some(Refused::new(form, message));
            let mine = MemberQuery {
                member: None,
                archived: false,
            };
            list_answer(&state, &session, &user, mine, refused).await
        }
    }
}

#[derive(Template)]
#[template(path = "campaigns/campaign.html")]
pub(super) struct CampaignTemplate {
    ctx: PageContext,
    pub(super) view: CampaignView,
    /// A step form that was refused, shown again as typed.
    draft: Option<Refused<StepDraft>>,
    /// The settings form as typed, when it was refused.
    pub(super) settings_refused: Option<Refused<SettingsForm>>,
    /// A step's test email form, when it was refused (`campaign_test_email`).
    test_refused: Option<Refused<TestDraft>>,
}

/// A test email form as typed: the step it is on, the prospect chosen, the address typed.
pub(super) struct TestDraft {
    pub(super) step_id: i64,
    pub(super) prospect_id: String,
    pub(super) address: String,
}

/// A step as typed: `step_id` is the edited step, `None` for a new one.
pub(super) struct StepDraft {
    pub(super) step_id: Option<i64>,
    pub(super) subject: String,
    pub(super) body: String,
    pub(super) delay_days: String,
    pub(super) new_thread: bool,
}

impl CampaignTemplate {
    fn typed(&self, step_id: Option<i64>) -> Option<&StepDraft> {
        self.draft
            .as_ref()
            .map(|r| &r.typed)
            .filter(|d| d.step_id == step_id)
    }

    /// The refusal of the step form of `step_id` (`None`: the new step's form).
    fn step_error(&self, step_id: Option<i64>) -> Option<&str> {
        self.draft
            .as_ref()
            .filter(|r| r.typed.step_id == step_id)
            .map(|r| r.message.as_str())
    }

    /// A refusal of a step or settings form the page no longer shows (the campaign was
    /// launched meanwhile): shown at the top instead, never lost.
    fn unplaced_refusal(&self) -> Option<&str> {
        let forms_shown = self.view.may_edit && self.view.campaign.status.is_editable();
        let step = self.draft.as_ref().map(|r| r.message.as_str());
        let chosen = self.settings_refused.as_ref().map(|r| r.message.as_str());
        step.or(chosen).filter(|_| !forms_shown)
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

    fn new_thread_of(&self, step_id: Option<i64>, stored: bool) -> bool {
        self.typed(step_id).map_or(stored, |d| d.new_thread)
    }

    fn test_typed(&self, step_id: i64) -> Option<&Refused<TestDraft>> {
        self.test_refused
            .as_ref()
            .filter(|r| r.typed.step_id == step_id)
    }

    /// The refusal of step `step_id`'s test email form.
    fn test_error(&self, step_id: i64) -> Option<&str> {
        self.test_typed(step_id).map(|r| r.message.as_str())
    }

    /// The test email's address: as typed before a refusal, else the owner's own.
    fn test_address(&self, step_id: i64) -> &str {
        self.test_typed(step_id)
            .map_or(self.view.owner_email.as_str(), |r| r.typed.address.as_str())
    }

    fn test_prospect_chosen(&self, step_id: i64, id: &i64) -> bool {
        self.test_typed(step_id)
            .is_some_and(|r| r.typed.prospect_id == id.to_string())
    }
}

#[get("/campaigns/{id}")]
async fn campaign_page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<RecipientsQuery>,
) -> Result<HttpResponse, AppError> {
    let page = query.page();
    let id = path.into_inner();
    campaign_answer(&state, &session, &user, (id, page), None, None).await
}

/// `?recipients=N`: which page of the recipients the campaign page lists (text, so that a
/// malformed number shows the first page rather than an error).
#[derive(Deserialize)]
struct RecipientsQuery {
    #[serde(default)]
    recipients: String,
}

impl RecipientsQuery {
    fn page(&self) -> i64 {
        self.recipients.parse().unwrap_or(1)
    }
}

/// The campaign page (campaign id, page of recipients), with a refused form shown again.
pub(super) async fn campaign_answer(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    (id, recipients_page): (i64, i64),
    draft: Option<Refused<StepDraft>>,
    settings_refused: Option<Refused<SettingsForm>>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let view = state
        .db(move |conn| campaigns::view(conn, &account, id, recipients_page, now))
        .await?;
    render(&CampaignTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        view,
        draft,
        settings_refused,
        test_refused: None,
    })
}

/// The campaign page with a refused test email form shown again as typed, with the reason.
pub(super) async fn campaign_answer_test(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i64,
    test_refused: Refused<TestDraft>,
) -> Result<HttpResponse, AppError> {
    let (account, now) = (user.user.clone(), state.clock.now());
    let view = state
        .db(move |conn| campaigns::view(conn, &account, id, 1, now))
        .await?;
    render(&CampaignTemplate {
        ctx: PageContext::new(session, state, Some(user)),
        view,
        draft: None,
        settings_refused: None,
        test_refused: Some(test_refused),
    })
}

pub(super) fn back(id: i64) -> String {
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
    let (account, now) = (user.user.clone(), state.clock.now());
    let outcome = state
        .run(form.parse(), move |conn, chosen| {
            campaigns::update_settings(conn, &account, id, chosen, now)
        })
        .await;
    match refused(outcome)? {
        Ok(message) => finish(&session, Ok(message), &back(id)),
        Err(message) => {
            let refused = Some(Refused::new(form, message));
            campaign_answer(&state, &session, &user, (id, 1), None, refused).await
        }
    }
}
