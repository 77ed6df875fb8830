//! Pacing per mailbox: a sender account sends one email at a time, then waits a random
//! pause (default 60–180 s, per account, 0 allowed) before its next one, and sends no more
//! than its daily limit per day, whatever campaigns use it. The database decides: an email
//! is claimed together with the account's next slot (`claim_with_slot`), in one write
//! transaction, so several app processes on one database keep one mailbox's pace and limit.
//! The day is the owner's local date (their time zone on the account page).

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use rand::Rng;

use super::contacting::{self, TeamConversations};
use super::schedule;
use crate::db::ids::UserId;
use crate::db::models::{Campaign, SenderAccount};
use crate::db::{AnyConnection, DbError, schedules as zones, senders as db};
use crate::domain::{DomainError, DomainResult};

/// The longest pause one may set between two emails of a mailbox, in seconds (one hour).
pub const MAX_PAUSE_SECS: i32 = 3600;

/// The pause between two emails of one sender account, in whole seconds, `min <= max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    pub min_secs: i32,
    pub max_secs: i32,
}

impl Default for Pacing {
    /// 60 to 180 seconds: a person's pace, as Snov.io and lemlist default to.
    fn default() -> Self {
        Pacing {
            min_secs: 60,
            max_secs: 180,
        }
    }
}

impl Pacing {
    /// The pause as typed: two whole numbers of seconds from 0 to `MAX_PAUSE_SECS`, the
    /// first not above the second; both empty gives `default`. Refuses
    /// (`DomainError::Invalid`) anything else, saying what to type.
    pub fn parse(min: &str, max: &str, default: Pacing) -> DomainResult<Self> {
        let (min, max) = (min.trim(), max.trim());
        if min.is_empty() && max.is_empty() {
            return Ok(default);
        }
        let seconds = |raw: &str| match raw.parse::<i32>() {
            Ok(n) if (0..=MAX_PAUSE_SECS).contains(&n) => Ok(n),
            _ => Err(DomainError::Invalid(format!(
                "The pause between emails must be a number of seconds from 0 to {MAX_PAUSE_SECS}."
            ))),
        };
        let (min_secs, max_secs) = (seconds(min)?, seconds(max)?);
        if min_secs > max_secs {
            return Err(DomainError::Invalid(
                "The shortest pause between emails cannot be longer than the longest.".into(),
            ));
        }
        Ok(Pacing { min_secs, max_secs })
    }

    /// The setting `DEFAULT_SENDER_PAUSE` ("60-180", seconds): the pause a new sender
    /// account's form starts with. `None` when it is not two such numbers.
    pub fn from_setting(raw: &str) -> Option<Self> {
        let (min, max) = raw.split_once('-')?;
        Pacing::parse(min, max, Pacing::default()).ok()
    }

    /// "60–180 s", or "none" for no pause.
    pub fn text(&self) -> String {
        match (self.min_secs, self.max_secs) {
            (0, 0) => "none".into(),
            (min, max) if min == max => format!("{min} s"),
            (min, max) => format!("{min}–{max} s"),
        }
    }

    /// The account's pause as stored.
    pub fn of(sender: &SenderAccount) -> Self {
        Pacing {
            min_secs: sender.pause_min_secs,
            max_secs: sender.pause_max_secs.max(sender.pause_min_secs),
        }
    }

    /// A pause drawn at random, uniformly, from `min_secs..=max_secs`.
    fn draw(&self) -> Duration {
        let ms =
            rand::rng().random_range(self.min_secs as i64 * 1000..=self.max_secs as i64 * 1000);
        Duration::milliseconds(ms)
    }
}

/// The owner's local date at `now` (UTC): the day a mailbox's daily limit counts.
fn sending_day(zone: Tz, now: NaiveDateTime) -> NaiveDate {
    zone.from_utc_datetime(&now).date_naive()
}

/// The mailbox owner's time zone (account page; UTC when unset).
pub(super) fn owner_zone(conn: &mut AnyConnection, sender: &SenderAccount) -> DomainResult<Tz> {
    Ok(schedule::stored_zone(&zones::user_time_zone(
        conn,
        sender.owner_id,
    )?))
}

/// What became of an attempt to claim an email together with its mailbox's slot.
pub(super) enum Slot {
    /// Claimed: the email's row, to be sent now.
    Claimed(i64),
    /// The mailbox waits (its pause is not over, or its daily limit is reached): nothing
    /// was claimed and no other email of this mailbox can go this round.
    MailboxWaits,
    /// This email was not claimed (its campaign or recipient is no longer active, or
    /// another process claimed it or its conversation); the mailbox's slot is untouched.
    NotClaimed,
    /// A teammate holds the team's conversation with the address and the team enforces
    /// "Never contact a prospect a teammate is already contacting": skip the recipient.
    TeammateHolds,
}

/// The team conversation an email's claim takes part in (`contacting::TeamConversations`),
/// with the address and the campaign's owner.
pub(super) struct Conversation<'a> {
    pub team: TeamConversations,
    pub email: &'a str,
    pub owner: UserId,
}

/// Why a claim was undone: its own reason, or a database error.
enum Undo {
    Because(Slot),
    Db(DbError),
}

