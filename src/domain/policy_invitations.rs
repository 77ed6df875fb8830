//! Who may answer team invitations, and when an unconfirmed address is trusted: part of
//! `policy` (re-exported there; kept in its own file so that `policy.rs` stays under 400
//! lines).

use crate::db::models::{Invitation, User};
use crate::domain::{DomainError, DomainResult};

/// How someone answers an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerChannel {
    /// Through the link emailed to the invited address: holding it proves the address.
    EmailedLink,
    /// With "Join team" / "Decline" in the account, which proves nothing by itself.
    InApp,
}

/// The refusal an unconfirmed account gets wherever its address would be trusted.
pub fn confirm_address_first(email: &str) -> DomainError {
    DomainError::Forbidden(format!(
        "Confirm your email address first: follow the link we emailed to {email}, or press “Resend confirmation email” on your Account page. Team invitations to {email} can be answered once you have."
    ))
}

/// Answering (joining or declining) an invitation: only the invited address, and in-app
/// only once the account has proven it owns that address (anyone may sign up with any
/// address; the emailed link is the proof). Others get NotFound; the invited but
/// unconfirmed account gets `confirm_address_first`.
pub fn may_answer_invitation(
    actor: &User,
    invitation: &Invitation,
    channel: AnswerChannel,
) -> DomainResult<()> {
    if actor.email != invitation.email {
        return Err(DomainError::NotFound);
    }
    match channel {
        AnswerChannel::EmailedLink => Ok(()),
        AnswerChannel::InApp if actor.email_confirmed_at.is_some() => Ok(()),
        AnswerChannel::InApp => Err(confirm_address_first(&actor.email)),
    }
}

/// Seeing the invitations addressed to one's address in the account (who invited, from
/// which address): a confirmed address only, so that signing up with someone else's
/// address shows nothing of their invitations.
pub fn may_see_invitations_to_address(actor: &User) -> DomainResult<()> {
    if actor.email_confirmed_at.is_some() {
        Ok(())
    } else {
        Err(confirm_address_first(&actor.email))
    }
}

/// An invitation reminder that asks the address's account holder to log in and press
/// "Join team": only when that account's address is confirmed (the reminder would
/// otherwise invite the real owner to an account someone else opened). Reminders to an
/// address without an account (asking to sign up) need no such check.
///
/// Being invited at all is NOT restricted: an invitation is sent to an address, and only
/// whoever can read that address's mail (the link) or has proven it (in-app) can answer.
pub fn may_remind_to_log_in(account: &User) -> DomainResult<()> {
    may_see_invitations_to_address(account)
}
