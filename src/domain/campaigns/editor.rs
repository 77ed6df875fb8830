//! Email drip campaigns: create a campaign, change its settings and steps. Launch, pause
//! and resume are in `lifecycle`.
//! Only the owner changes a campaign; the team sees it read only, without sender details.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::bounces::BounceLimit;
use super::placeholders;
use super::step_input::{StepInput, first_step_subject};
use super::unsubscribe::UnsubscribeLine;
use crate::db::ids::UserId;
use crate::db::models::{Campaign, CampaignStep, Prospect, User};
use crate::db::{AnyConnection, campaigns as db, prospects, senders};
use crate::domain::policy::{self, RecordAction};
use crate::domain::prospects::Viewer;
use crate::domain::{DomainError, DomainResult, invalid};

/// A campaign name as typed: trimmed, 1–100 characters.
pub struct CampaignName(String);

impl CampaignName {
    /// Parses a campaign name. Refusals: `Invalid` when it is empty or over 100 characters;
    /// a line break or other control character (`header_text::check`): the name goes into
    /// the subjects of the approval emails.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return invalid("Give the campaign a name (1 to 100 characters).");
        }
        crate::mail::header_text::check(name, "The campaign's name")?;
        Ok(Self(name.to_string()))
    }
}

/// A campaign's settings as typed: its name, one of the owner's sender accounts and one of
/// their prospect lists (ids sent by the form's choices; a missing or malformed choice is
/// refused with a message, like a foreign one), its unsubscribe line, its bounce limit and
/// how many days a recipient waits after an auto-reply (RFC 3834) before their next step
/// (each `None` when the form has no such field: a new campaign gets the default, a saved
/// one keeps its own).
pub struct CampaignSettings {
    pub name: CampaignName,
    pub sender_id: i64,
    pub list_id: i64,
    pub unsubscribe_line: Option<UnsubscribeLine>,
    pub bounce_limit: Option<BounceLimit>,
    /// 0 to `MAX_AUTO_REPLY_PAUSE_DAYS`; 0 keeps sending as scheduled.
    pub auto_reply_pause_days: Option<i32>,
    /// Days, window and zone (`windows::ScheduleInput`); `None`: kept.
    pub schedule: Option<super::windows::ScheduleInput>,
}

/// The longest pause after an auto-reply a campaign may set (days).
pub const MAX_AUTO_REPLY_PAUSE_DAYS: i32 = 90;

/// The pause after an auto-reply as typed: empty is 0; refused unless a whole number of
/// days from 0 to `MAX_AUTO_REPLY_PAUSE_DAYS`.
fn parse_pause_days(raw: &str) -> DomainResult<i32> {
    let days = match raw.trim() {
        "" => Some(0),
        days => days
            .parse::<i32>()
            .ok()
            .filter(|d| (0..=MAX_AUTO_REPLY_PAUSE_DAYS).contains(d)),
    };
    days.ok_or_else(|| {
        DomainError::Invalid(
            "Give the pause after an auto-reply as a number of days from 0 to 90.".into(),
        )
    })
}

/// Saves the settings a form may leave out (`None`: kept as they are).
fn save_optional(
    conn: &mut AnyConnection,
    id: i64,
    unsubscribe_line: Option<UnsubscribeLine>,
    bounce_limit: Option<BounceLimit>,
    auto_reply_pause_days: Option<i32>,
) -> DomainResult<()> {
    if let Some(line) = unsubscribe_line {
        db::set_unsubscribe_line(conn, id, line.as_str())?;
    }
    if let Some(limit) = bounce_limit {
        db::set_bounce_limit(conn, id, limit.percent())?;
    }
    if let Some(days) = auto_reply_pause_days {
        crate::db::incoming::set_auto_reply_pause_days(conn, id, days)?;
    }
    Ok(())
}

