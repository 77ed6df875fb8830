//! Queries on teams, memberships, invitations and team activity.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{MembershipId, TeamId, UserId};
use super::models::{Invitation, Membership, Team, User};
use super::schema::{invitations, memberships, team_activity, teams, users};
use super::values::{ActivityKind, InvitationStatus, MembershipEnd, RecordsScope};
use super::{AnyConnection, DbError};

pub fn team_by_leader(
    conn: &mut AnyConnection,
    leader_id: UserId,
) -> Result<Option<Team>, DbError> {
    Ok(teams::table
        .filter(teams::leader_id.eq(leader_id))
        .select(Team::as_select())
        .first(conn)
        .optional()?)
}

pub fn team_by_id(conn: &mut AnyConnection, team_id: TeamId) -> Result<Option<Team>, DbError> {
    Ok(teams::table
        .find(team_id)
        .select(Team::as_select())
        .first(conn)
        .optional()?)
}

/// The leader's team, created on first use.
pub fn ensure_team(
    conn: &mut AnyConnection,
    leader_id: UserId,
    now: NaiveDateTime,
) -> Result<Team, DbError> {
    if let Some(team) = team_by_leader(conn, leader_id)? {
        return Ok(team);
    }
    let id: TeamId = diesel::insert_into(teams::table)
        .values((teams::leader_id.eq(leader_id), teams::created_at.eq(now)))
        .returning(teams::id)
        .get_result(conn)?;
    Ok(Team {
        id,
        leader_id,
        created_at: now,
        reply_pauses_company: true,
        never_contact_teammates: false,
    })
}

pub fn active_membership_of(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> Result<Option<Membership>, DbError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::ended_at.is_null())
        .select(Membership::as_select())
        .first(conn)
        .optional()?)
}

pub fn membership_by_id(
    conn: &mut AnyConnection,
    id: MembershipId,
) -> Result<Option<Membership>, DbError> {
    Ok(memberships::table
        .find(id)
        .select(Membership::as_select())
        .first(conn)
        .optional()?)
}

/// Every membership of the team, active and former, with the member, oldest first.
pub fn memberships_with_users(
    conn: &mut AnyConnection,
    team_id: TeamId,
) -> Result<Vec<(Membership, User)>, DbError> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::team_id.eq(team_id))
        .order(memberships::id)
        .select((Membership::as_select(), User::as_select()))
        .load(conn)?)
}

pub fn active_member_ids(
    conn: &mut AnyConnection,
    team_id: TeamId,
) -> Result<Vec<UserId>, DbError> {
    Ok(memberships::table
        .filter(memberships::team_id.eq(team_id))
        .filter(memberships::ended_at.is_null())
        .order(memberships::id)
        .select(memberships::user_id)
        .load(conn)?)
}

pub fn count_active_members(conn: &mut AnyConnection, team_id: TeamId) -> Result<i64, DbError> {
    Ok(memberships::table
        .filter(memberships::team_id.eq(team_id))
        .filter(memberships::ended_at.is_null())
        .count()
        .get_result(conn)?)
}