impl From<DbError> for Undo {
    fn from(e: DbError) -> Self {
        Undo::Db(e)
    }
}

/// Claims an email (`claim`: the statement that records it, `None` when it may not be
/// claimed) and the mailbox's next slot in one write transaction: the slot is free when
/// the account's pause since its last email is over and fewer than its daily limit were
/// claimed on the owner's local day. Taking it sets the next slot at `now` plus a random
/// pause (`Pacing`) and counts the email. With a `conversation`, the team's conversation
/// with the address is taken in the same transaction (`contacting::take_conversation`);
/// when a teammate holds it and the team enforces the rule, nothing is claimed
/// (`Slot::TeammateHolds`). Either all happen or none.
pub(super) fn claim_with_slot(
    conn: &mut AnyConnection,
    sender: &SenderAccount,
    zone: Tz,
    now: NaiveDateTime,
    conversation: Option<Conversation>,
    claim: impl FnOnce(&mut AnyConnection) -> Result<Option<i64>, DbError>,
) -> DomainResult<Slot> {
    let next_at = now + Pacing::of(sender).draw();
    let day = sending_day(zone, now);
    let outcome = crate::db::write_transaction(conn, |conn| {
        if let Some(c) = conversation {
            match contacting::take_conversation(conn, c.team.team_id, c.email, c.owner, now) {
                Ok(true) => {}
                Ok(false) if c.team.enforced => return Err(Undo::Because(Slot::TeammateHolds)),
                Ok(false) => {}
                Err(DbError::Conflict(_)) => return Err(Undo::Because(Slot::NotClaimed)),
                Err(e) => return Err(Undo::Db(e)),
            }
        }
        let Some(row) = claim(conn)? else {
            return Err(Undo::Because(Slot::NotClaimed));
        };
        if !db::take_slot(conn, sender.id, now, next_at, day)? {
            return Err(Undo::Because(Slot::MailboxWaits));
        }
        Ok(row)
    });
    match outcome {
        Ok(row) => Ok(Slot::Claimed(row)),
        Err(Undo::Because(slot)) => Ok(slot),
        Err(Undo::Db(e)) => Err(e.into()),
    }
}

/// Whether the mailbox may send at `now` as far as its pace and daily limit go (read
/// without a lock: the claim decides).
pub(super) fn mailbox_free(sender: &SenderAccount, zone: Tz, now: NaiveDateTime) -> bool {
    mailbox_wait(sender, zone, now).is_none()
}

/// Why the mailbox cannot send at `now`, for the campaign page: its daily limit is
/// reached ("the mailbox's daily limit of 50 emails is reached; sending resumes after
/// midnight, Europe/Paris") or its pause is not over ("pacing: the mailbox's next email
/// after 14:03:20 Europe/Paris"). `None` when it may send.
pub fn mailbox_wait(sender: &SenderAccount, zone: Tz, now: NaiveDateTime) -> Option<String> {
    if sender.sent_day == Some(sending_day(zone, now))
        && sender.sent_day_count >= sender.daily_limit
    {
        return Some(format!(
            "the mailbox's daily limit of {} is reached; sending resumes after midnight, {}",
            crate::text::count(sender.daily_limit as i64, "email", "emails"),
            zone.name()
        ));
    }
    let next = sender.next_send_at.filter(|at| *at > now)?;
    Some(format!(
        "pacing: the mailbox's next email after {} {}",
        zone.from_utc_datetime(&next).format("%H:%M:%S"),
        zone.name()
    ))
}

/// Why the campaign's sender account cannot send at `now` (`mailbox_wait`); `None` when
/// it may, or the campaign has no sender account.
pub fn campaign_mailbox_wait(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    now: NaiveDateTime,
) -> DomainResult<Option<String>> {
    let Some(sender) = campaign
        .sender_id
        .map(|id| db::by_id(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let zone = owner_zone(conn, &sender)?;
    Ok(mailbox_wait(&sender, zone, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_parse_with_defaults_and_refusals() {
        let default = Pacing::default();
        assert_eq!(Pacing::parse("", " ", default).unwrap(), default);
        assert_eq!(
            Pacing::parse("0", "0", default).unwrap(),
            Pacing {
                min_secs: 0,
                max_secs: 0
            }
        );
        assert!(Pacing::parse("90", "30", default).is_err());
        assert!(Pacing::parse("-1", "30", default).is_err());
        assert!(Pacing::parse("1", "3601", default).is_err());
        assert!(Pacing::parse("ten", "30", default).is_err());
        assert_eq!(Pacing::from_setting("0-0").unwrap().text(), "none");
        assert_eq!(Pacing::from_setting("60-180").unwrap().text(), "60–180 s");
        assert!(Pacing::from_setting("60").is_none());
    }

    #[test]
    fn a_drawn_pause_stays_within_its_bounds() {
        let pacing = Pacing {
            min_secs: 1,
            max_secs: 2,
        };
        for _ in 0..200 {
            let pause = pacing.draw();
            assert!(pause >= Duration::seconds(1) && pause <= Duration::seconds(2));
        }
    }
}
