//! Team coordination rules (issue 16): team settings, sequences paused by a company's
//! reply, a teammate's contact named or not, reading Team activity, and launch approval.
//! Part of `policy`, the only place that decides.

use super::TeamSeat;
use crate::db::models::{Membership, Team, User};
use crate::db::values::ApprovalStatus;
use crate::domain::billing::Plan;
use crate::domain::{DomainError, DomainResult, TeamId, UserId};

/// Changing the team's settings on My Team ("a reply pauses the team's sequences to that
/// company"): the leader, on a plan with full Teamwork. Refusals: `NotFound` for someone
/// else's team; `Forbidden` ("Available from plan M: …") on a basic plan.
pub fn may_change_team_settings(actor: &User, team: &Team, leader_plan: Plan) -> DomainResult<()> {
    super::may_manage_team(actor, team)?;
    if super::permissions_open(leader_plan) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!(
            "{}: upgrade on Billing to change team settings.",
            super::FULL_TEAMWORK_NEEDED
        )))
    }
}

/// Whether a reply pauses the sequences to the replier's company: always for someone
/// outside a team (their own other campaigns), and in a team when its setting is on (the
/// default).
pub fn company_pause_applies(team_setting: Option<bool>) -> bool {
    team_setting.unwrap_or(true)
}

/// Resuming one recipient's paused sequence: the campaign's owner only (a teammate's or
/// the leader's campaign is `NotFound`, as everywhere for someone else's campaign).
pub fn may_resume_recipient(actor_id: UserId, campaign_owner_id: UserId) -> DomainResult<()> {
    if actor_id == campaign_owner_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Switching "Campaigns need approval" for a member on My Team: the leader, on a plan with
/// full Teamwork. Refusals: `NotFound` for someone else's team; `Forbidden` ("Available
/// from plan M: …") on a basic plan.
pub fn may_set_launch_approval(actor: &User, team: &Team, leader_plan: Plan) -> DomainResult<()> {
    super::may_manage_team(actor, team)?;
    if super::permissions_open(leader_plan) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!(
            "{}: upgrade on Billing to require launch approval.",
            super::FULL_TEAMWORK_NEEDED
        )))
    }
}

/// Whether a user's launches need their leader's approval: the leader switched it on for
/// their active membership (`switched_on`), and the leader's plan has full Teamwork (on a
/// basic plan the switch rests, kept and not applied, like caps). Leaders and users in no
/// team never need it.
pub fn launch_needs_approval(switched_on: bool, leader_plan: Plan) -> bool {
    switched_on && super::permissions_open(leader_plan)
}

/// Starting a campaign's sending by any route (launch now, "Launch at", resuming a paused
/// one): allowed unless its owner's launches need approval (`launch_needs_approval`) and
/// the campaign's approval (`None`: never asked for, or voided by a change) is not
/// `Approved`. Refusal: `Forbidden`, saying to request approval.
pub fn may_launch(needs_approval: bool, approval: Option<ApprovalStatus>) -> DomainResult<()> {
    if !needs_approval || approval == Some(ApprovalStatus::Approved) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "Your team leader approves your campaigns: use Request approval, and it starts when they approve it.".into(),
        ))
    }
}

/// Asking the leader to approve a campaign: its owner, whose launches need approval and
/// whose campaign is not waiting already. Refusals: `Invalid` when no approval is needed
/// (launch it) or one is already asked for.
pub fn may_request_approval(
    needs_approval: bool,
    approval: Option<ApprovalStatus>,
) -> DomainResult<()> {
    if !needs_approval {
        Err(DomainError::Invalid(
            "Your campaigns need no approval: launch it yourself.".into(),
        ))
    } else if approval == Some(ApprovalStatus::Waiting) {
        Err(DomainError::Invalid(
            "This campaign is already waiting for approval.".into(),
        ))
    } else {
        Ok(())
    }
}

/// Seeing a campaign on the leader's approval page: the leader of the team its owner is an
/// active member of (`owner_team`); anyone else gets `NotFound`, as for a record they may
/// not know of.
pub fn may_see_approval(actor_id: UserId, owner_team: Option<&Team>) -> DomainResult<()> {
    match owner_team {
        Some(team) if team.leader_id == actor_id => Ok(()),
        _ => Err(DomainError::NotFound),
    }
}

/// Approving or rejecting a campaign: as `may_see_approval`, and only while it waits for
/// approval. Refusals: `NotFound`; `Invalid` when it is not waiting (never asked for,
/// decided already, or changed by its owner since).
pub fn may_decide_approval(
    actor_id: UserId,
    owner_team: Option<&Team>,
    approval: Option<ApprovalStatus>,
) -> DomainResult<()> {
    may_see_approval(actor_id, owner_team)?;
    if approval == Some(ApprovalStatus::Waiting) {
        Ok(())
    } else {
        Err(DomainError::Invalid(
            "This campaign is not waiting for approval (its owner may have changed it since)."
                .into(),
        ))
    }
}

/// Whether a teammate contacting an address is named (who, which campaign) to this viewer:
/// when they may see others' records (the leader, or "View team records" on full
/// Teamwork); otherwise only "a teammate".
pub fn teammate_named(seat: &TeamSeat) -> bool {
    seat.sees_others()
}

/// Whether the sender and launches must skip a prospect a teammate is contacting: the
/// team's setting "Never contact a prospect a teammate is already contacting". Without it a
/// launch skips them by default and its owner may include them.
pub fn never_contact_enforced(team_setting: bool) -> bool {
    team_setting
}

/// Team activity (the full log, its filters and its CSV download): the team's leader only.
/// A member is refused (`Forbidden`), as for Team statistics; someone who leads no team
/// (`led_team` is `None`: nobody was ever invited) gets `NotFound`. Any plan: the log is
/// kept and read on a basic plan and in a locked team too. Returns the team whose log the
/// actor reads.
pub fn may_view_team_activity(
    actor: &User,
    actor_membership: Option<&Membership>,
    led_team: Option<&Team>,
) -> DomainResult<TeamId> {
    if actor_membership.is_some() {
        return Err(DomainError::Forbidden(
            "Team activity is for the team leader.".into(),
        ));
    }
    let team = led_team.ok_or(DomainError::NotFound)?;
    super::may_manage_team(actor, team)?;
    Ok(team.id)
}
