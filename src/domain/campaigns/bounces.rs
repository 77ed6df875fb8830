//! What a bounce changes, whichever way it is learnt (a permanent refusal of the recipient
//! at send time, or a delivery-status notification in the sender's inbox, RFC 3464): the
//! recipient is marked bounced and gets no further step, an email of theirs waiting for a
//! retry fails (releasing the recipient it held), and the address goes on the do-not-email
//! list of the campaign owner's team with reason "bounced", so no campaign of the team
//! emails it again. A campaign whose bounce rate passes its limit pauses itself and its
//! owner is emailed (`pause_over_limit`), protecting the team's sending domains.

use chrono::NaiveDateTime;

use crate::db::models::CampaignMessage;
use crate::db::values::{CampaignStatus, DoNotEmailReason, RecipientStatus};
use crate::db::{AnyConnection, accounts, campaigns as db, messages, recipients};
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult, billing};
use crate::mail::{messages as mail, outbox};
use crate::text::number;

/// The bounce limit is judged only once this many recipients were contacted.
pub const MIN_CONTACTED: i64 = 20;

/// A campaign's bounce limit as typed: a whole percentage from 0 (never pause) to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BounceLimit(i32);

impl BounceLimit {
    /// Parses "5" or " 0 "; refuses (`Invalid`) anything else with the rule.
    pub fn parse(raw: &str) -> DomainResult<BounceLimit> {
        match raw.trim().parse::<i32>() {
            Ok(percent) if (0..=100).contains(&percent) => Ok(BounceLimit(percent)),
            _ => Err(DomainError::Invalid(
                "The bounce limit is a whole percentage from 0 (never pause) to 100.".into(),
            )),
        }
    }

    /// The percentage.
    pub fn percent(self) -> i32 {
        self.0
    }
}

/// A campaign's bounce rate: recipients bounced ÷ recipients contacted (sent at least one
/// email, or bounced trying), in whole percent rounded down; `None` before any contact.
pub fn rate_percent(bounced: i64, contacted: i64) -> Option<i64> {
    (contacted > 0).then(|| bounced * 100 / contacted)
}

/// Whether `bounced` of `contacted` passes `limit_percent` (0: never): only from
/// `MIN_CONTACTED` contacted recipients on, and only strictly above the limit.
pub fn over_limit(bounced: i64, contacted: i64, limit_percent: i32) -> bool {
    limit_percent > 0
        && contacted >= MIN_CONTACTED
        && bounced * 100 > limit_percent as i64 * contacted
}

/// Why an email waiting for a retry was not sent: an earlier email to the address bounced.
const BOUNCED_NOT_SENT: &str = "Not sent: an earlier email to this address bounced.";

/// Records that `message`'s recipient bounced (see the module comment), then pauses the
/// campaign when its bounce rate passed its limit (`pause_over_limit`; `base_url` for the
/// link in the owner's email). Returns false when they had bounced already (a second DSN
/// for one address changes nothing).
pub fn record_bounce(
    conn: &mut AnyConnection,
    message: &CampaignMessage,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    let new = mark_bounced(conn, message, now)?;
    if new {
        pause_over_limit(conn, message.campaign_id, base_url, now)?;
    }
    Ok(new)
}

fn mark_bounced(
    conn: &mut AnyConnection,
    message: &CampaignMessage,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let Some(recipient) = recipients::recipient_by_id(conn, message.recipient_id)? else {
            return Ok::<_, DomainError>(false);
        };
        if recipient.status == RecipientStatus::Bounced {
            return Ok(false);
        }
        recipients::stop_recipient(conn, recipient.id, RecipientStatus::Bounced)?;
        for retry in messages::retries_of(conn, recipient.id)? {
            messages::mark_attempt_failed(conn, retry, BOUNCED_NOT_SENT, None)?;
            billing::release_held_recipient(conn, retry)?;
        }
        let owner = db::by_id(conn, message.campaign_id)?.map_or(message.owner_id, |c| c.owner_id);
        do_not_email::record(
            conn,
            owner,
            &message.recipient_email,
            DoNotEmailReason::Bounced,
            Some(message.campaign_id),
            now,
        )?;
        Ok(true)
    })
}

/// Pauses active campaign `campaign_id` when its bounce rate passed its limit (`over_limit`)
/// with the reason on its page, and emails its owner (through the outbox, in the same
/// transaction); true when it paused it. Asked after each bounce and, since bounces and
/// sends of one round are recorded in any order, by the sender before claiming the
/// campaign's next emails.
pub(super) fn pause_over_limit(
    conn: &mut AnyConnection,
    campaign_id: i64,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    let Some(campaign) = db::by_id(conn, campaign_id)? else {
        return Ok(false);
    };
    if campaign.status != CampaignStatus::Active || campaign.bounce_limit_percent == 0 {
        return Ok(false);
    }
    let (bounced, contacted) = recipients::bounce_counts(conn, campaign.id)?;
    if !over_limit(bounced, contacted, campaign.bounce_limit_percent) {
        return Ok(false);
    }
    let reason = format!(
        "Paused automatically: {} of {} contacted recipients bounced ({}%, over this campaign's limit of {}%). Check the list's addresses (Verify list) before resuming.",
        number(bounced),
        number(contacted),
        rate_percent(bounced, contacted).unwrap_or(0),
        campaign.bounce_limit_percent
    );
    let owner = accounts::user_by_id(conn, campaign.owner_id)?;
    crate::db::write_transaction(conn, |conn| {
        if db::set_status(
            conn,
            campaign.id,
            &[CampaignStatus::Active],
            CampaignStatus::Paused,
            &reason,
        )? {
            let email = mail::campaign_notice(
                &owner.name,
                &format!("{} paused: too many bounces", campaign.name),
                &reason,
                &format!("{base_url}/campaigns/{}", campaign.id),
            )?;
            outbox::enqueue(conn, &owner.email, &email, now)?;
            return Ok::<_, DomainError>(true);
        }
        Ok(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounce_limit_is_a_whole_percentage() {
        assert_eq!(BounceLimit::parse(" 7 ").unwrap().percent(), 7);
        for bad in ["", "-1", "101", "5.5", "five"] {
            assert!(BounceLimit::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_limit_is_judged_from_twenty_contacted_and_strictly_above() {
        assert!(!over_limit(5, 19, 5), "too few contacted");
        assert!(!over_limit(1, 20, 5), "exactly 5%");
        assert!(over_limit(2, 20, 5));
        assert!(!over_limit(20, 20, 0), "0 turns it off");
        assert_eq!(rate_percent(1, 3), Some(33));
        assert_eq!(rate_percent(0, 0), None);
    }
}