pub fn insert_membership(
    conn: &mut AnyConnection,
    team_id: TeamId,
    user_id: UserId,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::team_id.eq(team_id),
            memberships::user_id.eq(user_id),
            memberships::joined_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends an active membership; false when it had already ended.
pub fn end_membership(
    conn: &mut AnyConnection,
    id: MembershipId,
    reason: MembershipEnd,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        memberships::table
            .find(id)
            .filter(memberships::ended_at.is_null()),
    )
    .set((
        memberships::ended_at.eq(now),
        memberships::end_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn set_member_permissions(
    conn: &mut AnyConnection,
    id: MembershipId,
    can_export: bool,
    records_scope: RecordsScope,
) -> Result<(), DbError> {
    diesel::update(memberships::table.find(id))
        .set((
            memberships::can_export.eq(can_export),
            memberships::records_scope.eq(records_scope),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_member_caps(
    conn: &mut AnyConnection,
    id: MembershipId,
    credit_cap: Option<i32>,
    recipient_cap: Option<i32>,
) -> Result<(), DbError> {
    diesel::update(memberships::table.find(id))
        .set((
            memberships::credit_cap.eq(credit_cap),
            memberships::recipient_cap.eq(recipient_cap),
        ))
        .execute(conn)?;
    Ok(())
}

/// Pending invitations sent before `sent_before` with fewer than `reminders` reminders.
pub fn invitations_due_a_reminder(
    conn: &mut AnyConnection,
    reminders: i32,
    sent_before: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Vec<Invitation>, DbError> {
    Ok(invitations::table
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .filter(invitations::reminders_sent.lt(reminders))
        .filter(invitations::last_sent_at.le(sent_before))
        .filter(invitations::expires_at.gt(now))
        .select(Invitation::as_select())
        .load(conn)?)
}

/// Counts reminder number `reminders` as sent; false when another process already did.
pub fn claim_reminder(conn: &mut AnyConnection, id: i64, reminders: i32) -> Result<bool, DbError> {
    let changed = diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::status.eq(InvitationStatus::Pending))
            .filter(invitations::reminders_sent.lt(reminders)),
    )
    .set(invitations::reminders_sent.eq(reminders))
    .execute(conn)?;
    Ok(changed == 1)
}

pub struct NewInvitation<'a> {
    pub team_id: TeamId,
    pub email: &'a str,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub now: NaiveDateTime,
}

pub fn insert_invitation(conn: &mut AnyConnection, new: &NewInvitation) -> Result<i64, DbError> {
    Ok(diesel::insert_into(invitations::table)
        .values((
            invitations::team_id.eq(new.team_id),
            invitations::email.eq(new.email),
            invitations::token_hash.eq(new.token_hash),
            invitations::expires_at.eq(new.expires_at),
            invitations::last_sent_at.eq(new.now),
            invitations::created_at.eq(new.now),
        ))
        .returning(invitations::id)
        .get_result(conn)?)
}

pub fn invitation_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Invitation>, DbError> {
    Ok(invitations::table
        .find(id)
        .select(Invitation::as_select())
        .first(conn)
        .optional()?)
}

pub fn invitation_by_token_hash(
    conn: &mut AnyConnection,
    hash: &str,
) -> Result<Option<Invitation>, DbError> {
    Ok(invitations::table
        .filter(invitations::token_hash.eq(hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()?)
}

pub fn pending_invitation(
    conn: &mut AnyConnection,
    team_id: TeamId,
    email: &str,
) -> Result<Option<Invitation>, DbError> {
    Ok(invitations::table
        .filter(invitations::team_id.eq(team_id))
        .filter(invitations::email.eq(email))
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .select(Invitation::as_select())
        .first(conn)
        .optional()?)
}

pub fn pending_invitations_of_team(
    conn: &mut AnyConnection,
    team_id: TeamId,
) -> Result<Vec<Invitation>, DbError> {
    Ok(invitations::table
        .filter(invitations::team_id.eq(team_id))
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .order(invitations::id)
        .select(Invitation::as_select())
        .load(conn)?)
}

/// Pending invitations addressed to `email`, with the inviting leader.
pub fn pending_invitations_for(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Vec<(Invitation, User)>, DbError> {
    Ok(invitations::table
        .inner_join(teams::table.inner_join(users::table))
        .filter(invitations::email.eq(email))
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .order(invitations::id)
        .select((Invitation::as_select(), User::as_select()))
        .load(conn)?)
}

/// Moves a pending invitation to `status`; false when it was no longer pending.
pub fn close_invitation(
    conn: &mut AnyConnection,
    id: i64,
    status: InvitationStatus,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::status.eq(InvitationStatus::Pending)),
    )
    .set((
        invitations::status.eq(status),
        invitations::responded_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Gives a pending invitation a new token (the old link dies) and a new expiry.
pub fn replace_invitation_token(
    conn: &mut AnyConnection,
    id: i64,
    token_hash: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::status.eq(InvitationStatus::Pending)),
    )
    .set((
        invitations::token_hash.eq(token_hash),
        invitations::expires_at.eq(expires_at),
        invitations::last_sent_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Writes one line of team `team_id`'s activity (see `domain::team::record_activity`).
pub fn insert_activity(
    conn: &mut AnyConnection,
    team_id: TeamId,
    actor_id: UserId,
    subject_email: &str,
    action: ActivityKind,
    detail: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(team_activity::table)
        .values((
            team_activity::team_id.eq(team_id),
            team_activity::actor_id.eq(actor_id),
            team_activity::subject_email.eq(subject_email),
            team_activity::action.eq(action),
            team_activity::detail.eq(detail),
            team_activity::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Invitations sent or resent by the team since `since` (the sending throttle).
pub fn invitations_sent_since(
    conn: &mut AnyConnection,
    team_id: TeamId,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(team_activity::table
        .filter(team_activity::team_id.eq(team_id))
        .filter(team_activity::action.eq_any([ActivityKind::Invited, ActivityKind::Resent]))
        .filter(team_activity::created_at.gt(since))
        .count()
        .get_result(conn)?)
}
