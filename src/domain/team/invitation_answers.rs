//! Invitations, the invited person's side: what an emailed link leads to, the invitations
//! shown in-app, and the answer (Join team / Decline) from the link or the in-app button.
//! The link proves the address it was sent to; the in-app button needs a confirmed address.

use chrono::NaiveDateTime;

use crate::db::models::{Invitation, Team, User};
use crate::db::values::{ActivityKind, InvitationStatus};
use crate::db::{AnyConnection, accounts, team as db};
use crate::domain::accounts::tokens;
use crate::domain::policy::AnswerChannel;
use crate::domain::{DomainError, DomainResult, invalid, policy};
use crate::mail::{messages, outbox};

/// An invitation as the invited person sees it.
pub struct InvitationCard {
    pub id: i64,
    pub email: String,
    pub leader_name: String,
    pub leader_email: String,
    pub expires_at: NaiveDateTime,
}

/// What following an emailed link leads to.
pub enum LinkState {
    /// Logged in as the invited address: show "Join team".
    Ready(InvitationCard),
    /// Logged out: log in or sign up as this address, then come back.
    NeedsLogin {
        email: String,
        has_account: bool,
    },
    WrongAccount {
        invited: String,
    },
    Expired,
    /// Cancelled, replaced by a newer link, already used, or never issued.
    Dead,
}

/// What the invitation link with `token` shows `viewer` (logged in or not): joinable, for
/// another address, expired, or dead (cancelled, replaced, used, never issued). Never a
/// refusal but `Db`: every state is a page.
pub fn inspect_link(
    conn: &mut AnyConnection,
    token: &str,
    viewer: Option<&User>,
    now: NaiveDateTime,
) -> DomainResult<LinkState> {
    let Some(invitation) = db::invitation_by_token_hash(conn, &tokens::digest(token))? else {
        return Ok(LinkState::Dead);
    };
    if invitation.status != InvitationStatus::Pending {
        return Ok(LinkState::Dead);
    }
    if invitation.expires_at <= now {
        return Ok(LinkState::Expired);
    }
    match viewer {
        None => Ok(LinkState::NeedsLogin {
            has_account: accounts::user_by_email(conn, &invitation.email)?.is_some(),
            email: invitation.email,
        }),
        Some(user)
            if policy::may_answer_invitation(user, &invitation, AnswerChannel::EmailedLink)
                .is_err() =>
        {
            Ok(LinkState::WrongAccount {
                invited: invitation.email,
            })
        }
        Some(_) => Ok(LinkState::Ready(card(conn, invitation)?)),
    }
}

fn card(conn: &mut AnyConnection, invitation: Invitation) -> DomainResult<InvitationCard> {
    let team = db::team_by_id(conn, invitation.team_id)?.ok_or(DomainError::NotFound)?;
    let leader = accounts::user_by_id(conn, team.leader_id)?;
    Ok(InvitationCard {
        id: invitation.id,
        email: invitation.email,
        leader_name: leader.name,
        leader_email: leader.email,
        expires_at: invitation.expires_at,
    })
}

