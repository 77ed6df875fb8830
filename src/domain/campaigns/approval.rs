//! Launch approval (issue 16 item 3). A member whose leader switched on "Campaigns need
//! approval" (full Teamwork; `policy::launch_needs_approval`) starts no campaign by any
//! route until the leader approved it (`policy::may_launch`, asked by `launch` and
//! `lifecycle::resume`). The member requests approval; the leader is emailed and sees the
//! campaign read only (`approval_view`: steps, recipients, the From address, the schedule),
//! then approves it — it launches (or resumes) as the member's campaign, through `launch`
//! itself — or rejects it with a reason the member is told. A change to the campaign voids
//! a request or an approval (`void`, called by `editor`).

use chrono::NaiveDateTime;

use super::editor::owned_by;
use super::launch::{Skipped, launch_approved, plan};
use super::windows::{ScheduleShown, campaign_schedule, parse_launch_at};
use crate::db::approvals::{self as db, CampaignApproval};
use crate::db::ids::UserId;
use crate::db::models::{Campaign, CampaignStep, Team, User};
use crate::db::values::{ActivityKind, CampaignStatus};
use crate::db::{AnyConnection, accounts, campaigns, team as team_db};
use crate::domain::team::record_activity;
use crate::domain::{DomainError, DomainResult, billing, invalid, policy};
use crate::mail::{messages, outbox};

pub use crate::db::values::ApprovalStatus;

/// The owner's team and its leader, when the owner is an active member of a team.
fn owner_team(
    conn: &mut AnyConnection,
    owner_id: UserId,
) -> DomainResult<Option<(Team, User, bool)>> {
    let Some(membership) = team_db::active_membership_of(conn, owner_id)? else {
        return Ok(None);
    };
    let team = team_db::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
    let leader = accounts::user_by_id(conn, team.leader_id)?;
    Ok(Some((team, leader, membership.launch_needs_approval)))
}

