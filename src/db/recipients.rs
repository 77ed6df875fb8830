//! Queries on a campaign's recipients: who is due, moving one to its next step, stopping,
//! skipping or restarting one, and counts per status (the campaign itself is `campaigns`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::models::CampaignRecipient;
use super::schema::{campaign_messages, campaign_recipients};
use super::values::{MessageStatus, RecipientStatus, SkipReason};
use super::{AnyConnection, DbError};

/// The campaign's bounced recipients and its contacted ones (sent at least one email, or
/// bounced trying), for its bounce rate.
pub fn bounce_counts(conn: &mut AnyConnection, campaign_id: i64) -> Result<(i64, i64), DbError> {
    let sent_to = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq(campaign_id))
        .filter(campaign_messages::status.eq(MessageStatus::Sent))
        .select(campaign_messages::recipient_id);
    let of_campaign =
        campaign_recipients::table.filter(campaign_recipients::campaign_id.eq(campaign_id));
    let bounced: i64 = of_campaign
        .filter(campaign_recipients::status.eq(RecipientStatus::Bounced))
        .count()
        .get_result(conn)?;
    let contacted: i64 = of_campaign
        .filter(
            campaign_recipients::status
                .eq(RecipientStatus::Bounced)
                .or(campaign_recipients::id.eq_any(sent_to)),
        )
        .count()
        .get_result(conn)?;
    Ok((bounced, contacted))
}

/// Active recipients of the campaign whose next email is due.
pub fn due_recipients(
    conn: &mut AnyConnection,
    campaign_id: i64,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<CampaignRecipient>, DbError> {
    Ok(campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::status.eq(RecipientStatus::Active))
        .filter(campaign_recipients::next_due_at.le(now))
        // Not one whose next step is claimed already or waits for its retry: it would take
        // a turn of every round and hold up the others.
        .filter(diesel::dsl::not(diesel::dsl::exists(
            campaign_messages::table
                .filter(campaign_messages::recipient_id.eq(campaign_recipients::id))
                .filter(campaign_messages::step_position.eq(campaign_recipients::next_step)),
        )))
        .order(campaign_recipients::id)
        .limit(limit)
        .select(CampaignRecipient::as_select())
        .load(conn)?)
}

pub fn recipient_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<CampaignRecipient>, DbError> {
    Ok(campaign_recipients::table
        .find(id)
        .select(CampaignRecipient::as_select())
        .first(conn)
        .optional()?)
}

pub fn recipients(
    conn: &mut AnyConnection,
    campaign_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<CampaignRecipient>, DbError> {
    Ok(campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .order(campaign_recipients::id)
        .offset(offset)
        .limit(limit)
        .select(CampaignRecipient::as_select())
        .load(conn)?)
}

/// Moves the recipient to its next step (due at `due`), or finishes it. A `paused` one
/// (a company's reply paused it while its email was being sent) stays paused with its next
/// step scheduled, so that a resume sends it; finished, its pause reason goes.
pub fn advance_recipient(
    conn: &mut AnyConnection,
    id: i64,
    next_step: i32,
    due: Option<NaiveDateTime>,
    paused: bool,
) -> Result<(), DbError> {
    let status = match (due, paused) {
        (None, _) => RecipientStatus::Finished,
        (Some(_), true) => RecipientStatus::Paused,
        (Some(_), false) => RecipientStatus::Active,
    };
    diesel::update(campaign_recipients::table.find(id))
        .set((
            campaign_recipients::next_step.eq(next_step),
            campaign_recipients::next_due_at.eq(due),
            campaign_recipients::status.eq(status),
        ))
        .execute(conn)?;
    // Only a paused one has a reason; finished, it has none.
    if paused && due.is_none() {
        diesel::update(campaign_recipients::table.find(id))
            .set(campaign_recipients::pause_reason.eq(None::<String>))
            .execute(conn)?;
    }
    Ok(())
}

/// Stops the recipient's later steps (`Replied`, `Failed`, `Unconfirmed`).
pub fn stop_recipient(
    conn: &mut AnyConnection,
    id: i64,
    status: RecipientStatus,
) -> Result<(), DbError> {
    diesel::update(campaign_recipients::table.find(id))
        .set((
            campaign_recipients::status.eq(status),
            campaign_recipients::next_due_at.eq(None::<NaiveDateTime>),
            campaign_recipients::pause_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stops recipient `id` as skipped for `reason` (the sender found them on the do-not-email
/// list): no further step, counted with the skipped on the campaign page.
pub fn skip_recipient(
    conn: &mut AnyConnection,
    id: i64,
    reason: SkipReason,
) -> Result<(), DbError> {
    diesel::update(campaign_recipients::table.find(id))
        .set((
            campaign_recipients::status.eq(RecipientStatus::Skipped),
            campaign_recipients::skip_reason.eq(Some(reason)),
            campaign_recipients::next_due_at.eq(None::<NaiveDateTime>),
            campaign_recipients::pause_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts the campaign's recipients in status `from` back to active, their next step due at
/// `now`. Returns how many.
pub fn restart_recipients(
    conn: &mut AnyConnection,
    campaign_id: i64,
    from: RecipientStatus,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        campaign_recipients::table
            .filter(campaign_recipients::campaign_id.eq(campaign_id))
            .filter(campaign_recipients::status.eq(from)),
    )
    .set((
        campaign_recipients::status.eq(RecipientStatus::Active),
        campaign_recipients::next_due_at.eq(Some(now)),
    ))
    .execute(conn)?)
}

/// Recipients per status.
pub fn recipient_counts(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<HashMap<RecipientStatus, i64>, DbError> {
    Ok(campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .group_by(campaign_recipients::status)
        .select((campaign_recipients::status, count_star()))
        .load::<(RecipientStatus, i64)>(conn)?
        .into_iter()
        .collect())
}
