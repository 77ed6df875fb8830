//! What a bounce changes, whichever way it is learnt (a permanent refusal of the recipient
//! at send time, or a delivery-status notification in the sender's inbox, RFC 3464): the
//! recipient is marked bounced and gets no further step, an email of theirs waiting for a
//! retry fails (releasing the recipient it held), and the address goes on the do-not-email
//! list of the campaign owner's team with reason "bounced", so no campaign of the team
//! emails it again.

use chrono::NaiveDateTime;

use crate::db::models::CampaignMessage;
use crate::db::values::{DoNotEmailReason, RecipientStatus};
use crate::db::{AnyConnection, campaigns as db, messages};
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult, billing};

/// Why an email waiting for a retry was not sent: an earlier email to the address bounced.
const BOUNCED_NOT_SENT: &str = "Not sent: an earlier email to this address bounced.";

/// Records that `message`'s recipient bounced (see the module comment). Returns false
/// when they had bounced already (a second DSN for one address changes nothing).
pub fn record_bounce(
    conn: &mut AnyConnection,
    message: &CampaignMessage,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let Some(recipient) = db::recipient_by_id(conn, message.recipient_id)? else {
            return Ok::<_, DomainError>(false);
        };
        if recipient.status == RecipientStatus::Bounced {
            return Ok(false);
        }
        db::stop_recipient(conn, recipient.id, RecipientStatus::Bounced)?;
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
