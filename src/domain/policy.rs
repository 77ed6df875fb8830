//! Who may do what: the only place that decides. Every function answers from facts the
//! caller loaded and returns `Ok(())` or the refusal to show. Someone else's team, member
//! or invitation is `NotFound`, never a hint that it exists.

use super::billing::Plan;
use super::{DomainError, DomainResult, TeamId, UserId};
use crate::db::models::{Membership, Team, User};

#[path = "policy_coordination.rs"]
mod coordination;
#[path = "policy_invitations.rs"]
mod invitations;
pub use coordination::*;

pub use invitations::{
    AnswerChannel, confirm_address_first, may_answer_invitation, may_remind_to_log_in,
    may_see_invitations_to_address,
};

/// The hint on every full-Teamwork control on a basic plan (starts a sentence).
pub const FULL_TEAMWORK_NEEDED: &str = "Available from plan M";

/// The same inside a sentence.
pub const FULL_TEAMWORK_FROM: &str = "available from plan M";

/// Managing a team (invitations, members): its leader only.
pub fn may_manage_team(actor: &User, team: &Team) -> DomainResult<()> {
    if actor.id == team.leader_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// A member's export toggle and records layer, as stored or as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberPermissions {
    pub can_export: bool,
    /// "View team records" (true) or "Only own records" (false).
    pub sees_team_records: bool,
}

/// Changing a member's export toggle and records layer: the leader, on a plan with full
/// Teamwork. On a basic plan (or a locked team, which has the Free allowances) the one
/// change allowed is switching a member's export back on, so that a downgrade never leaves
/// a member unable to export for good; an unchanged form is accepted too.
///
/// Refusals: `NotFound` for someone else's team; `Forbidden` ("Available from plan M: …")
/// for any other change on a basic plan.
pub fn may_change_permissions(
    actor: &User,
    team: &Team,
    leader_plan: Plan,
    current: MemberPermissions,
    wanted: MemberPermissions,
) -> DomainResult<()> {
    may_manage_team(actor, team)?;
    let only_export_on = wanted.sees_team_records == current.sees_team_records
        && (wanted.can_export || !current.can_export);
    if permissions_open(leader_plan) || only_export_on {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!(
            "{FULL_TEAMWORK_NEEDED}: upgrade on Billing to set export and records permissions. On your plan you can only switch a member's export back on."
        )))
    }
}

/// Setting a member's caps: the leader, on a plan with full Teamwork.
/// Refusals: `NotFound` for someone else's team; `Forbidden` on a basic plan.
pub fn may_set_caps(actor: &User, team: &Team, leader_plan: Plan) -> DomainResult<()> {
    may_manage_team(actor, team)?;
    if permissions_open(leader_plan) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!(
            "{FULL_TEAMWORK_NEEDED}: upgrade on Billing to set caps."
        )))
    }
}

/// Whether the leader's My Team shows the "Allow export again" button for a member whose
/// export is off although the plan has no full Teamwork (the one change allowed there).
pub fn may_switch_export_back_on(leader_plan: Plan, member_can_export: bool) -> bool {
    !permissions_open(leader_plan) && !member_can_export
}

/// A membership the actor may manage (remove the member, change their export and records
/// permissions, set their caps): an active one in the actor's own team. Anything else is
/// `NotFound`, so no one learns of other teams' memberships.
pub fn may_manage_member(actor: &User, team: &Team, membership: &Membership) -> DomainResult<()> {
    may_manage_team(actor, team)?;
    if membership.team_id != team.id || membership.ended_at.is_some() {
        return Err(DomainError::NotFound);
    }
    Ok(())
}

/// Inviting: anyone who is not a member of someone else's team.
pub fn may_invite(actor_membership: Option<&Membership>) -> DomainResult<()> {
    match actor_membership {
        None => Ok(()),
        Some(_) => Err(DomainError::Forbidden(
            "Team members cannot invite. Leave your team first if you want to lead your own."
                .into(),
        )),
    }
}

/// Joining a team: not while in a team, and not while leading one that has members.
pub fn may_join(
    actor_membership: Option<&Membership>,
    actor_active_members: i64,
) -> DomainResult<()> {
    if actor_membership.is_some() {
        return Err(DomainError::Invalid(
            "You are already a member of a team. Leave it first (Leave Team on My Team), then join this one.".into(),
        ));
    }
    if actor_active_members > 0 {
        return Err(DomainError::Invalid(
            "You lead a team that has members. Remove them from My Team first, then join this team.".into(),
        ));
    }
    Ok(())
}