impl CampaignSettings {
    /// The settings from the form's text. Refuses (`DomainError::Invalid`) a name as
    /// `CampaignName::parse` does, and a sender or list choice that is missing or not an
    /// id, an unsubscribe line as `UnsubscribeLine::parse` does, a bounce limit as
    /// `BounceLimit::parse` does, and a pause after an auto-reply that is not a whole
    /// number of days from 0 to `MAX_AUTO_REPLY_PAUSE_DAYS` (empty is 0); whether the
    /// chosen ones are the owner's is checked by `create` and `update_settings`.
    pub fn parse(
        name: &str,
        sender_id: &str,
        list_id: &str,
        unsubscribe_line: Option<&str>,
        bounce_limit: Option<&str>,
        pause_days: Option<&str>,
    ) -> DomainResult<Self> {
        let name = CampaignName::parse(name)?;
        let Ok(sender_id) = sender_id.trim().parse::<i64>() else {
            return invalid("Choose one of your sender accounts.");
        };
        let Ok(list_id) = list_id.trim().parse::<i64>() else {
            return invalid("Choose one of your prospect lists.");
        };
        let unsubscribe_line = unsubscribe_line.map(UnsubscribeLine::parse).transpose()?;
        let bounce_limit = bounce_limit.map(BounceLimit::parse).transpose()?;
        let auto_reply_pause_days = pause_days.map(parse_pause_days).transpose()?;
        Ok(CampaignSettings {
            name,
            sender_id,
            list_id,
            unsubscribe_line,
            bounce_limit,
            auto_reply_pause_days,
            schedule: None,
        })
    }
}

/// A campaign the user owns, for changes; others get NotFound or Forbidden from policy.
pub(super) fn owned(conn: &mut AnyConnection, viewer: &Viewer, id: i64) -> DomainResult<Campaign> {
    let campaign = db::by_id(conn, id)?.ok_or(DomainError::NotFound)?;
    viewer.may(campaign.owner_id, RecordAction::Edit)?;
    Ok(campaign)
}

