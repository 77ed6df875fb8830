//! Team coordination rules (issue 16): team settings, sequences paused by a company's
//! reply, a teammate's contact named or not, and reading Team activity. Part of `policy`,
//! the only place that decides.

use super::TeamSeat;
use crate::db::models::{Membership, Team, User};
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
