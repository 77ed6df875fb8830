//! Queries on campaigns, their steps and recipients.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::{count, count_star};
use diesel::prelude::*;

use super::ids::UserId;
use super::models::{Campaign, CampaignStep};
use super::schema::{campaign_messages, campaign_steps, campaigns};
use super::values::{CampaignStatus, MessageStatus};
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