/// Leaving: an active member only.
pub fn may_leave(actor_membership: Option<&Membership>) -> DomainResult<&Membership> {
    actor_membership.ok_or_else(|| DomainError::Invalid("You are not a member of a team.".into()))
}

/// What someone may do with a prospect list, a prospect or (later) a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    View,
    Edit,
    Export,
    Verify,
}

/// The viewer's place in a team, loaded once per request for record decisions.
#[derive(Debug, Clone)]
pub struct TeamSeat {
    pub leader_id: UserId,
    pub is_leader: bool,
    /// The member's records layer ("View team records"); the leader sees all regardless.
    pub sees_team_records: bool,
    /// The member's export toggle; the leader may always export.
    pub can_export: bool,
    /// The leader's plan has lapsed: no team records, no shared units.
    pub locked: bool,
    /// The leader's plan has full Teamwork (M and up).
    pub full_teamwork: bool,
    /// The leader and every active member.
    pub people: Vec<UserId>,
}

impl TeamSeat {
    /// Whether the viewer may look at records of other people in the team at all.
    pub fn sees_others(&self) -> bool {
        self.full_teamwork && !self.locked && (self.is_leader || self.sees_team_records)
    }

    /// A member whose leader turned their export toggle off. It holds in every plan state:
    /// on a basic plan and in a locked team too (only the leader can switch it back on).
    fn export_switched_off(&self) -> bool {
        !self.is_leader && !self.can_export
    }
}

/// Whether `viewer_id` may do `action` to a record owned by `owner_id`, in one call:
/// records of people the viewer may not see answer `NotFound` whatever the action (so no
/// caller checks `View` first); seen but not allowed, `Forbidden` with the reason.
pub fn may_access_record(
    viewer_id: UserId,
    seat: Option<&TeamSeat>,
    owner_id: UserId,
    action: RecordAction,
) -> DomainResult<()> {
    if viewer_id == owner_id {
        return match (action, seat) {
            (RecordAction::Export, Some(seat)) if seat.export_switched_off() => {
                Err(DomainError::Forbidden(
                    "Your team leader has turned export off for you, so you cannot export lists."
                        .into(),
                ))
            }
            _ => Ok(()),
        };
    }
    let seat = seat.ok_or(DomainError::NotFound)?;
    if !seat.sees_others() || !seat.people.contains(&owner_id) {
        return Err(DomainError::NotFound);
    }
    match action {
        RecordAction::View => Ok(()),
        RecordAction::Export if seat.is_leader || seat.can_export => Ok(()),
        RecordAction::Export => Err(DomainError::Forbidden(
            "Your team leader has turned export off for you, so you cannot export lists.".into(),
        )),
        RecordAction::Edit | RecordAction::Verify => Err(DomainError::Forbidden(
            "Team records are read only: only their owner can change them.".into(),
        )),
    }
}

/// Forgetting a prospect (`domain::prospects::forget`: the person erased from every list,
/// campaign and email of the team): its owner, or the team's leader for a member's
/// prospect. A deliberate exception to "team records are read only" (`may_access_record`
/// refuses `Edit` of a teammate's record): a person's request to be forgotten (GDPR
/// Art. 17) is made to the team, and the leader answers for the team without waiting for
/// the owner. A member with "View team records" only reads, so may not. Refusals as for
/// any record: `NotFound` for a prospect the viewer may not see, `Forbidden` for a seen one.
pub fn may_forget_prospect(
    viewer_id: UserId,
    seat: Option<&TeamSeat>,
    owner_id: UserId,
) -> DomainResult<()> {
    may_access_record(viewer_id, seat, owner_id, RecordAction::View)?;
    if viewer_id == owner_id || seat.is_some_and(|s| s.is_leader) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "Only the prospect's owner or your team leader can forget a prospect. Ask one of them."
                .into(),
        ))
    }
}

/// Team statistics: the team's leader (or a user who may become one), on full Teamwork.
pub fn may_view_statistics(
    actor_membership: Option<&Membership>,
    actor_plan: Plan,
) -> DomainResult<()> {
    if actor_membership.is_some() {
        return Err(DomainError::Forbidden(
            "Team statistics are for the team leader.".into(),
        ));
    }
    if !actor_plan.has_full_teamwork() {
        return Err(DomainError::Forbidden(format!(
            "Team statistics are {FULL_TEAMWORK_FROM}: upgrade on Billing to see them."
        )));
    }
    Ok(())
}

