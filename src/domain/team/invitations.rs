//! Invitations, the leader's side: send, resend, cancel. Tokens are single-use and stored
//! as SHA-256 only; resend replaces the token, so the old link dies. The invited person's
//! answer is in `invitation_answers`.

use chrono::{Duration, NaiveDateTime};

use crate::db::models::{Invitation, Team, User};
use crate::db::values::{ActivityKind, InvitationStatus};
use crate::db::{AnyConnection, DbError, accounts, team as db};
use crate::domain::accounts::EmailAddress;
use crate::domain::accounts::tokens;
use crate::domain::{DomainError, DomainResult, invalid, policy};
use crate::mail::{messages, outbox};

/// How many invitations (new or resent) a team may send per hour.
pub const SENDS_PER_HOUR: i64 = 20;

/// What the invitation emails need from the environment.
pub struct InviteSettings<'a> {
    pub base_url: &'a str,
    pub ttl_days: i64,
}

fn send_email(
    conn: &mut AnyConnection,
    leader: &User,
    to: &str,
    token: &str,
    expires_at: NaiveDateTime,
    settings: &InviteSettings,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let link = format!("{}/invitations/{token}", settings.base_url);
    let message = messages::invitation(&leader.name, &leader.email, &link, expires_at)?;
    outbox::enqueue(conn, to, &message, now)?;
    Ok(())
}

fn check_throttle(conn: &mut AnyConnection, team: &Team, now: NaiveDateTime) -> DomainResult<()> {
    if db::invitations_sent_since(conn, team.id, now - Duration::hours(1))? >= SENDS_PER_HOUR {
        return Err(DomainError::Throttled(format!(
            "You have sent {SENDS_PER_HOUR} invitations in the last hour. Please wait a while before sending more."
        )));
    }
    Ok(())
}

/// Invites `email` to the leader's team (creating the team on the first invitation) and
/// emails the link; returns the flash message. Refusals: `Forbidden` for a member of another
/// team, `Invalid` for the leader's own address or one already in the team or pending,
/// `Throttled` past `SENDS_PER_HOUR`.
pub fn invite(
    conn: &mut AnyConnection,
    leader: &User,
    email: &EmailAddress,
    settings: &InviteSettings,
    now: NaiveDateTime,
) -> DomainResult<String> {
    policy::may_invite(db::active_membership_of(conn, leader.id)?.as_ref())?;
    let email = email.as_str();
    if email == leader.email {
        return invalid("You cannot invite yourself.");
    }
    let team = db::ensure_team(conn, leader.id, now)?;
    if let Some(invitee) = accounts::user_by_email(conn, email)? {
        if let Some(membership) = db::active_membership_of(conn, invitee.id)? {
            return if membership.team_id == team.id {
                invalid(format!("{email} is already a member of your team."))
            } else {
                invalid(format!(
                    "{email} is already a member of another team. They must leave it before they can join yours."
                ))
            };
        }
        if let Some(their_team) = db::team_by_leader(conn, invitee.id)?
            && db::count_active_members(conn, their_team.id)? > 0
        {
            return invalid(format!(
                "{email} leads a team with members. They must empty their team before they can join yours."
            ));
        }
    }
    if db::pending_invitation(conn, team.id, email)?.is_some() {
        return invalid(format!(
            "An invitation to {email} is already pending. Use Resend in the list below to send it again."
        ));
    }
    check_throttle(conn, &team, now)?;
    let (token, hash) = tokens::generate();
    let expires_at = now + Duration::days(settings.ttl_days);
    let sent = crate::db::write_transaction(conn, |conn| {
        db::insert_invitation(
            conn,
            &db::NewInvitation {
                team_id: team.id,
                email,
                token_hash: &hash,
                expires_at,
                now,
            },
        )?;
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            email,
            ActivityKind::Invited,
            "",
            now,
        )?;
        send_email(conn, leader, email, &token, expires_at, settings, now)
    });
    match sent {
        Err(DomainError::Db(DbError::Conflict(_))) => {
            invalid(format!("An invitation to {email} is already pending."))
        }
        Err(e) => Err(e),
        Ok(()) => Ok(format!(
            "Invitation sent to {email}. Your future team member will get an invitation email that they need to confirm."
        )),
    }
}

/// A pending invitation of the leader's own team.
fn own_pending(
    conn: &mut AnyConnection,
    leader: &User,
    invitation_id: i64,
) -> DomainResult<(Team, Invitation)> {
    let invitation = db::invitation_by_id(conn, invitation_id)?.ok_or(DomainError::NotFound)?;
    let team = db::team_by_id(conn, invitation.team_id)?.ok_or(DomainError::NotFound)?;
    policy::may_manage_team(leader, &team)?;
    if invitation.status != InvitationStatus::Pending {
        return Err(DomainError::AlreadyUsed(
            "This invitation is no longer pending.".into(),
        ));
    }
    Ok((team, invitation))
}

/// Sends a pending or expired invitation again with a new link (the old one dies) and a new
/// expiry; returns the flash message. Refusals: `NotFound` for another team's invitation,
/// `AlreadyUsed` when it was answered or cancelled, `Throttled` past `SENDS_PER_HOUR`.
pub fn resend(
    conn: &mut AnyConnection,
    leader: &User,
    invitation_id: i64,
    settings: &InviteSettings,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, invitation) = own_pending(conn, leader, invitation_id)?;
    check_throttle(conn, &team, now)?;
    let (token, hash) = tokens::generate();
    let expires_at = now + Duration::days(settings.ttl_days);
    crate::db::write_transaction(conn, |conn| {
        if !db::replace_invitation_token(conn, invitation.id, &hash, expires_at, now)? {
            return Err(DomainError::AlreadyUsed(
                "This invitation is no longer pending.".into(),
            ));
        }
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &invitation.email,
            ActivityKind::Resent,
            "",
            now,
        )?;
        send_email(
            conn,
            leader,
            &invitation.email,
            &token,
            expires_at,
            settings,
            now,
        )?;
        Ok(format!(
            "Invitation sent again to {}. The earlier link no longer works.",
            invitation.email
        ))
    })
}

/// Cancels a pending invitation (its link dies); returns the flash message. Refusals:
/// `NotFound` for another team's invitation, `AlreadyUsed` when it is no longer pending.
pub fn cancel(
    conn: &mut AnyConnection,
    leader: &User,
    invitation_id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, invitation) = own_pending(conn, leader, invitation_id)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::close_invitation(conn, invitation.id, InvitationStatus::Cancelled, now)? {
            return Err(DomainError::AlreadyUsed(
                "This invitation is no longer pending.".into(),
            ));
        }
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &invitation.email,
            ActivityKind::Cancelled,
            "",
            now,
        )?;
        Ok(format!(
            "The invitation to {} was cancelled; its link no longer works.",
            invitation.email
        ))
    })
}
