//! Queries on campaigns, their steps and recipients.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::{count, count_star};
use diesel::prelude::*;

use super::ids::UserId;
use super::models::{Campaign, CampaignRecipient, CampaignStep};
use super::schema::{campaign_messages, campaign_recipients, campaign_steps, campaigns};
use super::values::{CampaignStatus, MessageStatus, RecipientStatus, SkipReason};
use super::{AnyConnection, DbError};

pub fn insert(
    conn: &mut AnyConnection,
    owner_id: UserId,
    name: &str,
    sender_id: i64,
    list_id: i64,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(campaigns::table)
        .values((
            campaigns::owner_id.eq(owner_id),
            campaigns::name.eq(name),
            campaigns::sender_id.eq(sender_id),
            campaigns::list_id.eq(list_id),
            campaigns::created_at.eq(now),
        ))
        .returning(campaigns::id)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Campaign>, DbError> {
    Ok(campaigns::table
        .find(id)
        .select(Campaign::as_select())
        .first(conn)
        .optional()?)
}

pub fn of_owner(conn: &mut AnyConnection, owner_id: UserId) -> Result<Vec<Campaign>, DbError> {
    Ok(campaigns::table
        .filter(campaigns::owner_id.eq(owner_id))
        .order(campaigns::id.desc())
        .select(Campaign::as_select())
        .load(conn)?)
}

pub fn count_using_list(conn: &mut AnyConnection, list_id: i64) -> Result<i64, DbError> {
    Ok(campaigns::table
        .filter(campaigns::list_id.eq(list_id))
        .count()
        .get_result(conn)?)
}

pub fn active_ids(conn: &mut AnyConnection) -> Result<Vec<i64>, DbError> {
    Ok(campaigns::table
        .filter(campaigns::status.eq(CampaignStatus::Active))
        .order(campaigns::id)
        .select(campaigns::id)
        .load(conn)?)
}

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

/// Sets the status when it is one of `from`; false otherwise.
pub fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: &[CampaignStatus],
    to: CampaignStatus,
    reason: &str,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        campaigns::table
            .find(id)
            .filter(campaigns::status.eq_any(from)),
    )
    .set((
        campaigns::status.eq(to),
        campaigns::status_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn set_launched(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(id))
        .set(campaigns::launched_at.eq(now))
        .execute(conn)?;
    Ok(())
}

pub fn update_settings(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    sender_id: i64,
    list_id: i64,
) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(id))
        .set((
            campaigns::name.eq(name),
            campaigns::sender_id.eq(sender_id),
            campaigns::list_id.eq(list_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the campaign's unsubscribe line (checked by `unsubscribe::UnsubscribeLine`).
pub fn set_unsubscribe_line(conn: &mut AnyConnection, id: i64, line: &str) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(id))
        .set(campaigns::unsubscribe_line.eq(line))
        .execute(conn)?;
    Ok(())
}

/// Sets the campaign's bounce limit, a percentage (0: never pause).
pub fn set_bounce_limit(conn: &mut AnyConnection, id: i64, percent: i32) -> Result<(), DbError> {
    diesel::update(campaigns::table.find(id))
        .set(campaigns::bounce_limit_percent.eq(percent))
        .execute(conn)?;
    Ok(())
}

pub fn steps(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<CampaignStep>, DbError> {
    Ok(campaign_steps::table
        .filter(campaign_steps::campaign_id.eq(campaign_id))
        .order(campaign_steps::position)
        .select(CampaignStep::as_select())
        .load(conn)?)
}

pub fn insert_step(
    conn: &mut AnyConnection,
    campaign_id: i64,
    position: i32,
    subject: &str,
    body: &str,
    delay_days: i32,
    new_thread: bool,
) -> Result<(), DbError> {
    diesel::insert_into(campaign_steps::table)
        .values((
            campaign_steps::campaign_id.eq(campaign_id),
            campaign_steps::position.eq(position),
            campaign_steps::subject.eq(subject),
            campaign_steps::body.eq(body),
            campaign_steps::delay_days.eq(delay_days),
            campaign_steps::new_thread.eq(new_thread),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn update_step(
    conn: &mut AnyConnection,
    step_id: i64,
    subject: &str,
    body: &str,
    delay_days: i32,
    new_thread: bool,
) -> Result<(), DbError> {
    diesel::update(campaign_steps::table.find(step_id))
        .set((
            campaign_steps::subject.eq(subject),
            campaign_steps::body.eq(body),
            campaign_steps::delay_days.eq(delay_days),
            campaign_steps::new_thread.eq(new_thread),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_step(conn: &mut AnyConnection, step_id: i64) -> Result<(), DbError> {
    diesel::delete(campaign_steps::table.find(step_id)).execute(conn)?;
    Ok(())
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
    if status == RecipientStatus::Finished {
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

pub fn count_messages_for_campaign(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<i64, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::campaign_id.eq(campaign_id))
        .count()
        .get_result(conn)?)
}

/// Deletes a campaign that was never launched, a draft or an archived draft (its steps go
/// with it: `ON DELETE CASCADE`); false, with nothing deleted, otherwise.
pub fn delete_draft(conn: &mut AnyConnection, id: i64) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        campaigns::table
            .find(id)
            .filter(campaigns::status.eq_any([CampaignStatus::Draft, CampaignStatus::Archived]))
            .filter(campaigns::launched_at.is_null()),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// One campaign's figures on the campaign list: emails sent, opened and replied to, and
/// emails that failed for good.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListFigures {
    pub sent: i64,
    pub opened: i64,
    pub replied: i64,
    pub failed: i64,
}

/// The figures of these campaigns, by campaign id, in two grouped queries whatever their
/// number; a campaign without emails is missing (all zero).
pub fn list_figures(
    conn: &mut AnyConnection,
    campaign_ids: &[i64],
) -> Result<HashMap<i64, ListFigures>, DbError> {
    let mut figures: HashMap<i64, ListFigures> = HashMap::new();
    let counted: Vec<(i64, i64, i64, i64)> = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq_any(campaign_ids))
        .group_by(campaign_messages::campaign_id)
        .select((
            campaign_messages::campaign_id,
            count(campaign_messages::sent_at),
            count(campaign_messages::opened_at),
            count(campaign_messages::replied_at),
        ))
        .load(conn)?;
    for (id, sent, opened, replied) in counted {
        let f = figures.entry(id).or_default();
        (f.sent, f.opened, f.replied) = (sent, opened, replied);
    }
    let failed: Vec<(i64, i64)> = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq_any(campaign_ids))
        .filter(campaign_messages::status.eq(MessageStatus::Failed))
        .group_by(campaign_messages::campaign_id)
        .select((campaign_messages::campaign_id, count_star()))
        .load(conn)?;
    for (id, n) in failed {
        figures.entry(id).or_default().failed = n;
    }
    Ok(figures)
}
