//! Queries on campaign emails: claims, delivery outcomes and counts (their tracking is `tracking`).

use chrono::NaiveDateTime;
use diesel::dsl::{count, count_star};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

use super::ids::UserId;
use super::models::CampaignMessage;
use super::schema::{campaign_messages, campaign_recipients, campaigns};
use super::values::{CampaignStatus, MessageStatus, RecipientStatus};
use super::{AnyConnection, DbError};

pub struct NewClaim<'a> {
    pub campaign_id: i64,
    pub recipient_id: i64,
    pub owner_id: UserId,
    pub sender_id: i64,
    pub step_position: i32,
    pub email: &'a str,
    pub message_id: &'a str,
    pub tracking_token: &'a str,
    pub now: NaiveDateTime,
}

/// The ids of active campaigns, as a subquery: an email is claimed only while its campaign
/// is active, decided by the statement that claims it.
/// Recipients who may still be emailed: a replied, failed or finished one (finished by a
/// record transfer too, `RecipientStatus::FormerMailbox`) gets no retry.
fn active_recipient_ids() -> diesel::dsl::Select<
    diesel::dsl::Filter<
        campaign_recipients::table,
        diesel::dsl::Eq<campaign_recipients::status, RecipientStatus>,
    >,
    campaign_recipients::id,
> {
    campaign_recipients::table
        .filter(campaign_recipients::status.eq(RecipientStatus::Active))
        .select(campaign_recipients::id)
}

fn active_campaign_ids() -> diesel::dsl::Select<
    diesel::dsl::Filter<campaigns::table, diesel::dsl::Eq<campaigns::status, CampaignStatus>>,
    campaigns::id,
> {
    campaigns::table
        .filter(campaigns::status.eq(CampaignStatus::Active))
        .select(campaigns::id)
}

