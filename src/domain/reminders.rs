//! Invitation reminders: 2 and 5 days after an invitation was (re)sent, once each.

use chrono::{Duration, NaiveDateTime};

use super::{DomainError, DomainResult, policy};
use crate::db::{AnyConnection, accounts, team as db};
use crate::mail::{messages, outbox};

/// Reminder emails for pending invitations: the first 2 days, the second 5 days after the
/// invitation was (re)sent. Each is claimed by a conditional update, so it goes out once
/// even with several app processes. An address whose account is unconfirmed gets none
/// (`policy::may_remind_to_log_in`); its claim is still used up. Returns how many were sent.
pub fn send_reminders(
    conn: &mut AnyConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut sent = 0;
    // The later reminder first: an invitation overdue for both gets only the second.
    for (number, days) in [(2, 5), (1, 2)] {
        for invitation in
            db::invitations_due_a_reminder(conn, number, now - Duration::days(days), now)?
        {
            let Some(team) = db::team_by_id(conn, invitation.team_id)? else {
                continue;
            };
            let leader = accounts::user_by_id(conn, team.leader_id)?;
            crate::db::write_transaction(conn, |conn| {
                if !db::claim_reminder(conn, invitation.id, number)? {
                    return Ok::<_, DomainError>(());
                }
                let page = match accounts::user_by_email(conn, &invitation.email)? {
                    // Nobody proved they own the address: no "log in and join" for them.
                    Some(account) if policy::may_remind_to_log_in(&account).is_err() => {
                        return Ok(());
                    }
                    Some(_) => "login",
                    None => "signup",
                };
                let link = format!(
                    "{base_url}/{page}?email={}&next=/account/team",
                    invitation.email.replace('+', "%2B").replace('@', "%40")
                );
                let message = messages::invitation_reminder(
                    &leader.name,
                    &leader.email,
                    &link,
                    invitation.expires_at,
                )?;
                outbox::enqueue(conn, &invitation.email, &message, now)?;
                sent += 1;
                Ok(())
            })?;
        }
    }
    Ok(sent)
}
