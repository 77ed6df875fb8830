//! Queries of the reply digest: replies no digest has listed yet, per campaign owner, and
//! when each owner's last digest was sent.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{campaign_messages, campaign_recipients, campaigns, prospects, reply_digests};
use super::{AnyConnection, DbError};

/// A reply to one of the owner's campaigns that no digest has listed yet.
#[derive(Debug, Clone, Queryable)]
pub struct UndigestedReply {
    /// The campaign email that was answered.
    pub message_id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub recipient_email: String,
    /// The prospect's names, when the prospect is still in a list.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub replied_at: NaiveDateTime,
}

/// The owners (campaigns' current owners) of replies no digest has listed yet.
pub fn owners_with_undigested_replies(conn: &mut AnyConnection) -> Result<Vec<UserId>, DbError> {
    Ok(campaign_messages::table
        .inner_join(campaigns::table.on(campaigns::id.eq(campaign_messages::campaign_id)))
        .filter(campaign_messages::replied_at.is_not_null())
        .filter(campaign_messages::reply_digested_at.is_null())
        .select(campaigns::owner_id)
        .distinct()
        .load(conn)?)
}

/// The owner's replies no digest has listed yet, oldest first.
pub fn undigested_replies(
    conn: &mut AnyConnection,
    owner_id: UserId,
) -> Result<Vec<UndigestedReply>, DbError> {
    Ok(campaign_messages::table
        .inner_join(campaigns::table.on(campaigns::id.eq(campaign_messages::campaign_id)))
        .inner_join(campaign_recipients::table)
        .left_join(prospects::table.on(prospects::id.eq(campaign_recipients::prospect_id)))
        .filter(campaigns::owner_id.eq(owner_id))
        .filter(campaign_messages::replied_at.is_not_null())
        .filter(campaign_messages::reply_digested_at.is_null())
        .order((campaign_messages::replied_at, campaign_messages::id))
        .select((
            campaign_messages::id,
            campaigns::id,
            campaigns::name,
            campaign_messages::recipient_email,
            prospects::first_name.nullable(),
            prospects::last_name.nullable(),
            campaign_messages::replied_at.assume_not_null(),
        ))
        .load(conn)?)
}

/// Marks these replies as listed by a digest sent at `now`.
pub fn mark_digested(
    conn: &mut AnyConnection,
    message_ids: &[i64],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(campaign_messages::table.filter(campaign_messages::id.eq_any(message_ids)))
        .set(campaign_messages::reply_digested_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// When the owner's last digest was sent, if ever.
pub fn last_sent_at(
    conn: &mut AnyConnection,
    owner_id: UserId,
) -> Result<Option<NaiveDateTime>, DbError> {
    Ok(reply_digests::table
        .find(owner_id)
        .select(reply_digests::sent_at)
        .first(conn)
        .optional()?)
}

/// Records that the owner's digest was sent at `now` (call under the owner's row lock:
/// `db::locked_transaction`).
pub fn record_sent(
    conn: &mut AnyConnection,
    owner_id: UserId,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let updated = diesel::update(reply_digests::table.find(owner_id))
        .set(reply_digests::sent_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(reply_digests::table)
            .values((
                reply_digests::owner_id.eq(owner_id),
                reply_digests::sent_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