/// Records the email as claimed, before any SMTP call, in one statement that also checks
/// that the campaign and the recipient are active at that moment. `None` when either is no
/// longer active or this recipient's step was already claimed (by this or another process).
pub fn claim(conn: &mut AnyConnection, new: &NewClaim) -> Result<Option<i64>, DbError> {
    let row = campaigns::table
        .filter(campaigns::id.eq(new.campaign_id))
        .filter(campaigns::status.eq(CampaignStatus::Active))
        // The recipient too: one paused (a company's reply) or stopped since the round
        // loaded it is not claimed.
        .filter(diesel::dsl::exists(
            campaign_recipients::table
                .filter(campaign_recipients::id.eq(new.recipient_id))
                .filter(campaign_recipients::status.eq(RecipientStatus::Active)),
        ))
        .select((
            campaigns::id,
            new.recipient_id.into_sql::<BigInt>(),
            new.owner_id.into_sql::<BigInt>(),
            new.sender_id.into_sql::<BigInt>(),
            new.step_position.into_sql::<Integer>(),
            new.email.into_sql::<Text>(),
            new.message_id.into_sql::<Text>(),
            new.tracking_token.into_sql::<Text>(),
            MessageStatus::Claimed.into_sql::<Text>(),
            new.now.into_sql::<Timestamp>(),
        ));
    let inserted = diesel::insert_into(campaign_messages::table)
        .values(row)
        .into_columns((
            campaign_messages::campaign_id,
            campaign_messages::recipient_id,
            campaign_messages::owner_id,
            campaign_messages::sender_id,
            campaign_messages::step_position,
            campaign_messages::recipient_email,
            campaign_messages::message_id,
            campaign_messages::tracking_token,
            campaign_messages::status,
            campaign_messages::claimed_at,
        ))
        .returning(campaign_messages::id)
        .get_result(conn)
        .optional();
    match inserted.map_err(DbError::from) {
        Ok(id) => Ok(id),
        Err(DbError::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<CampaignMessage>, DbError> {
    Ok(campaign_messages::table
        .find(id)
        .select(CampaignMessage::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_tracking_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<CampaignMessage>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::tracking_token.eq(token))
        .select(CampaignMessage::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_message_ids(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<CampaignMessage>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::message_id.eq_any(ids))
        .select(CampaignMessage::as_select())
        .load(conn)?)
}

/// Records the subject the email goes out with (its recipient's values filled in).
pub fn set_subject(conn: &mut AnyConnection, id: i64, subject: &str) -> Result<(), DbError> {
    diesel::update(campaign_messages::table.find(id))
        .set(campaign_messages::subject.eq(subject))
        .execute(conn)?;
    Ok(())
}

/// One email a recipient received, for threading: (step position, Message-ID without
/// angle brackets, subject as sent, sender account id).
pub type SentEmail = (i32, String, String, i64);

/// The emails the SMTP server accepted for `recipient_id` on steps before `before_step`,
/// in step order.
pub fn sent_before(
    conn: &mut AnyConnection,
    recipient_id: i64,
    before_step: i32,
) -> Result<Vec<SentEmail>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::recipient_id.eq(recipient_id))
        .filter(campaign_messages::step_position.lt(before_step))
        .filter(campaign_messages::status.eq(MessageStatus::Sent))
        .order(campaign_messages::step_position)
        .select((
            campaign_messages::step_position,
            campaign_messages::message_id,
            campaign_messages::subject,
            campaign_messages::sender_id,
        ))
        .load(conn)?)
}

pub fn set_status(conn: &mut AnyConnection, id: i64, status: MessageStatus) -> Result<(), DbError> {
    diesel::update(campaign_messages::table.find(id))
        .set(campaign_messages::status.eq(status))
        .execute(conn)?;
    Ok(())
}

pub fn mark_sent(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(campaign_messages::table.find(id))
        .set((
            campaign_messages::status.eq(MessageStatus::Sent),
            campaign_messages::sent_at.eq(now),
            campaign_messages::attempts.eq(campaign_messages::attempts + 1),
            campaign_messages::last_error.eq(""),
        ))
        .execute(conn)?;
    Ok(())
}

/// A failed attempt: `Retry` at `retry_at`, or `Failed` for good when `retry_at` is None.
pub fn mark_attempt_failed(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> Result<(), DbError> {
    let status = if retry_at.is_some() {
        MessageStatus::Retry
    } else {
        MessageStatus::Failed
    };
    diesel::update(campaign_messages::table.find(id))
        .set((
            campaign_messages::status.eq(status),
            campaign_messages::attempts.eq(campaign_messages::attempts + 1),
            campaign_messages::last_error.eq(error),
            campaign_messages::next_attempt_at.eq(retry_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The recipient's emails waiting for a retry.
pub fn retries_of(conn: &mut AnyConnection, recipient_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::recipient_id.eq(recipient_id))
        .filter(campaign_messages::status.eq(MessageStatus::Retry))
        .select(campaign_messages::id)
        .load(conn)?)
}

/// Removes a claim that was never sent (the pool ran out before the SMTP call).
pub fn release(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(
        campaign_messages::table
            .find(id)
            .filter(campaign_messages::status.eq(MessageStatus::Claimed)),
    )
    .execute(conn)?;
    Ok(())
}

/// Gives back a claim whose SMTP call must not happen now (its campaign stopped being
/// active): a first attempt is removed, so its recipient is claimed afresh on resume; a
/// retry waits again as it did. Returns whether the row was removed.
pub fn unclaim(conn: &mut AnyConnection, message: &CampaignMessage) -> Result<bool, DbError> {
    if message.attempts == 0 {
        release(conn, message.id)?;
        return Ok(true);
    }
    diesel::update(
        campaign_messages::table
            .find(message.id)
            .filter(campaign_messages::status.eq(MessageStatus::Claimed)),
    )
    .set(campaign_messages::status.eq(MessageStatus::Retry))
    .execute(conn)?;
    Ok(false)
}

/// Due retries of active campaigns and active recipients only: a paused campaign's retries
/// wait for its resume, and a recipient who replied or was finished gets none.
pub fn due_retries(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<CampaignMessage>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::status.eq(MessageStatus::Retry))
        .filter(campaign_messages::next_attempt_at.le(now))
        .filter(campaign_messages::campaign_id.eq_any(active_campaign_ids()))
        .filter(campaign_messages::recipient_id.eq_any(active_recipient_ids()))
        .order(campaign_messages::id)
        .limit(limit)
        .select(CampaignMessage::as_select())
        .load(conn)?)
}

/// Takes a due retry for this worker, to be sent from `sender_id` (the campaign's sender
/// account now), in one statement that also checks that its campaign and its recipient are
/// still active;
/// false when another worker took it or the campaign is no longer active.
pub fn reclaim(
    conn: &mut AnyConnection,
    id: i64,
    sender_id: i64,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        campaign_messages::table
            .find(id)
            .filter(campaign_messages::status.eq(MessageStatus::Retry))
            .filter(campaign_messages::campaign_id.eq_any(active_campaign_ids()))
            .filter(campaign_messages::recipient_id.eq_any(active_recipient_ids())),
    )
    .set((
        campaign_messages::status.eq(MessageStatus::Claimed),
        campaign_messages::claimed_at.eq(now),
        campaign_messages::sender_id.eq(sender_id),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Whether the campaign of this claimed email is active now (asked just before its SMTP call).
pub fn campaign_active(conn: &mut AnyConnection, message_row: i64) -> Result<bool, DbError> {
    let found: i64 = campaign_messages::table
        .find(message_row)
        .filter(campaign_messages::campaign_id.eq_any(active_campaign_ids()))
        .count()
        .get_result(conn)?;
    Ok(found == 1)
}

/// Claims older than `before` that never got an outcome: the process died mid-send.
pub fn stale_claims(
    conn: &mut AnyConnection,
    before: NaiveDateTime,
) -> Result<Vec<CampaignMessage>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::status.eq(MessageStatus::Claimed))
        .filter(campaign_messages::claimed_at.lt(before))
        .select(CampaignMessage::as_select())
        .load(conn)?)
}

/// When each of `campaign_ids` last claimed an email (UTC); a campaign that never did is
/// absent. The campaigns sharing a mailbox take turns by it (least recently served first).
pub fn last_claims(
    conn: &mut AnyConnection,
    campaign_ids: &[i64],
) -> Result<std::collections::HashMap<i64, NaiveDateTime>, DbError> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq_any(campaign_ids))
        .group_by(campaign_messages::campaign_id)
        .select((
            campaign_messages::campaign_id,
            diesel::dsl::max(campaign_messages::claimed_at),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect())
}

