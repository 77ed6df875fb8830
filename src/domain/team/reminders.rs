//! Invitation reminders: 2 and 5 days after an invitation was (re)sent, once each.

use chrono::{Duration, NaiveDateTime};

use crate::db::models::Invitation;
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, accounts, team as db};
use crate::domain::{DomainError, DomainResult, policy};
use crate::mail::{messages, outbox};

/// One reminder that is due: reminder `number` (1 or 2) of `invitation`.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub invitation: Invitation,
    pub number: i32,
}

/// The reminders due at `now`: the first 2 days, the second 5 days after the invitation
/// was (re)sent; an invitation overdue for both gets only the second.
pub fn due(conn: &mut AnyConnection, now: NaiveDateTime) -> DomainResult<Vec<DueReminder>> {
    let mut found: Vec<DueReminder> = Vec::new();
    for (number, days) in [(2, 5), (1, 2)] {
        for invitation in
            db::invitations_due_a_reminder(conn, number, now - Duration::days(days), now)?
        {
            if !found.iter().any(|d| d.invitation.id == invitation.id) {
                found.push(DueReminder { invitation, number });
            }
        }
    }
    Ok(found)
}

/// Queues one reminder email. It is claimed by a conditional update in the same transaction, so it
/// goes out once even with several app processes; false when another process had it, or when the
/// address's account is unconfirmed (`policy::may_remind_to_log_in`). Errors (e.g. a leader name
/// that cannot go into a subject) change nothing.
pub fn send_one(
    conn: &mut AnyConnection,
    due: &DueReminder,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    let invitation = &due.invitation;
    let team = db::team_by_id(conn, invitation.team_id)?.ok_or(DomainError::NotFound)?;
    let leader = accounts::user_by_id(conn, team.leader_id)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::claim_reminder(conn, invitation.id, due.number)? {
            return Ok(false);
        }
        let page = match accounts::user_by_email(conn, &invitation.email)? {
            // Nobody proved they own the address: no "log in and join" for them; the claim
            // is used up all the same.
            Some(account) if policy::may_remind_to_log_in(&account).is_err() => {
                return Ok(false);
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
        Ok(true)
    })
}

/// A reminder that could not be sent: it is counted as done (never retried, so a bad
/// invitation cannot stop the job round after round) and the reason is written to the
/// team's activity, which the leader sees on My Team. `reason` is for the leader; causes
/// that are not refusals go to the log only.
pub fn record_failure(
    conn: &mut AnyConnection,
    due: &DueReminder,
    error: &DomainError,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let invitation = &due.invitation;
    let reason = match error {
        DomainError::Invalid(reason) => reason.clone(),
        other => {
            log::error!("reminder for invitation {}: {other}", invitation.id);
            "an internal error occurred".into()
        }
    };
    crate::db::write_transaction(conn, |conn| {
        db::claim_reminder(conn, invitation.id, due.number)?;
        if let Some(team) = db::team_by_id(conn, invitation.team_id)? {
            db::insert_activity(
                conn,
                team.id,
                team.leader_id,
                &invitation.email,
                ActivityKind::ReminderNotSent,
                &reason,
                now,
            )?;
        }
        Ok(())
    })
}

/// Sends every due reminder on this connection, each on its own: one that fails is recorded
/// (`record_failure`) and the others still go out. Returns how many were sent.
pub fn send_reminders(
    conn: &mut AnyConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut sent = 0;
    for reminder in due(conn, now)? {
        match send_one(conn, &reminder, base_url, now) {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => record_failure(conn, &reminder, &e, now)?,
        }
    }
    Ok(sent)
}
