//! The queries behind auto-replies (`domain::campaigns::incoming`): recorded apart from
//! replies, a campaign's pause after one, and the counts the campaign page and Team
//! statistics show.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{campaign_messages, campaign_recipients, campaigns};
use super::{AnyConnection, DbError};

/// Records the first auto-reply to email `id`; false when one was recorded already.
pub fn record_auto_reply(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        campaign_messages::table
            .find(id)
            .filter(campaign_messages::auto_replied_at.is_null()),
    )
    .set(campaign_messages::auto_replied_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The campaign's "pause a recipient for N days after an auto-reply" setting (0: none).
pub fn auto_reply_pause_days(conn: &mut AnyConnection, campaign_id: i64) -> Result<i32, DbError> {
    Ok(campaigns::table
        .find(campaign_id)
        .select(campaigns::auto_reply_pause_days)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Changes the campaign's auto-reply pause (days).
pub fn set_auto_reply_pause_days(
    conn: &mut AnyConnection,
    campaign_id: i64,
    days: i32,
) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(campaign_id))
        .set(campaigns::auto_reply_pause_days.eq(days))
        .execute(conn)?;
    Ok(())
}

/// Moves the recipient's next step to `until` when it was due earlier; a recipient with no
/// next step (stopped, finished) is left alone.
pub fn postpone_next_step(
    conn: &mut AnyConnection,
    recipient_id: i64,
    until: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        campaign_recipients::table
            .find(recipient_id)
            .filter(campaign_recipients::next_due_at.lt(until)),
    )
    .set(campaign_recipients::next_due_at.eq(until))
    .execute(conn)?;
    Ok(())
}

/// How many of the campaign's emails got an auto-reply.
pub fn auto_replied_count(conn: &mut AnyConnection, campaign_id: i64) -> Result<i64, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::campaign_id.eq(campaign_id))
        .select(count(campaign_messages::auto_replied_at))
        .first(conn)?)
}

/// Per owner: distinct recipients of emails sent in the range that got an auto-reply
/// (Team statistics; replies are counted apart, `statistics::recipients_with_event`).
pub fn recipients_auto_replied(
    conn: &mut AnyConnection,
    owners: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<UserId, i64>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::owner_id.eq_any(owners))
        .filter(campaign_messages::sent_at.ge(from))
        .filter(campaign_messages::sent_at.lt(to))
        .filter(campaign_messages::auto_replied_at.is_not_null())
        .group_by(campaign_messages::owner_id)
        .select((
            campaign_messages::owner_id,
            count(campaign_messages::recipient_id).aggregate_distinct(),
        ))
        .load::<(UserId, i64)>(conn)?
        .into_iter()
        .collect())
}
