//! What the Email Drip Campaigns pages show: the list with the member picker and one
//! campaign with its figures. Sender details only ever reach the campaign's owner.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::archive::may_delete;
use super::editor::values_for;
use super::launch::{Skipped, skipped_of, steps_missing};
use super::placeholders;
use super::recipient_rows::{ROWS_SHOWN, RecipientRow, recipient_rows};
use crate::db::campaigns::ListFigures;
use crate::db::ids::UserId;
use crate::db::messages::CampaignCounts;
use crate::db::models::{Campaign, CampaignStep, SenderAccount, User};
use crate::db::values::RecipientStatus;
use crate::db::{
    AnyConnection, accounts, campaigns as db, messages, prospects, recipients, senders,
};
use crate::domain::policy::{self, RecordAction};
use crate::domain::prospects::{PickerEntry, Viewer, picker};
use crate::domain::{DomainError, DomainResult};
use crate::text::{count, number};

/// The campaign list of `owner` (the viewer or a teammate whose records they may see), with
/// the viewer's own senders and lists for the "New campaign" form when they may edit.
pub struct CampaignsPage {
    pub owner_id: UserId,
    pub owner_name: String,
    /// Policy's answer: the viewer may change this campaign (their own); else read only.
    pub may_edit: bool,
    pub picker: Vec<PickerEntry>,
    /// The archived campaigns when `archived`, else the others.
    pub campaigns: Vec<Campaign>,
    pub archived: bool,
    /// How many of the owner's campaigns are archived (the "Archived" link).
    pub archived_count: usize,
    pub senders: Vec<SenderAccount>,
    pub lists: Vec<(i64, String)>,
    /// Sent, opened, replied and failed per campaign shown, counted in SQL for the page.
    pub figures: HashMap<i64, ListFigures>,
}

impl CampaignsPage {
    /// Campaign `id`'s figures (all zero before its first email).
    pub fn figures_of(&self, id: &i64) -> ListFigures {
        self.figures.get(id).copied().unwrap_or_default()
    }

    /// Campaign `id`'s "Delivery problems" badge, if it has one (`delivery_problems`).
    pub fn problems_of(&self, id: &i64) -> Option<String> {
        delivery_problems(self.figures_of(id).failed)
    }
}

/// The badge of a campaign with emails that failed for good (each after
/// `outcomes::MAX_ATTEMPTS` attempts): "Delivery problems: 3 emails failed"; `None` without.
pub fn delivery_problems(failed: i64) -> Option<String> {
    (failed > 0).then(|| {
        format!(
            "Delivery problems: {} failed",
            count(failed, "email", "emails")
        )
    })
}

/// The campaign list of `member` (default: the viewer): its archived campaigns when
/// `archived`, else the others. Refusal: `NotFound` when the viewer may not see that
/// member's records.
pub fn campaigns_page(
    conn: &mut AnyConnection,
    user: &User,
    member: Option<UserId>,
    archived: bool,
    now: NaiveDateTime,
) -> DomainResult<CampaignsPage> {
    let viewer = Viewer::load(conn, user, now)?;
    let owner_id = member.unwrap_or(user.id);
    viewer.may(owner_id, RecordAction::View)?;
    let may_edit = viewer.allowed(owner_id, RecordAction::Edit);
    let (senders, lists) = choices(conn, user, may_edit)?;
    let (put_away, campaigns): (Vec<Campaign>, Vec<Campaign>) = db::of_owner(conn, owner_id)?
        .into_iter()
        .partition(|c| c.status.is_archived());
    let archived_count = put_away.len();
    let campaigns = if archived { put_away } else { campaigns };
    let ids: Vec<i64> = campaigns.iter().map(|c| c.id).collect();
    Ok(CampaignsPage {
        figures: db::list_figures(conn, &ids)?,
        owner_name: accounts::user_by_id(conn, owner_id)?.name,
        picker: picker(conn, &viewer, owner_id)?,
        owner_id,
        archived_count,
        campaigns,
        archived,
        senders,
        lists,
        may_edit,
    })
}

/// A settings form's choices: the user's own sender accounts, and their lists as (id, name).
type Choices = (Vec<SenderAccount>, Vec<(i64, String)>);

/// The user's own sender accounts and lists for a campaign's settings form, when they may
/// edit the campaigns shown; nothing otherwise.
fn choices(conn: &mut AnyConnection, user: &User, may_edit: bool) -> DomainResult<Choices> {
    if !may_edit {
        return Ok((Vec::new(), Vec::new()));
    }
    let lists = prospects::lists_of(conn, user.id)?
        .into_iter()
        .map(|(l, _)| (l.id, l.name))
        .collect();
    Ok((senders::of_owner(conn, user.id)?, lists))
}

