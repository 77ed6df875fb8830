//! Recipients finished by a record transfer (README, "Record transfer"): already written to
//! from the former owner's mailbox, where their replies go. The new owner may restart them
//! explicitly; their next step then goes out from the new owner's account, in a new thread.

use chrono::NaiveDateTime;

use super::editor::owned_by;
use super::sending::sender_owner;
use crate::db::models::User;
use crate::db::values::RecipientStatus;
use crate::db::{AnyConnection, recipients as db};
use crate::domain::policy;
use crate::domain::{DomainResult, invalid};
use crate::text::count;

/// Puts the campaign's recipients finished by a record transfer back on their next step,
/// due now (sent once the campaign is active); returns the flash message. Refusals: the
/// access refusals of `update_settings`, `Invalid` without one of the owner's sender
/// accounts (`policy::may_send_from`) or when no recipient waits for a restart.
pub fn restart_in_new_thread(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    let sender_owner = sender_owner(conn, &campaign)?;
    policy::may_send_from(campaign.owner_id, sender_owner, "restarting")?;
    let restarted = db::restart_recipients(conn, campaign.id, RecipientStatus::FormerMailbox, now)?;
    if restarted == 0 {
        return invalid("No recipient is waiting for a restart.");
    }
    Ok(format!(
        "Restarted {} in a new thread from your sender account.",
        count(restarted as i64, "recipient", "recipients")
    ))
}