/// The leader whose approval `owner_id`'s launches need at `now`; `None` when they need none.
fn approver(
    conn: &mut AnyConnection,
    owner_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<Option<User>> {
    Ok(owner_team(conn, owner_id)?.and_then(|(_, leader, on)| {
        policy::launch_needs_approval(on, billing::effective_plan(&leader, now)).then_some(leader)
    }))
}

/// Refuses to start `campaign` (launch or resume) when its owner's launches need approval
/// and it is not approved (`policy::may_launch`).
pub(super) fn check_may_launch(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let needed = approver(conn, campaign.owner_id, now)?.is_some();
    let status = db::of(conn, campaign.id)?.map(|a| a.status);
    policy::may_launch(needed, status)
}

/// Voids a request or an approval of `campaign_id`: its steps, sender, list or schedule
/// changed, so what the leader saw is no longer what would be sent.
pub(super) fn void(conn: &mut AnyConnection, campaign_id: i64) -> DomainResult<()> {
    Ok(db::void(conn, campaign_id)?)
}

/// What the owner's pages say of approval.
pub struct ApprovalState {
    /// The owner's launches need the leader's approval.
    pub needed: bool,
    /// The leader's name, when approval is needed.
    pub approver: String,
    pub current: Option<CampaignApproval>,
}

impl ApprovalState {
    /// "Request approval" replaces Launch (and Resume): needed, and neither asked for nor
    /// approved.
    pub fn must_request(&self) -> bool {
        self.needed && self.status().is_none_or(|s| s == ApprovalStatus::Rejected)
    }

    /// It waits in the leader's queue.
    pub fn waiting(&self) -> bool {
        self.status() == Some(ApprovalStatus::Waiting)
    }

    /// The leader's reason, when they rejected it.
    pub fn rejection(&self) -> Option<&str> {
        self.current
            .as_ref()
            .filter(|a| a.status == ApprovalStatus::Rejected)
            .map(|a| a.reason.as_str())
    }

    fn status(&self) -> Option<ApprovalStatus> {
        self.current.as_ref().map(|a| a.status)
    }
}

/// Campaign `campaign`'s approval as its owner's pages show it.
pub(super) fn state(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    now: NaiveDateTime,
) -> DomainResult<ApprovalState> {
    let leader = approver(conn, campaign.owner_id, now)?;
    Ok(ApprovalState {
        needed: leader.is_some(),
        approver: leader.map(|l| l.name).unwrap_or_default(),
        current: db::of(conn, campaign.id)?,
    })
}

/// The owner asks their leader to approve campaign `id`: a draft that could be launched
/// (optionally "Launch at" `launch_at`, typed in its zone), or a paused campaign to resume.
/// The leader is emailed a link to `approval_view`; recorded in Team activity. Returns the
/// flash. Refusals: `policy::may_request_approval`'s, `Invalid` for a campaign that could
/// not be launched (the launch page's reason) or is neither a draft nor paused, a malformed
/// or past "Launch at", and the access refusals of `launch`.
pub fn request_approval(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    launch_at: Option<&str>,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    let leader = approver(conn, campaign.owner_id, now)?;
    let status = db::of(conn, campaign.id)?.map(|a| a.status);
    policy::may_request_approval(leader.is_some(), status)?;
    let Some(leader) = leader else {
        return Err(DomainError::NotFound);
    };
    let at = match (campaign.status, launch_at) {
        (CampaignStatus::Draft, at) => {
            if let Some(refusal) = plan(conn, campaign.clone(), false, now)?.refusal {
                return Err(refusal);
            }
            match at {
                Some(raw) => {
                    let schedule = campaign_schedule(conn, campaign.id, campaign.owner_id)?;
                    Some(parse_launch_at(raw, &schedule, now)?)
                }
                None => None,
            }
        }
        (CampaignStatus::Paused, _) => None,
        _ => return invalid("Only a draft or a paused campaign waits for approval to start."),
    };
    crate::db::write_transaction(conn, |conn| {
        db::request(conn, campaign.id, at, now)?;
        let detail = format!("“{}”", campaign.name);
        record_activity(
            conn,
            user.id,
            ActivityKind::ApprovalRequested,
            "",
            &detail,
            now,
        )?;
        let message = messages::team_notice(
            &leader.name,
            &format!("{} asks you to approve “{}”", user.name, campaign.name),
            &format!(
                "{} ({}) asks you to approve their campaign “{}” before it starts. See what it sends, to how many, and approve or reject it:",
                user.name, user.email, campaign.name
            ),
            &format!("{base_url}/account/team/approvals/{}", campaign.id),
        )?;
        outbox::enqueue(conn, &leader.email, &message, now)?;
        Ok(format!(
            "Asked {} to approve “{}”: it starts when they approve it.",
            leader.name, campaign.name
        ))
    })
}

/// A campaign as the leader sees it to approve it, read only: steps, recipients, the From
/// address recipients will see (no other sender account detail) and the schedule.
pub struct ApprovalView {
    pub campaign: Campaign,
    pub owner_name: String,
    pub approval: Option<CampaignApproval>,
    pub steps: Vec<CampaignStep>,
    /// Prospects that would be emailed, and those skipped per reason.
    pub recipients: i64,
    pub skipped: Skipped,
    /// The From name and address; `None` without a usable sender account.
    pub from: Option<(String, String)>,
    pub schedule: ScheduleShown,
    /// "Launch at" asked for, in the campaign's zone.
    pub launch_at: Option<String>,
}

impl ApprovalView {
    /// Approve and Reject are offered: it waits for approval.
    pub fn waiting(&self) -> bool {
        self.approval
            .as_ref()
            .is_some_and(|a| a.status == ApprovalStatus::Waiting)
    }
}

/// Campaign `id` and its owner's team, for the leader. Refusal: `NotFound` for anyone but
/// the leader of its owner's team (`policy::may_see_approval`).
fn for_leader(
    conn: &mut AnyConnection,
    leader: &User,
    id: i64,
) -> DomainResult<(Campaign, Option<CampaignApproval>)> {
    let campaign = campaigns::by_id(conn, id)?.ok_or(DomainError::NotFound)?;
    let team = owner_team(conn, campaign.owner_id)?.map(|t| t.0);
    policy::may_see_approval(leader.id, team.as_ref())?;
    let approval = db::of(conn, id)?;
    Ok((campaign, approval))
}

/// The leader's read-only page of campaign `id` at `now`. Refusal: `NotFound` (`for_leader`).
pub fn approval_view(
    conn: &mut AnyConnection,
    leader: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<ApprovalView> {
    let (campaign, approval) = for_leader(conn, leader, id)?;
    let schedule = campaign_schedule(conn, campaign.id, campaign.owner_id)?;
    let launch_at = approval
        .as_ref()
        .and_then(|a| a.launch_at)
        .map(|at| schedule.local_text(at));
    let owner_name = accounts::user_by_id(conn, campaign.owner_id)?.name;
    let plan = plan(conn, campaign, false, now)?;
    Ok(ApprovalView {
        from: plan
            .sender
            .map(|s| (s.display_name.clone(), s.email.clone())),
        owner_name,
        approval,
        steps: plan.steps,
        recipients: plan.recipients,
        skipped: plan.skipped,
        schedule: plan.schedule,
        campaign: plan.campaign,
        launch_at,
    })
}

/// The leader approves campaign `id`: it launches as its owner's (at the "Launch at" asked
/// for while that is ahead, else now) or, paused, resumes; recorded in Team activity and
/// the owner is emailed. Returns the flash. Refusals: `policy::may_decide_approval`'s, and
/// the launch's or resume's own (the approval then waits again).
pub fn approve(
    conn: &mut AnyConnection,
    leader: &User,
    id: i64,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (campaign, approval) = decidable(conn, leader, id)?;
    let owner = accounts::user_by_id(conn, campaign.owner_id)?;
    let (waiting, approved) = (ApprovalStatus::Waiting, ApprovalStatus::Approved);
    if !db::decide(conn, id, waiting, approved, leader.id, "", now)? {
        return invalid("This campaign is not waiting for approval any more.");
    }
    let started = if campaign.status.is_draft() {
        let at = approval.launch_at.filter(|at| *at > now);
        launch_approved(conn, &owner, id, at, now)
    } else {
        super::lifecycle::resume(conn, &owner, id, now)
    };
    let started = match started {
        Ok(message) => message,
        Err(e) => {
            db::decide(conn, id, approved, waiting, leader.id, "", now)?;
            return Err(e);
        }
    };
    let notice = format!("{} approved “{}”. {started}", leader.name, campaign.name);
    crate::db::write_transaction(conn, |conn| {
        let detail = format!("“{}”", campaign.name);
        record_activity(
            conn,
            leader.id,
            ActivityKind::Approved,
            &owner.email,
            &detail,
            now,
        )?;
        let subject = format!("“{}” is approved", campaign.name);
        let link = format!("{base_url}/campaigns/{id}");
        let message = messages::campaign_notice(&owner.name, &subject, &notice, &link)?;
        outbox::enqueue(conn, &owner.email, &message, now)?;
        Ok(format!(
            "Approved “{}” for {}: {started}",
            campaign.name, owner.name
        ))
    })
}

/// Campaign `id` and its waiting approval, for the leader to decide.
fn decidable(
    conn: &mut AnyConnection,
    leader: &User,
    id: i64,
) -> DomainResult<(Campaign, CampaignApproval)> {
    let (campaign, approval) = for_leader(conn, leader, id)?;
    let team = owner_team(conn, campaign.owner_id)?.map(|t| t.0);
    policy::may_decide_approval(
        leader.id,
        team.as_ref(),
        approval.as_ref().map(|a| a.status),
    )?;
    let approval = approval.ok_or(DomainError::NotFound)?;
    Ok((campaign, approval))
}

/// The longest rejection reason, in characters.
const REASON_MAX: usize = 1000;

/// The leader rejects campaign `id` with `reason`: it stays a draft (or paused) and its
/// owner sees the reason on its page and is emailed it; recorded in Team activity. Returns
/// the flash. Refusals: `Invalid` for an empty or too long reason, and those of `approve`.
pub fn reject(
    conn: &mut AnyConnection,
    leader: &User,
    id: i64,
    reason: &str,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (campaign, _) = decidable(conn, leader, id)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return invalid(format!(
            "Say why in at most {REASON_MAX} characters, so its owner knows what to change."
        ));
    }
    let owner = accounts::user_by_id(conn, campaign.owner_id)?;
    crate::db::write_transaction(conn, |conn| {
        let (waiting, rejected) = (ApprovalStatus::Waiting, ApprovalStatus::Rejected);
        if !db::decide(conn, id, waiting, rejected, leader.id, reason, now)? {
            return invalid("This campaign is not waiting for approval any more.");
        }
        let detail = format!("“{}”: {reason}", campaign.name);
        record_activity(
            conn,
            leader.id,
            ActivityKind::Rejected,
            &owner.email,
            &detail,
            now,
        )?;
        let notice = format!(
            "{} did not approve “{}”: {reason} Change it and request approval again.",
            leader.name, campaign.name
        );
        let subject = format!("“{}” was not approved", campaign.name);
        let link = format!("{base_url}/campaigns/{id}");
        let message = messages::campaign_notice(&owner.name, &subject, &notice, &link)?;
        outbox::enqueue(conn, &owner.email, &message, now)?;
        Ok(format!(
            "Rejected “{}”: {} is told why.",
            campaign.name, owner.name
        ))
    })
}