/// A campaign's page: settings, steps, counts, the first recipients, a preview for the first
/// prospect (owner only), and the owner's senders and lists for the settings form.
pub struct CampaignView {
    pub campaign: Campaign,
    pub owner_name: String,
    /// Policy's answer: the viewer may change this campaign (their own); else read only.
    pub may_edit: bool,
    /// Shown to the owner only.
    pub sender: Option<SenderAccount>,
    pub list_name: String,
    pub steps: Vec<CampaignStep>,
    pub counts: CampaignCounts,
    /// Emails that got an auto-reply (apart from `counts.replied`, which counts replies only).
    pub auto_replied: i64,
    /// (bounced, contacted) recipients, for the bounce rate (`bounces::rate_percent`).
    pub bounces: (i64, i64),
    /// Recipients sent to (the skipped ones apart) and how many of them are finished.
    pub recipients_total: i64,
    pub recipients_done: i64,
    /// Prospects skipped at launch, per reason.
    pub skipped: Skipped,
    /// Why a draft cannot be launched yet (Launch is shown disabled with it).
    pub launch_blocked: Option<&'static str>,
    /// The owner may delete it: it was never launched.
    pub may_delete: bool,
    /// Policy's answer: "Resume" is shown on a recipient paused by a company's reply.
    pub may_resume_recipients: bool,
    /// Recipients finished by a record transfer, whom the owner may restart.
    pub former_mailbox: i64,
    /// Page `recipients_page` of the recipients, `ROWS_SHOWN` a page, skipped ones included.
    pub rows: Vec<RecipientRow>,
    /// Which page of recipients `rows` is, from 1.
    pub recipients_page: i64,
    /// How many recipients there are in all, skipped ones included (the rows' count).
    pub rows_total: i64,
    /// `delivery_problems` of its failed emails.
    pub delivery_problems: Option<String>,
    /// Step subjects and bodies filled for the first prospect (owner only).
    pub preview: Vec<(String, String)>,
    pub preview_for: String,
    /// "Send a test email to myself" (owner only): prospects of the list to fill a step
    /// for, (id, email), the first `TEST_PROSPECTS`; the form's default address.
    pub test_prospects: Vec<(i64, String)>,
    pub owner_email: String,
    /// For the settings form (owner only).
    pub my_senders: Vec<SenderAccount>,
    pub my_lists: Vec<(i64, String)>,
    /// Days, window, zone and a scheduled launch (`windows::shown`).
    pub schedule: super::windows::ScheduleShown,
    /// Launch approval: needed, waiting, or rejected with the leader's reason.
    pub approval: super::approval::ApprovalState,
}

impl CampaignView {
    /// `part` as a whole percentage of the emails sent ("—" before any was sent).
    pub fn rate(&self, part: &i64) -> String {
        if self.counts.sent == 0 {
            "—".into()
        } else {
            format!("{:.0}%", *part as f64 * 100.0 / self.counts.sent as f64)
        }
    }

    /// The bounce rate: bounced of contacted recipients in whole percent, "—" before any
    /// contact.
    pub fn bounce_rate(&self) -> String {
        let (bounced, contacted) = self.bounces;
        super::bounces::rate_percent(bounced, contacted)
            .map_or_else(|| "—".into(), |p| format!("{p}%"))
    }

    /// Which recipients the page lists: "51–100 of 1,234 recipients"; `None` when they
    /// all fit on one page.
    pub fn rows_note(&self) -> Option<String> {
        let first = (self.recipients_page - 1) * ROWS_SHOWN;
        (self.rows_total > ROWS_SHOWN).then(|| {
            format!(
                "{}–{} of {}",
                number(first + 1),
                number(first + self.rows.len() as i64),
                count(self.rows_total, "recipient", "recipients")
            )
        })
    }

    /// The previous page of recipients, if any.
    pub fn previous_rows(&self) -> Option<i64> {
        (self.recipients_page > 1).then_some(self.recipients_page - 1)
    }

    /// The next page of recipients, if any.
    pub fn next_rows(&self) -> Option<i64> {
        (self.recipients_page * ROWS_SHOWN < self.rows_total).then_some(self.recipients_page + 1)
    }

    /// Recipients finished, as a whole percentage of all recipients (0 without recipients).
    pub fn progress_percent(&self) -> i64 {
        if self.recipients_total == 0 {
            0
        } else {
            self.recipients_done * 100 / self.recipients_total
        }
    }
}

/// How many prospects the test email form offers.
const TEST_PROSPECTS: i64 = 25;

