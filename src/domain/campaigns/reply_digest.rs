//! The reply digest: a campaign's owner is emailed the replies to their campaigns, at most
//! one digest per hour, listing every reply since the last one (prospect, campaign, when,
//! and a link to the campaign's page). Run by the reply poller after each round.
//!
//! "At most one per hour" is decided in the database: an owner's digest is built under a
//! lock on their user row (`db::locked_transaction`) from the time of their last digest
//! (`reply_digests`), and each reply is marked as listed in the same transaction that puts
//! the email in the outbox — so several app processes send it once, and no reply is listed
//! twice or lost.

use chrono::{Duration, NaiveDateTime};

use crate::db::digests::{self as db, UndigestedReply};
use crate::db::{AnyConnection, accounts};
use crate::domain::{DomainError, DomainResult, UserId};
use crate::mail::messages::{self, DigestReply};
use crate::mail::outbox;

/// The shortest time between two digests to one owner.
pub fn digest_every() -> Duration {
    Duration::hours(1)
}

/// Queues the digest of every owner who has replies not yet listed and whose last digest
/// is at least `digest_every` old; returns how many were queued. `base_url` starts the
/// campaign links. An owner whose digest cannot be built (a database or template failure)
/// is logged and tried again next round; the other owners still get theirs. Refusal: `Db`
/// only when the owners cannot be listed.
pub fn send_due(
    conn: &mut AnyConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut queued = 0;
    for owner_id in db::owners_with_undigested_replies(conn)? {
        match send_to(conn, owner_id, base_url, now) {
            Ok(true) => queued += 1,
            Ok(false) => {}
            Err(e) => log::error!("reply digest of user {owner_id}: not sent this round: {e}"),
        }
    }
    Ok(queued)
}

/// Queues `owner_id`'s digest when one is due; whether it was.
fn send_to(
    conn: &mut AnyConnection,
    owner_id: UserId,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    crate::db::locked_transaction(conn, owner_id, |conn| {
        if db::last_sent_at(conn, owner_id)?.is_some_and(|at| now - at < digest_every()) {
            return Ok(false);
        }
        let replies = db::undigested_replies(conn, owner_id)?;
        if replies.is_empty() {
            return Ok(false);
        }
        let owner = accounts::user_by_id(conn, owner_id)?;
        let lines: Vec<DigestReply> = replies.iter().map(|r| line(r, base_url)).collect();
        let message = messages::reply_digest(&owner.name, &lines)?;
        outbox::enqueue(conn, &owner.email, &message, now)?;
        let ids: Vec<i64> = replies.iter().map(|r| r.message_id).collect();
        db::mark_digested(conn, &ids, now)?;
        db::record_sent(conn, owner_id, now)?;
        Ok::<_, DomainError>(true)
    })
}

/// One reply as the digest lists it: "Ann Smith <ann@acme.example>", the campaign, when.
fn line(reply: &UndigestedReply, base_url: &str) -> DigestReply {
    let name = [&reply.first_name, &reply.last_name]
        .into_iter()
        .flatten()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    DigestReply {
        prospect: if name.is_empty() {
            reply.recipient_email.clone()
        } else {
            format!("{name} <{}>", reply.recipient_email)
        },
        campaign: reply.campaign_name.clone(),
        when: messages::format_utc(reply.replied_at),
        link: format!("{base_url}/campaigns/{}", reply.campaign_id),
    }
}