/// Unexpired pending invitations addressed to the user, for "Join team" in their account;
/// none while the user's address is unconfirmed (`policy::may_see_invitations_to_address`).
pub fn pending_for(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<Vec<InvitationCard>> {
    if policy::may_see_invitations_to_address(user).is_err() {
        return Ok(Vec::new());
    }
    Ok(db::pending_invitations_for(conn, &user.email)?
        .into_iter()
        .filter(|(invitation, _)| invitation.expires_at > now)
        .map(|(invitation, leader)| InvitationCard {
            id: invitation.id,
            email: invitation.email,
            leader_name: leader.name,
            leader_email: leader.email,
            expires_at: invitation.expires_at,
        })
        .collect())
}

/// How the person names the invitation they answer: the emailed token, or its id in-app.
pub enum InvitationRef<'a> {
    Token(&'a str),
    Id(i64),
}

/// The invitation the user may answer now, or a refusal that says why not.
fn answerable(
    conn: &mut AnyConnection,
    user: &User,
    which: InvitationRef,
    now: NaiveDateTime,
) -> DomainResult<(Team, Invitation)> {
    let (invitation, channel) = match which {
        InvitationRef::Token(token) => (
            db::invitation_by_token_hash(conn, &tokens::digest(token))?,
            AnswerChannel::EmailedLink,
        ),
        InvitationRef::Id(id) => (db::invitation_by_id(conn, id)?, AnswerChannel::InApp),
    };
    let invitation = invitation.ok_or(DomainError::NotFound)?;
    policy::may_answer_invitation(user, &invitation, channel)?;
    if invitation.status != InvitationStatus::Pending {
        return invalid(
            "This invitation is no longer valid: it was cancelled, replaced by a newer one, or already answered.",
        );
    }
    if invitation.expires_at <= now {
        return Err(DomainError::Expired(
            "This invitation has expired. Ask the team leader to send it again.".into(),
        ));
    }
    let team = db::team_by_id(conn, invitation.team_id)?.ok_or(DomainError::NotFound)?;
    if db::active_membership_of(conn, team.leader_id)?.is_some() {
        return invalid(
            "This invitation is no longer valid: the person who sent it has since joined another team.",
        );
    }
    Ok((team, invitation))
}

/// Joins the invitation's team. Through the emailed link (`InvitationRef::Token`) this
/// also confirms the user's address, which the link was sent to.
pub fn accept(
    conn: &mut AnyConnection,
    user: &User,
    which: InvitationRef,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let proves_address = matches!(which, InvitationRef::Token(_));
    let (team, invitation) = answerable(conn, user, which, now)?;
    let membership = db::active_membership_of(conn, user.id)?;
    let own_members = match db::team_by_leader(conn, user.id)? {
        Some(own) => db::count_active_members(conn, own.id)?,
        None => 0,
    };
    policy::may_join(membership.as_ref(), own_members)?;
    let leader = accounts::user_by_id(conn, team.leader_id)?;
    let joined = crate::db::write_transaction(conn, |conn| {
        if !db::close_invitation(conn, invitation.id, InvitationStatus::Accepted, now)? {
            return Err(DomainError::AlreadyUsed(
                "This invitation was already answered.".into(),
            ));
        }
        db::insert_membership(conn, team.id, user.id, now)?;
        if proves_address {
            crate::db::confirmations::mark_address_confirmed(conn, user.id, now)?;
        }
        db::insert_activity(
            conn,
            team.id,
            user.id,
            &user.email,
            ActivityKind::Joined,
            "",
            now,
        )?;
        let notice = format!(
            "{} ({}) accepted your invitation and joined your team.",
            user.name, user.email
        );
        let message = messages::team_notice(
            &leader.name,
            &format!("{} joined your team", user.name),
            &notice,
            &format!("{base_url}/account/team"),
        )?;
        outbox::enqueue(conn, &leader.email, &message, now)?;
        Ok(())
    });
    match joined {
        // The one-active-team index caught a join that raced another.
        Err(DomainError::Db(crate::db::DbError::Conflict(_))) => {
            invalid("You are already a member of a team.")
        }
        Err(e) => Err(e),
        Ok(()) => Ok(format!(
            "You joined {}'s team. You now share its credits and recipients.",
            leader.name
        )),
    }
}

/// Declines invitation `invitation_id` in the account (the leader is told by email); returns
/// the flash message. Refusals: `NotFound` for an invitation to another address (or none),
/// `Forbidden` until the address is confirmed, `Expired`, `AlreadyUsed` when it was answered.
pub fn decline(
    conn: &mut AnyConnection,
    user: &User,
    invitation_id: i64,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, invitation) = answerable(conn, user, InvitationRef::Id(invitation_id), now)?;
    let leader = accounts::user_by_id(conn, team.leader_id)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::close_invitation(conn, invitation.id, InvitationStatus::Declined, now)? {
            return Err(DomainError::AlreadyUsed(
                "This invitation was already answered.".into(),
            ));
        }
        db::insert_activity(
            conn,
            team.id,
            user.id,
            &user.email,
            ActivityKind::Declined,
            "",
            now,
        )?;
        let notice = format!("{} ({}) declined your invitation.", user.name, user.email);
        let message = messages::team_notice(
            &leader.name,
            &format!("{} declined your invitation", user.name),
            &notice,
            &format!("{base_url}/account/team"),
        )?;
        outbox::enqueue(conn, &leader.email, &message, now)?;
        Ok(format!("You declined {}'s invitation.", leader.name))
    })
}
