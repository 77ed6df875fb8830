//! The aggregate queries behind Team statistics: one GROUP BY per figure over the whole
//! team, so the number of statements does not grow with the team.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{campaign_messages, campaign_recipients, prospects, usage_ledger};
use super::values::{MessageStatus, RecipientStatus, Unit};
use super::{AnyConnection, DbError};

/// Per owner: emails sent in the range and the distinct recipients they went to.
pub fn sent_by_owner(
    conn: &mut AnyConnection,
    owners: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<UserId, (i64, i64)>, DbError> {
    Ok(campaign_messages::table
        .filter(campaign_messages::owner_id.eq_any(owners))
        .filter(campaign_messages::sent_at.ge(from))
        .filter(campaign_messages::sent_at.lt(to))
        .group_by(campaign_messages::owner_id)
        .select((
            campaign_messages::owner_id,
            count_star(),
            count(campaign_messages::recipient_id).aggregate_distinct(),
        ))
        .load::<(UserId, i64, i64)>(conn)?
        .into_iter()
        .map(|(owner, emails, recipients)| (owner, (emails, recipients)))
        .collect())
}

/// Which event of an email sent in the range to count.
#[derive(Clone, Copy)]
pub enum Event {
    Opened,
    Clicked,
    Replied,
}

/// Per owner: distinct recipients of emails sent in the range that show the event.
pub fn recipients_with_event(
    conn: &mut AnyConnection,
    owners: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
    event: Event,
) -> Result<HashMap<UserId, i64>, DbError> {
    // One statement whichever event; the macro only spares writing it three times.
    macro_rules! distinct_recipients_where_set {
        ($column:expr) => {
            campaign_messages::table
                .filter(campaign_messages::owner_id.eq_any(owners))
                .filter(campaign_messages::sent_at.ge(from))
                .filter(campaign_messages::sent_at.lt(to))
                .filter($column.is_not_null())
                .group_by(campaign_messages::owner_id)
                .select((
                    campaign_messages::owner_id,
                    count(campaign_messages::recipient_id).aggregate_distinct(),
                ))
                .load::<(UserId, i64)>(conn)?
        };
    }
    let rows = match event {
        Event::Opened => distinct_recipients_where_set!(campaign_messages::opened_at),
        Event::Clicked => distinct_recipients_where_set!(campaign_messages::clicked_at),
        Event::Replied => distinct_recipients_where_set!(campaign_messages::replied_at),
    };
    Ok(rows.into_iter().collect())
}

/// Per person: prospects they added in the range (`added_by`, not the current owner: a
/// record transfer moves ownership, never this history).
pub fn prospects_added(
    conn: &mut AnyConnection,
    people: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<UserId, i64>, DbError> {
    Ok(prospects::table
        .filter(prospects::added_by.eq_any(people))
        .filter(prospects::created_at.ge(from))
        .filter(prospects::created_at.lt(to))
        .group_by(prospects::added_by)
        .select((prospects::added_by, count_star()))
        .load::<(UserId, i64)>(conn)?
        .into_iter()
        .collect())
}

/// Per spender and kind: units spent from `payer_id`'s pool in the range (holds not included).
pub fn units_used(
    conn: &mut AnyConnection,
    payer_id: UserId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(UserId, Unit, i64)>, DbError> {
    let rows: Vec<(UserId, Unit, Option<i64>)> = usage_ledger::table
        .filter(usage_ledger::payer_id.eq(payer_id))
        .filter(usage_ledger::hold_message_id.is_null())
        .filter(usage_ledger::created_at.ge(from))
        .filter(usage_ledger::created_at.lt(to))
        .group_by((usage_ledger::user_id, usage_ledger::kind))
        .select((
            usage_ledger::user_id,
            usage_ledger::kind,
            sum(usage_ledger::amount),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(u, k, n)| (u, k, n.unwrap_or(0)))
        .collect())
}

/// Per owner: of the recipients their emails were claimed for in the range, how many
/// bounced (status bounced) and how many were contacted (an email sent, or bounced trying):
/// `(bounced, contacted)`, for the bounce rate.
pub fn bounces_by_owner(
    conn: &mut AnyConnection,
    owners: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<UserId, (i64, i64)>, DbError> {
    let in_range = || {
        campaign_messages::table
            .inner_join(campaign_recipients::table)
            .filter(campaign_messages::owner_id.eq_any(owners))
            .filter(campaign_messages::claimed_at.ge(from))
            .filter(campaign_messages::claimed_at.lt(to))
    };
    let bounced: Vec<(UserId, i64)> = in_range()
        .filter(campaign_recipients::status.eq(RecipientStatus::Bounced))
        .group_by(campaign_messages::owner_id)
        .select((
            campaign_messages::owner_id,
            count(campaign_recipients::id).aggregate_distinct(),
        ))
        .load(conn)?;
    let contacted: Vec<(UserId, i64)> = in_range()
        .filter(
            campaign_messages::status
                .eq(MessageStatus::Sent)
                .or(campaign_recipients::status.eq(RecipientStatus::Bounced)),
        )
        .group_by(campaign_messages::owner_id)
        .select((
            campaign_messages::owner_id,
            count(campaign_recipients::id).aggregate_distinct(),
        ))
        .load(conn)?;
    let mut out: HashMap<UserId, (i64, i64)> = HashMap::new();
    for (owner, n) in contacted {
        out.entry(owner).or_default().1 = n;
    }
    for (owner, n) in bounced {
        out.entry(owner).or_default().0 = n;
    }
    Ok(out)
}