/// A campaign's figures: (emails sent, opened, clicked, replied, failed, unconfirmed).
pub struct CampaignCounts {
    pub sent: i64,
    pub opened: i64,
    pub clicked: i64,
    pub replied: i64,
    pub failed: i64,
    pub unconfirmed: i64,
}

pub fn campaign_counts(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<CampaignCounts, DbError> {
    let (sent, opened, clicked, replied): (i64, i64, i64, i64) = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq(campaign_id))
        .select((
            count(campaign_messages::sent_at),
            count(campaign_messages::opened_at),
            count(campaign_messages::clicked_at),
            count(campaign_messages::replied_at),
        ))
        .first(conn)?;
    let by_status: Vec<(MessageStatus, i64)> = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq(campaign_id))
        .filter(
            campaign_messages::status.eq_any([MessageStatus::Failed, MessageStatus::Unconfirmed]),
        )
        .group_by(campaign_messages::status)
        .select((campaign_messages::status, count_star()))
        .load(conn)?;
    let of = |s: MessageStatus| {
        by_status
            .iter()
            .find(|(status, _)| *status == s)
            .map_or(0, |(_, n)| *n)
    };
    Ok(CampaignCounts {
        sent,
        opened,
        clicked,
        replied,
        failed: of(MessageStatus::Failed),
        unconfirmed: of(MessageStatus::Unconfirmed),
    })
}

/// Every email of the campaign for these recipients, oldest first.
pub fn for_recipients(
    conn: &mut AnyConnection,
    recipient_ids: &[i64],
) -> Result<Vec<CampaignMessage>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::recipient_id.eq_any(recipient_ids))
        .order(campaign_messages::id)
        .select(CampaignMessage::as_select())
        .load(conn)?)
}
