//! Changing a membership: the member a leader manages, their permissions, leaving a team,
//! and a user's seat in a team (what policy decides records with). Ending a membership
//! deletes nothing: the row stays as a former member, with its usage.

use chrono::NaiveDateTime;

use crate::db::ids::MembershipId;
use crate::db::models::{Membership, Team, User};
use crate::db::values::{ActivityKind, MembershipEnd, RecordsScope};
use crate::db::{AnyConnection, accounts, team as db};
use crate::domain::billing::{self, plan_expired};
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult, policy};
use crate::mail::{messages, outbox};

/// The leader's own team and plan, or NotFound for anyone who leads none.
fn own_team(conn: &mut AnyConnection, leader: &User) -> DomainResult<Team> {
    db::team_by_leader(conn, leader.id)?.ok_or(DomainError::NotFound)
}

/// A member the leader manages — to remove them, change their permissions or set their
/// caps: the leader's team, the active membership `membership_id` in it and the member's
/// account. Anyone who leads no team, or a membership of another team or one that ended,
/// gets `NotFound` (`policy::may_manage_member`).
pub fn managed_member(
    conn: &mut AnyConnection,
    leader: &User,
    membership_id: MembershipId,
) -> DomainResult<(Team, Membership, User)> {
    let team = own_team(conn, leader)?;
    let membership = db::membership_by_id(conn, membership_id)?.ok_or(DomainError::NotFound)?;
    policy::may_manage_member(leader, &team, &membership)?;
    let member = accounts::user_by_id(conn, membership.user_id)?;
    Ok((team, membership, member))
}

/// Sets a member's export toggle and records layer, recorded in Team activity; a form saved
/// unchanged records nothing and says "Nothing changed". Returns the flash. Refusals:
/// `NotFound` for a membership the leader does not manage; `Forbidden` for a change a basic
/// plan does not allow (`policy::may_change_permissions`).
pub fn set_permissions(
    conn: &mut AnyConnection,
    leader: &User,
    membership_id: MembershipId,
    can_export: bool,
    scope: RecordsScope,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, membership, member) = managed_member(conn, leader, membership_id)?;
    let current = policy::MemberPermissions {
        can_export: membership.can_export,
        sees_team_records: membership.records_scope == RecordsScope::TeamRecords,
    };
    let wanted = policy::MemberPermissions {
        can_export,
        sees_team_records: scope == RecordsScope::TeamRecords,
    };
    policy::may_change_permissions(
        leader,
        &team,
        billing::effective_plan(leader, now),
        current,
        wanted,
    )?;
    let detail = format!(
        "export {}, {}",
        if can_export { "on" } else { "off" },
        scope.label()
    );
    if wanted == current {
        return Ok(format!(
            "Nothing changed: {} already has {detail}.",
            member.name
        ));
    }
    crate::db::write_transaction(conn, |conn| {
        db::set_member_permissions(conn, membership.id, can_export, scope)?;
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &member.email,
            ActivityKind::PermissionChanged,
            &detail,
            now,
        )?;
        Ok(format!("Permissions of {} saved: {detail}.", member.name))
    })
}

/// Switches "Campaigns need approval" for a member (`campaigns::approval`), recorded in
/// Team activity; saved unchanged it records nothing and says "Nothing changed". Returns
/// the flash. Refusals: `NotFound` for a membership the leader does not manage;
/// `Forbidden` on a basic plan (`policy::may_set_launch_approval`).
pub fn set_launch_approval(
    conn: &mut AnyConnection,
    leader: &User,
    membership_id: MembershipId,
    on: bool,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, membership, member) = managed_member(conn, leader, membership_id)?;
    policy::may_set_launch_approval(leader, &team, billing::effective_plan(leader, now))?;
    let detail = if on {
        "campaigns need approval"
    } else {
        "campaigns launch without approval"
    };
    if membership.launch_needs_approval == on {
        return Ok(format!("Nothing changed: {}'s {detail}.", member.name));
    }
    crate::db::write_transaction(conn, |conn| {
        crate::db::approvals::set_needs_approval(conn, membership.id, on)?;
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &member.email,
            ActivityKind::ApprovalRuleChanged,
            detail,
            now,
        )?;
        Ok(format!("Saved: {}'s {detail}.", member.name))
    })
}

/// Ends the user's membership (their lists and campaigns stay theirs; the leader is told);
/// returns the flash message. Refusal: `Invalid` for someone in no team.
pub fn leave(
    conn: &mut AnyConnection,
    member: &User,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let current = db::active_membership_of(conn, member.id)?;
    let membership = policy::may_leave(current.as_ref())?;
    let team = db::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
    let leader = accounts::user_by_id(conn, team.leader_id)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::end_membership(conn, membership.id, MembershipEnd::Left, now)? {
            return Err(DomainError::Invalid(
                "You are not a member of a team.".into(),
            ));
        }
        do_not_email::copy_on_departure(conn, team.leader_id, member.id, now)?;
        db::insert_activity(
            conn,
            team.id,
            member.id,
            &member.email,
            ActivityKind::Left,
            "",
            now,
        )?;
        let notice = format!(
            "{} ({}) left your team. Their records stay with them.",
            member.name, member.email
        );
        let message = messages::team_notice(
            &leader.name,
            &format!("{} left your team", member.name),
            &notice,
            &format!("{base_url}/account/team"),
        )?;
        outbox::enqueue(conn, &leader.email, &message, now)?;
        Ok(format!(
            "You left {}'s team. You now use your own plan.",
            leader.name
        ))
    })
}

/// The user's seat in a team (as leader or active member), for record decisions.
pub fn team_seat(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<Option<policy::TeamSeat>> {
    let (team, leader, membership) =
        if let Some(membership) = db::active_membership_of(conn, user.id)? {
            let team = db::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
            let leader = accounts::user_by_id(conn, team.leader_id)?;
            (team, leader, Some(membership))
        } else if let Some(team) = db::team_by_leader(conn, user.id)? {
            (team, user.clone(), None)
        } else {
            return Ok(None);
        };
    let mut people = vec![leader.id];
    people.extend(db::active_member_ids(conn, team.id)?);
    Ok(Some(policy::TeamSeat {
        leader_id: leader.id,
        is_leader: membership.is_none(),
        sees_team_records: membership
            .as_ref()
            .is_some_and(|m| m.records_scope == RecordsScope::TeamRecords),
        can_export: membership.as_ref().is_none_or(|m| m.can_export),
        locked: plan_expired(&leader, now),
        full_teamwork: billing::effective_plan(&leader, now).has_full_teamwork(),
        people,
    }))
}