/// Sender email accounts are private: only the user who added one sees or uses it — for
/// a person in a form and for the campaign sender, which passes the campaign owner's id
/// (a campaign moved to another member never sends from the former owner's account).
/// Someone else's account is `NotFound`.
pub fn may_use_sender(actor_id: UserId, sender_owner_id: UserId) -> DomainResult<()> {
    if actor_id == sender_owner_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Sending (launching, resuming, each claim of the sender job) a campaign of
/// `campaign_owner_id` from its sender account, owned by `sender_owner_id`: only from an
/// account of the campaign's owner (`may_use_sender`). `None`: the campaign has no sender
/// account (cleared by a record transfer). Refusal: `Invalid` asking the owner to choose
/// one of theirs in the settings before `doing` ("resuming", "launching").
pub fn may_send_from(
    campaign_owner_id: UserId,
    sender_owner_id: Option<UserId>,
    doing: &str,
) -> DomainResult<()> {
    match sender_owner_id.map(|owner| may_use_sender(campaign_owner_id, owner)) {
        Some(Ok(())) => Ok(()),
        _ => Err(DomainError::Invalid(format!(
            "Choose one of your own sender accounts in the settings before {doing}."
        ))),
    }
}

/// A campaign's prospect list must be its owner's own list (team records are read only).
/// Someone else's list is `NotFound`.
pub fn may_use_list(actor_id: UserId, list_owner_id: UserId) -> DomainResult<()> {
    if actor_id == list_owner_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// An import (its mapping page, its start, its report) is its importer's alone; anyone
/// else gets `NotFound`.
pub fn may_use_import(actor_id: UserId, import_owner_id: UserId) -> DomainResult<()> {
    if actor_id == import_owner_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Who may receive a removed member's lists and campaigns: the team's leader, or another
/// active member of the same team (`heir_team_id` is the team of the heir's active
/// membership, if any). Checked inside the removal's transaction. Refusal: `Invalid` with
/// the message for the removal form; nothing is changed.
pub fn may_inherit_records(
    team: &Team,
    removed_member_id: UserId,
    heir_id: UserId,
    heir_team_id: Option<TeamId>,
) -> DomainResult<()> {
    let in_team = heir_id == team.leader_id || heir_team_id == Some(team.id);
    if in_team && heir_id != removed_member_id {
        Ok(())
    } else {
        Err(DomainError::Invalid(
            "Records can go to you or to an active member of your team. Nothing was changed."
                .into(),
        ))
    }
}

/// Whether per-member caps are enforced: they are part of full Teamwork (plan M and up);
/// on a basic plan, or in a locked team (Free allowances), they rest, kept for later.
pub fn caps_apply(leader_plan: Plan) -> bool {
    leader_plan.has_full_teamwork()
}

/// Whether My Team's export toggles, records layers and caps are open for the leader to
/// change (full Teamwork); on a basic plan they show disabled with "Available from plan M".
pub fn permissions_open(leader_plan: Plan) -> bool {
    leader_plan.has_full_teamwork()
}

/// Custom fields are private to their creator: only they may map an import column to one
/// (when the import is queued and again when the background job runs it). Someone else's
/// field is `NotFound`.
pub fn may_use_custom_field(actor_id: UserId, field_owner_id: UserId) -> DomainResult<()> {
    if actor_id == field_owner_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Whose do-not-email list a user's campaigns honour and their additions go to: while they
/// are an active member, their team's (kept under `active_team_leader`); otherwise their
/// own. It holds in a locked team too: a lapsed plan never lets a team email an address it
/// promised not to.
pub fn do_not_email_list(user_id: UserId, active_team_leader: Option<UserId>) -> UserId {
    active_team_leader.unwrap_or(user_id)
}

/// Downloading the do-not-email list (CSV) is an export: refused (`Forbidden`) to a member
/// whose leader turned their export toggle off, as their lists' exports are; everyone else
/// who uses the list may, as they may see it.
pub fn may_download_do_not_email(seat: Option<&TeamSeat>) -> DomainResult<()> {
    if seat.is_some_and(TeamSeat::export_switched_off) {
        return Err(DomainError::Forbidden(
            "Your team leader has turned export off for you, so you cannot download the do-not-email list."
                .into(),
        ));
    }
    Ok(())
}

/// Removing an entry from a do-not-email list is its owner's (the team leader, or a user
/// with no team); the leader and every member may add. Refusal: `Forbidden` for a member,
/// who asks the leader.
pub fn may_remove_do_not_email(actor_id: UserId, list_owner_id: UserId) -> DomainResult<()> {
    if actor_id == list_owner_id {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "Only your team leader can remove an entry from the do-not-email list. Ask them to."
                .into(),
        ))
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