/// Campaign `id` as the viewer may see it, with page `recipients_page` of its recipients
/// (from 1; a page out of range reads as the nearest one). Refusal: `NotFound` for a campaign the viewer may
/// not see (or none).
pub fn view(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    recipients_page: i64,
    now: NaiveDateTime,
) -> DomainResult<CampaignView> {
    let viewer = Viewer::load(conn, user, now)?;
    let campaign = db::by_id(conn, id)?.ok_or(DomainError::NotFound)?;
    viewer.may(campaign.owner_id, RecordAction::View)?;
    let may_edit = viewer.allowed(campaign.owner_id, RecordAction::Edit);
    let (my_senders, my_lists) = choices(conn, user, may_edit)?;
    let steps = db::steps(conn, campaign.id)?;
    let status_counts = recipients::recipient_counts(conn, campaign.id)?;
    let of = |status| status_counts.get(&status).copied().unwrap_or(0);
    let recipients_total: i64 = status_counts.values().sum::<i64>() - of(RecipientStatus::Skipped);
    let recipients_done =
        recipients_total - of(RecipientStatus::Active) - of(RecipientStatus::Paused);
    let former_mailbox = of(RecipientStatus::FormerMailbox);
    let rows_total: i64 = status_counts.values().sum();
    let last_page = ((rows_total + ROWS_SHOWN - 1) / ROWS_SHOWN).max(1);
    let recipients_page = recipients_page.clamp(1, last_page);
    let offset = (recipients_page - 1).saturating_mul(ROWS_SHOWN);
    let recipients = recipients::recipients(conn, campaign.id, offset, ROWS_SHOWN)?;
    let ids: Vec<i64> = recipients.iter().map(|r| r.id).collect();
    let (windows, schedule_shown) =
        super::windows::shown(conn, campaign.id, campaign.owner_id, now)?;
    // Each recipient's own window: the prospect's zone when the campaign follows it.
    let schedules = windows.for_recipients(conn, &recipients)?;
    let status = campaign.status;
    let mailbox_wait = super::pacing::campaign_mailbox_wait(conn, &campaign, now)?;
    let rows = recipient_rows(recipients, messages::for_recipients(conn, &ids)?, |r| {
        let schedule = schedules.get(&r.id).unwrap_or(&windows.schedule);
        super::windows::next_email(
            schedule,
            status,
            r.next_due_at,
            mailbox_wait.as_deref(),
            now,
        )
    });
    let counts = messages::campaign_counts(conn, campaign.id)?;
    let (mut preview, mut preview_for) = (Vec::new(), String::new());
    if may_edit
        && let Some(prospect) = prospects::prospects_page(conn, campaign.list_id, 0, 1)?
            .into_iter()
            .next()
    {
        let values = values_for(conn, &prospect)?;
        // Subjects as they go out: a follow-up shows its "Re:" subject (`threading`).
        let mut opened = String::new();
        preview = steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let own = placeholders::fill(&s.subject, &values);
                let subject = if i == 0 || s.new_thread {
                    opened = own.clone();
                    own
                } else {
                    super::threading::reply_subject(&opened)
                };
                (subject, placeholders::fill(&s.body, &values))
            })
            .collect();
        preview_for = prospect.email;
    }
    let test_prospects = match may_edit {
        true => prospects::prospects_page(conn, campaign.list_id, 0, TEST_PROSPECTS)?,
        false => Vec::new(),
    };
    Ok(CampaignView {
        owner_name: accounts::user_by_id(conn, campaign.owner_id)?.name,
        sender: match campaign.sender_id {
            Some(id) if may_edit => senders::by_id(conn, id)?
                .filter(|s| policy::may_use_sender(user.id, s.owner_id).is_ok()),
            _ => None,
        },
        list_name: prospects::list_by_id(conn, campaign.list_id)?
            .map_or_else(|| "(deleted list)".into(), |l| l.name),
        delivery_problems: delivery_problems(counts.failed),
        counts,
        auto_replied: crate::db::incoming::auto_replied_count(conn, campaign.id)?,
        bounces: recipients::bounce_counts(conn, campaign.id)?,
        rows_total,
        recipients_page,
        skipped: skipped_of(conn, campaign.id)?,
        launch_blocked: steps_missing(&steps).filter(|_| campaign.status.is_draft()),
        may_delete: may_edit && may_delete(&campaign),
        may_resume_recipients: policy::may_resume_recipient(user.id, campaign.owner_id).is_ok(),
        my_senders,
        my_lists,
        may_edit,
        steps,
        recipients_total,
        recipients_done,
        former_mailbox,
        rows,
        preview,
        preview_for,
        test_prospects: test_prospects
            .into_iter()
            .map(|p| (p.id, p.email))
            .collect(),
        owner_email: user.email.clone(),
        schedule: schedule_shown,
        approval: super::approval::state(conn, &campaign, now)?,
        campaign,
    })
}