/// `owned`, for `user` as they are seen at `now` (`Viewer::load`).
pub(super) fn owned_by(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<Campaign> {
    let viewer = Viewer::load(conn, user, now)?;
    owned(conn, &viewer, id)
}

fn editable(campaign: &Campaign) -> DomainResult<()> {
    if campaign.status.is_editable() {
        Ok(())
    } else {
        invalid("Pause the campaign before changing it.")
    }
}

/// Placeholders must be standard or one of the owner's custom fields.
fn check_placeholders(
    conn: &mut AnyConnection,
    owner_id: UserId,
    step: &StepInput,
) -> DomainResult<()> {
    let fields = prospects::fields_of(conn, owner_id)?;
    let names = fields.iter().map(|f| f.name.as_str());
    for text in [&step.subject, &step.body] {
        if let Some(unknown) = placeholders::unknown(text, names.clone()) {
            return invalid(format!(
                "Unknown placeholder {{{{{unknown}}}}}. Use {{{{first_name}}}}, {{{{last_name}}}}, {{{{company}}}}, {{{{position}}}}, {{{{email}}}} or one of your custom fields."
            ));
        }
    }
    Ok(())
}

/// The user's sender account and list, checked for a new or changed campaign.
fn own_sender_and_list(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    sender_id: i64,
    list_id: i64,
) -> DomainResult<()> {
    let sender = senders::by_id(conn, sender_id)?
        .ok_or_else(|| DomainError::Invalid("Choose one of your sender accounts.".into()))?;
    policy::may_use_sender(viewer.user.id, sender.owner_id)
        .map_err(|_| DomainError::Invalid("Choose one of your sender accounts.".into()))?;
    let list = prospects::list_by_id(conn, list_id)?
        .ok_or_else(|| DomainError::Invalid("Choose one of your prospect lists.".into()))?;
    policy::may_use_list(viewer.user.id, list.owner_id)
        .map_err(|_| DomainError::Invalid("Choose one of your prospect lists.".into()))
}

/// Creates a draft campaign of `user` from one of their sender accounts and one of their lists;
/// returns its id. Refusal: `Invalid` ("Choose one of your sender accounts / prospect
/// lists") for a sender or list that is missing or not the user's own
/// (`policy::may_use_sender`, `may_use_list` decide).
pub fn create(
    conn: &mut AnyConnection,
    user: &User,
    settings: CampaignSettings,
    now: NaiveDateTime,
) -> DomainResult<i64> {
    let CampaignSettings {
        name,
        sender_id,
        list_id,
        unsubscribe_line,
        bounce_limit,
        auto_reply_pause_days,
        schedule,
    } = settings;
    let viewer = Viewer::load(conn, user, now)?;
    own_sender_and_list(conn, &viewer, sender_id, list_id)?;
    let id = db::insert(conn, user.id, &name.0, sender_id, list_id, now)?;
    if let Some(schedule) = &schedule {
        super::windows::save_schedule(conn, id, schedule)?;
    }
    save_optional(
        conn,
        id,
        unsubscribe_line,
        bounce_limit,
        auto_reply_pause_days,
    )?;
    Ok(id)
}

/// Renames a campaign and changes its sender, list, unsubscribe line, bounce limit and
/// pause after an auto-reply; returns the flash message. Like every change of its steps,
/// it voids a launch approval asked for or given (`approval::void`). Refusals:
/// `NotFound` (not the viewer's to know), `Forbidden` (a team record, read only), `Invalid`
/// while the campaign is active (pause it first) or for a sender or list that is not the
/// user's own.
pub fn update_settings(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    settings: CampaignSettings,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let CampaignSettings {
        name,
        sender_id,
        list_id,
        unsubscribe_line,
        bounce_limit,
        auto_reply_pause_days,
        schedule,
    } = settings;
    let viewer = Viewer::load(conn, user, now)?;
    let campaign = owned(conn, &viewer, id)?;
    editable(&campaign)?;
    own_sender_and_list(conn, &viewer, sender_id, list_id)?;
    super::approval::void(conn, campaign.id)?;
    db::update_settings(conn, campaign.id, &name.0, sender_id, list_id)?;
    if let Some(schedule) = &schedule {
        super::windows::save_schedule(conn, campaign.id, schedule)?;
    }
    save_optional(
        conn,
        campaign.id,
        unsubscribe_line,
        bounce_limit,
        auto_reply_pause_days,
    )?;
    Ok("Campaign saved.".into())
}

/// Adds a step (subject, body, delay in days after the previous step) at the end; returns
/// the flash message. Refusals: as `update_settings`, and `Invalid` for an unknown
/// placeholder (neither standard nor one of the owner's custom fields).
pub fn add_step(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    step: StepInput,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    editable(&campaign)?;
    check_placeholders(conn, user.id, &step)?;
    let steps = db::steps(conn, campaign.id)?;
    first_step_subject(steps.is_empty(), &step)?;
    let position = steps.last().map_or(0, |s| s.position + 1);
    super::approval::void(conn, campaign.id)?;
    db::insert_step(
        conn,
        campaign.id,
        position,
        &step.subject,
        &step.body,
        step.delay_days,
        step.new_thread,
    )?;
    Ok(format!("Step {} added.", position + 1))
}

fn own_step(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    step_id: i64,
) -> DomainResult<(Campaign, CampaignStep)> {
    let campaign = owned(conn, viewer, id)?;
    let step = db::steps(conn, campaign.id)?
        .into_iter()
        .find(|s| s.id == step_id)
        .ok_or(DomainError::NotFound)?;
    Ok((campaign, step))
}

/// Changes step `step_id`; returns the flash message. Refusals: as `add_step`, and
/// `NotFound` for a step of another campaign.
pub fn update_step(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    step_id: i64,
    input: StepInput,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let (campaign, step) = own_step(conn, &viewer, id, step_id)?;
    editable(&campaign)?;
    check_placeholders(conn, user.id, &input)?;
    let first = db::steps(conn, campaign.id)?.first().map(|s| s.id) == Some(step.id);
    first_step_subject(first, &input)?;
    super::approval::void(conn, campaign.id)?;
    db::update_step(
        conn,
        step.id,
        &input.subject,
        &input.body,
        input.delay_days,
        input.new_thread,
    )?;
    Ok(format!("Step {} saved.", step.position + 1))
}

/// Removes a step of a draft; returns the flash message. Refusals: as `update_settings`, and
/// `Invalid` once the campaign was launched (recipients may be on the step).
pub fn delete_step(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    step_id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let (campaign, step) = own_step(conn, &viewer, id, step_id)?;
    if !campaign.status.is_draft() {
        return invalid(
            "Steps of a launched campaign can be edited but not removed: recipients may already be on them.",
        );
    }
    super::approval::void(conn, campaign.id)?;
    db::delete_step(conn, step.id)?;
    Ok("Step removed.".into())
}

/// The values placeholders are filled with, for one prospect.
pub(super) fn values_for(
    conn: &mut AnyConnection,
    prospect: &Prospect,
) -> DomainResult<HashMap<String, String>> {
    let mut values: HashMap<String, String> = prospects::values_of(conn, prospect.id)?
        .into_iter()
        .collect();
    for (name, value) in [
        ("first_name", &prospect.first_name),
        ("last_name", &prospect.last_name),
        ("company", &prospect.company),
        ("position", &prospect.position),
        ("email", &prospect.email),
    ] {
        values.insert(name.to_string(), value.clone());
    }
    Ok(values)
}
