//! Launching a campaign. The confirmation page (`launch_plan`) says what will be sent, from
//! which sender account, to how many recipients, and who is skipped and why; `launch` then
//! makes every prospect of the list a recipient: due now, or `Skipped` with its
//! `SkipReason`, never emailed and counted on the campaign page.
//!
//! A skip reason is one variant of `SkipReason` (stored as text, `db::values`) and one
//! check in `skip_reason`; the pages list whatever reasons occur, so a later reason
//! (unsubscribed, a teammate already in contact) adds itself to both pages by being there.

use chrono::NaiveDateTime;

use super::contacting::{self, Contacts, TeammatesAtLaunch};
use super::editor::owned_by;
use crate::db::launch::{self as db_launch, Candidate};
use crate::db::models::{Campaign, CampaignStep, SenderAccount, User};
use crate::db::values::{ActivityKind, CampaignStatus, Verdict};
use crate::db::{AnyConnection, campaigns as db, senders};
use crate::domain::policy;
use crate::domain::prospects::do_not_email::Suppressions;
use crate::domain::prospects::verification::{is_disposable, syntax};
use crate::domain::team::record_activity;
use crate::domain::{DomainError, DomainResult};
use crate::text::{count, number};

pub use crate::db::values::SkipReason;

impl SkipReason {
    /// What the confirmation page says of it: "3 skipped: address verified invalid".
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::InvalidAddress => "address verified invalid",
            SkipReason::DisposableAddress => "disposable address",
            SkipReason::DoNotEmail => "on the do-not-email list",
            SkipReason::TeammateContacting => "in a teammate's campaign",
        }
    }

    /// Its word in a campaign's count: "4 skipped: 3 invalid, 1 disposable".
    pub fn short(self) -> &'static str {
        match self {
            SkipReason::InvalidAddress => "invalid",
            SkipReason::DisposableAddress => "disposable",
            SkipReason::DoNotEmail => "on the do-not-email list",
            SkipReason::TeammateContacting => "in a teammate's campaign",
        }
    }
}

/// Why `candidate` is left out at launch, or `None` when it is sent to: its address or
/// domain on the team's do-not-email list (`on_list`), a teammate contacting it
/// (`teammate`, when such prospects are skipped), or a verified invalid address, told apart
/// as disposable when its domain is a throwaway-mail provider. An unverified or "unknown"
/// address is sent to.
fn skip_reason(candidate: &Candidate, on_list: bool, teammate: bool) -> Option<SkipReason> {
    if on_list {
        return Some(SkipReason::DoNotEmail);
    }
    if teammate {
        return Some(SkipReason::TeammateContacting);
    }
    if candidate.verification != Some(Verdict::Invalid) {
        return None;
    }
    let disposable = syntax(&candidate.email.to_ascii_lowercase()).is_ok_and(is_disposable);
    Some(if disposable {
        SkipReason::DisposableAddress
    } else {
        SkipReason::InvalidAddress
    })
}

/// Prospects left out at launch, counted per reason, in `SkipReason::ALL` order (reasons
/// without any are not listed).
pub struct Skipped(pub Vec<(SkipReason, i64)>);

impl Skipped {
    fn of(counts: impl IntoIterator<Item = (SkipReason, i64)>) -> Self {
        let counts: Vec<(SkipReason, i64)> = counts.into_iter().collect();
        Skipped(
            SkipReason::ALL
                .iter()
                .map(|r| (*r, counts.iter().filter(|c| c.0 == *r).map(|c| c.1).sum()))
                .filter(|(_, n)| *n > 0)
                .collect(),
        )
    }

    /// How many in all.
    pub fn total(&self) -> i64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// "4 skipped: 3 invalid, 1 disposable"; empty when none was skipped.
    pub fn summary(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(r, n)| format!("{} {}", number(*n), r.short()))
            .collect();
        format!("{} skipped: {}", number(self.total()), parts.join(", "))
    }

    /// One line per reason: "3 skipped: address verified invalid".
    pub fn lines(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(r, n)| format!("{} skipped: {}", number(*n), r.describe()))
            .collect()
    }
}

/// A campaign's skipped recipients, counted per reason (for its page).
pub(super) fn skipped_of(conn: &mut AnyConnection, campaign_id: i64) -> DomainResult<Skipped> {
    Ok(Skipped::of(db_launch::skip_counts(conn, campaign_id)?))
}

/// Makes the prospects that joined the campaign's list since its launch recipients, with
/// the same skip reasons as `launch` (a skipped one is never emailed); returns how many
/// will be emailed and who was skipped.
pub(super) fn add_new_recipients(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    now: NaiveDateTime,
) -> DomainResult<(i64, Skipped)> {
    let new = db_launch::new_candidates(conn, campaign.id, campaign.list_id)?;
    let (judged, _) = judge(conn, campaign, new, false, now)?;
    db_launch::insert_recipients(conn, campaign.id, &judged, now, now)?;
    let added = judged.iter().filter(|(_, r)| r.is_none()).count() as i64;
    Ok((
        added,
        Skipped::of(judged.iter().filter_map(|(_, r)| r.map(|r| (r, 1)))),
    ))
}

