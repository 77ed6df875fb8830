//! Team coordination rules (issue 16): team settings and sequences paused by a company's
//! reply. Part of `policy`, the only place that decides.

use crate::db::models::{Team, User};
use crate::domain::billing::Plan;
use crate::domain::{DomainError, DomainResult, UserId};

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
