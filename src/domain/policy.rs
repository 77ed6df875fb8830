//! Who may do what: the only place that decides. Every function answers from facts the
//! caller loaded and returns `Ok(())` or the refusal to show. Someone else's team, member
//! or invitation is `NotFound`, never a hint that it exists.

use super::plans::Plan;
use super::{DomainError, DomainResult};
use crate::db::models::{Invitation, Membership, Team, User};

/// The message of every full-Teamwork control on a basic plan.
pub const FULL_TEAMWORK_NEEDED: &str = "Available from plan M";

/// Managing a team (invitations, members): its leader only.
pub fn may_manage_team(actor: &User, team: &Team) -> DomainResult<()> {
    if actor.id == team.leader_id {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Export toggle and records layer: the leader, on a plan with full Teamwork.
pub fn may_change_permissions(actor: &User, team: &Team, leader_plan: Plan) -> DomainResult<()> {
    may_manage_team(actor, team)?;
    if leader_plan.has_full_teamwork() {
        Ok(())
    } else {
        Err(DomainError::Forbidden(format!(
            "{FULL_TEAMWORK_NEEDED}: upgrade on Billing to set export and records permissions."
        )))
    }
}

/// A membership the actor may remove: an active one in the actor's own team.
pub fn may_remove_member(actor: &User, team: &Team, membership: &Membership) -> DomainResult<()> {
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

/// Answering (joining or declining) an invitation: only the invited address.
pub fn may_answer_invitation(actor: &User, invitation: &Invitation) -> DomainResult<()> {
    if actor.email == invitation.email {
        Ok(())
    } else {
        Err(DomainError::NotFound)
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn user(id: i64, email: &str) -> User {
        User {
            id,
            email: email.into(),
            name: "x".into(),
            password_hash: String::new(),
            plan: "free".into(),
            period_anchor: NaiveDateTime::default(),
            paid_until: None,
            created_at: NaiveDateTime::default(),
        }
    }

    fn team(leader_id: i64) -> Team {
        Team {
            id: 10,
            leader_id,
            created_at: NaiveDateTime::default(),
        }
    }

    fn membership(team_id: i64, ended: bool) -> Membership {
        Membership {
            id: 5,
            team_id,
            user_id: 2,
            can_export: true,
            records_scope: "own".into(),
            joined_at: NaiveDateTime::default(),
            ended_at: ended.then(NaiveDateTime::default),
            end_reason: None,
        }
    }

    #[test]
    fn only_the_leader_manages_and_others_see_not_found() {
        assert!(may_manage_team(&user(1, "l@x.io"), &team(1)).is_ok());
        assert!(matches!(
            may_manage_team(&user(2, "m@x.io"), &team(1)),
            Err(DomainError::NotFound)
        ));
    }

    #[test]
    fn permissions_need_plan_m() {
        let leader = user(1, "l@x.io");
        assert!(may_change_permissions(&leader, &team(1), Plan::M).is_ok());
        assert!(matches!(
            may_change_permissions(&leader, &team(1), Plan::S),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            may_change_permissions(&user(3, "o@x.io"), &team(1), Plan::Xl),
            Err(DomainError::NotFound)
        ));
    }

    #[test]
    fn removal_only_of_active_members_of_own_team() {
        let leader = user(1, "l@x.io");
        assert!(may_remove_member(&leader, &team(1), &membership(10, false)).is_ok());
        assert!(may_remove_member(&leader, &team(1), &membership(11, false)).is_err());
        assert!(may_remove_member(&leader, &team(1), &membership(10, true)).is_err());
    }

    #[test]
    fn one_team_per_user() {
        assert!(may_invite(None).is_ok());
        assert!(may_invite(Some(&membership(10, false))).is_err());
        assert!(may_join(None, 0).is_ok());
        assert!(may_join(Some(&membership(10, false)), 0).is_err());
        assert!(may_join(None, 2).is_err());
    }
}