/// Candidates with their skip reason (`None`: sent to).
type Judged = Vec<(Candidate, Option<SkipReason>)>;

/// Each candidate with its skip reason, the do-not-email list of the campaign owner's team
/// loaded once, and what the page says of teammates contacting some of them
/// (`TeammatesAtLaunch`); they are skipped unless `include_teammates` and the team does not
/// enforce it.
fn judge(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    candidates: Vec<Candidate>,
    include_teammates: bool,
    now: NaiveDateTime,
) -> DomainResult<(Judged, TeammatesAtLaunch)> {
    let list = Suppressions::of(conn, campaign.owner_id)?;
    let owner = crate::db::accounts::user_by_id(conn, campaign.owner_id)?;
    let emails: Vec<String> = candidates.iter().map(|c| c.email.to_lowercase()).collect();
    let contacts = Contacts::of(conn, &owner, &emails, now)?;
    let enforced = contacting::enforced_for(conn, campaign.owner_id)?;
    let skip_teammates = enforced || !include_teammates;
    let judged = candidates
        .into_iter()
        .map(|c| {
            let teammate = skip_teammates && contacts.contains(&c.email.to_lowercase());
            let reason = skip_reason(&c, list.blocks(&c.email), teammate);
            (c, reason)
        })
        .collect();
    let teammates = TeammatesAtLaunch {
        count: contacts.count() as i64,
        by_teammate: contacts.by_teammate(),
        enforced,
        included: !skip_teammates,
    };
    Ok((judged, teammates))
}

/// Why a draft with these steps cannot be launched yet (the campaign page shows Launch
/// disabled with it); `None` when it may be.
pub fn steps_missing(steps: &[CampaignStep]) -> Option<&'static str> {
    steps
        .is_empty()
        .then_some("Add at least one step before launching.")
}

/// The confirmation page of a launch.
pub struct LaunchPlan {
    pub campaign: Campaign,
    /// What will be sent: subjects and delays.
    pub steps: Vec<CampaignStep>,
    /// The owner's sender account it sends from; `None` when it is not theirs (a moved
    /// campaign), which `refusal` says.
    pub sender: Option<SenderAccount>,
    /// How many prospects get its emails.
    pub recipients: i64,
    pub skipped: Skipped,
    /// Why it cannot be launched (already launched, archived, no steps, nobody to send
    /// to, not the owner's sender); `None`: the page offers "Launch now".
    pub refusal: Option<DomainError>,
    /// The schedule it sends in ("Mon, Tue, … 09:00–17:00 Europe/Paris"; `windows::shown`),
    /// whose zone "Launch at" is read in.
    pub schedule: super::windows::ScheduleShown,
    /// Whether the owner's launches need their leader's approval, and this campaign's:
    /// "Request approval" then replaces "Launch now" and "Launch at".
    pub approval: super::approval::ApprovalState,
    /// Prospects a teammate is contacting, and whether they are skipped.
    pub teammates: TeammatesAtLaunch,
    candidates: Vec<(Candidate, Option<SkipReason>)>,
}

/// The launch plan of `campaign` (also what the leader sees to approve it), with the
/// prospects a teammate is contacting included when `include_teammates` (and allowed).
pub(super) fn plan(
    conn: &mut AnyConnection,
    campaign: Campaign,
    include_teammates: bool,
    now: NaiveDateTime,
) -> DomainResult<LaunchPlan> {
    let steps = db::steps(conn, campaign.id)?;
    let sender = match campaign.sender_id {
        Some(id) => senders::by_id(conn, id)?,
        None => None,
    };
    let from = sender.as_ref().map(|s| s.owner_id);
    let sending = policy::may_send_from(campaign.owner_id, from, "launching");
    let sender = sender.filter(|_| sending.is_ok());
    let all = db_launch::candidates(conn, campaign.list_id)?;
    let (candidates, teammates) = judge(conn, &campaign, all, include_teammates, now)?;
    let recipients = candidates.iter().filter(|c| c.1.is_none()).count() as i64;
    let skipped = Skipped::of(candidates.iter().filter_map(|c| c.1).map(|r| (r, 1)));
    let invalid = |m: &str| Some(DomainError::Invalid(m.into()));
    let refusal = if campaign.status == CampaignStatus::Archived {
        invalid("Restore this campaign from the archive before launching it.")
    } else if !campaign.status.is_draft() {
        Some(DomainError::AlreadyUsed(
            "This campaign has already been launched.".into(),
        ))
    } else if let Some(why) = steps_missing(&steps) {
        invalid(why)
    } else if candidates.is_empty() {
        invalid("The campaign's prospect list is empty. Add prospects first.")
    } else if recipients == 0 {
        invalid("Every prospect of the list is skipped, so nothing would be sent.")
    } else {
        sending.err()
    };
    // A draft has no launch time yet: the instant only filters a past one out.
    let since = campaign.created_at;
    let (_, schedule) = super::windows::shown(conn, campaign.id, campaign.owner_id, since)?;
    let approval = super::approval::state(conn, &campaign, since)?;
    Ok(LaunchPlan {
        approval,
        teammates,
        schedule,
        campaign,
        steps,
        sender,
        recipients,
        skipped,
        refusal,
        candidates,
    })
}

/// The launch confirmation page of campaign `id`. Refusals: `NotFound` for a campaign the
/// viewer may not know of, `Forbidden` for a teammate's (read only); why it cannot be
/// launched is part of the page (`LaunchPlan::refusal`).
pub fn launch_plan(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<LaunchPlan> {
    let campaign = owned_by(conn, user, id, now)?;
    plan(conn, campaign, false, now)
}

/// Launches a draft: every prospect of its list becomes a recipient, due now or skipped
/// with its reason, recorded in Team activity; returns the flash message ("Launched: 2 recipients. 4 skipped: 3
/// invalid, 1 disposable. …"). Refusals: `AlreadyUsed` when it was launched before (also
/// when two clicks race: the status change decides), `Invalid` as `LaunchPlan::refusal`
/// says, `Forbidden` when the owner's launches need their leader's approval and it has
/// none (`policy::may_launch`; `approval`), and the access refusals of `launch_plan`.
pub fn launch(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    launch_from(conn, user, id, None, false, now)
}

/// The launch page's buttons: as `launch`, or "Launch at" (`launch_at`) with every
/// recipient's first email due at a date and time typed in the campaign's zone
/// (`windows::parse_launch_at`; the sending window still applies then; the campaign is
/// active at once and its page says "Scheduled for …" until that time); prospects a
/// teammate is contacting are included when `include_teammates` and the team does not
/// enforce skipping them (`policy::never_contact_enforced`). Refusals: as `launch`, and
/// `Invalid` for a malformed time or one not after now.
pub fn launch_with(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    launch_at: Option<&str>,
    include_teammates: bool,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let Some(raw) = launch_at else {
        return launch_from(conn, user, id, None, include_teammates, now);
    };
    let campaign = owned_by(conn, user, id, now)?;
    let schedule = super::windows::campaign_schedule(conn, campaign.id, campaign.owner_id)?;
    let at = super::windows::parse_launch_at(raw, &schedule, now)?;
    let at = Some((at, schedule.local_text(at)));
    launch_from(conn, user, id, at, include_teammates, now)
}

/// Launches a draft its owner's leader approved (`approval::approve`), as its owner `user`:
/// now, or with every first email due at `at` (UTC); prospects a teammate is contacting
/// are skipped (the default). Refusals: as `launch`.
pub(super) fn launch_approved(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let at = match at {
        Some(at) => {
            let owner = owned_by(conn, user, id, now)?.owner_id;
            let schedule = super::windows::campaign_schedule(conn, id, owner)?;
            Some((at, schedule.local_text(at)))
        }
        None => None,
    };
    launch_from(conn, user, id, at, false, now)
}

fn launch_from(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    at: Option<(NaiveDateTime, String)>,
    include_teammates: bool,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    crate::db::write_transaction(conn, |conn| {
        super::approval::check_may_launch(conn, &campaign, now)?;
        let plan = plan(conn, campaign, include_teammates, now)?;
        if let Some(refusal) = plan.refusal {
            return Err(refusal);
        }
        let due = at.as_ref().map_or(now, |(at, _)| *at);
        db_launch::insert_recipients(conn, plan.campaign.id, &plan.candidates, now, due)?;
        crate::db::schedules::set_scheduled_for(conn, plan.campaign.id, at.as_ref().map(|a| a.0))?;
        if !db::set_status(
            conn,
            plan.campaign.id,
            &[CampaignStatus::Draft],
            CampaignStatus::Active,
            "",
        )? {
            return Err(DomainError::AlreadyUsed(
                "This campaign has already been launched.".into(),
            ));
        }
        db::set_launched(conn, plan.campaign.id, now)?;
        let recipients = count(plan.recipients, "recipient", "recipients");
        let detail = match &at {
            Some((_, local)) => format!("“{}”: {recipients}, from {local}", plan.campaign.name),
            None => format!("“{}”: {recipients}", plan.campaign.name),
        };
        record_activity(conn, user.id, ActivityKind::Launched, "", &detail, now)?;
        let skipped = match plan.skipped.summary() {
            s if s.is_empty() => s,
            s => format!(" {s}."),
        };
        let when = match &at {
            Some((_, local)) => format!("Scheduled for {local}: the first emails go out then."),
            None => "Emails go out in the background.".into(),
        };
        Ok(format!("Launched: {recipients}.{skipped} {when}"))
    })
}

#[cfg(test)]
#[path = "launch_tests.rs"]
mod tests;
