//! Moving a departing member's prospect lists and campaigns to another owner (README,
//! "Record transfer"): ownership moves; who added a prospect and who sent an email do not.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{
    campaign_messages, campaign_recipients, campaigns, custom_fields, prospect_field_values,
    prospect_lists, prospects,
};
use super::values::{CampaignStatus, MessageStatus, RecipientStatus};
use super::{AnyConnection, DbError};

/// What a user owns: (prospect lists, prospects, campaigns, active campaigns).
pub fn owned(conn: &mut AnyConnection, owner_id: UserId) -> Result<(i64, i64, i64, i64), DbError> {
    let lists = prospect_lists::table
        .filter(prospect_lists::owner_id.eq(owner_id))
        .select(count_star())
        .first(conn)?;
    let prospects = prospects::table
        .filter(prospects::owner_id.eq(owner_id))
        .select(count_star())
        .first(conn)?;
    let campaigns_all = campaigns::table
        .filter(campaigns::owner_id.eq(owner_id))
        .select(count_star())
        .first(conn)?;
    let active = campaigns::table
        .filter(campaigns::owner_id.eq(owner_id))
        .filter(campaigns::status.eq(CampaignStatus::Active))
        .select(count_star())
        .first(conn)?;
    Ok((lists, prospects, campaigns_all, active))
}

/// Gives every list (with its prospects) and campaign of `from` to `to`; active campaigns
/// are paused with `reason`, and every moved campaign's sender account is cleared (it is
/// `from`'s, private: `to` chooses one of theirs). Sent emails keep their owner and
/// prospects who added them (`added_by`), so statistics history stays.
pub fn move_records(
    conn: &mut AnyConnection,
    from: UserId,
    to: UserId,
    reason: &str,
) -> Result<(), DbError> {
    diesel::update(prospect_lists::table.filter(prospect_lists::owner_id.eq(from)))
        .set(prospect_lists::owner_id.eq(to))
        .execute(conn)?;
    diesel::update(prospects::table.filter(prospects::owner_id.eq(from)))
        .set(prospects::owner_id.eq(to))
        .execute(conn)?;
    diesel::update(
        campaigns::table
            .filter(campaigns::owner_id.eq(from))
            .filter(campaigns::status.eq(CampaignStatus::Active)),
    )
    .set((
        campaigns::status.eq(CampaignStatus::Paused),
        campaigns::status_reason.eq(reason),
    ))
    .execute(conn)?;
    diesel::update(campaigns::table.filter(campaigns::owner_id.eq(from)))
        .set((
            campaigns::owner_id.eq(to),
            campaigns::sender_id.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives `to` the custom field definitions of `from` that prospects use (all of them are
/// `from`'s prospects, which move), merged by name: where `to` already has a field of that
/// name, the values point to it and `from`'s definition goes; otherwise the definition
/// changes owner. Unused definitions stay with `from`.
pub fn move_custom_fields(
    conn: &mut AnyConnection,
    from: UserId,
    to: UserId,
) -> Result<(), DbError> {
    let used: Vec<(i64, String)> = custom_fields::table
        .filter(custom_fields::owner_id.eq(from))
        .filter(diesel::dsl::exists(
            prospect_field_values::table
                .filter(prospect_field_values::field_id.eq(custom_fields::id)),
        ))
        .select((custom_fields::id, custom_fields::name))
        .load(conn)?;
    for (id, name) in used {
        let same_name: Option<i64> = custom_fields::table
            .filter(custom_fields::owner_id.eq(to))
            .filter(custom_fields::name.eq(&name))
            .select(custom_fields::id)
            .first(conn)
            .optional()?;
        match same_name {
            Some(theirs) => {
                diesel::update(
                    prospect_field_values::table.filter(prospect_field_values::field_id.eq(id)),
                )
                .set(prospect_field_values::field_id.eq(theirs))
                .execute(conn)?;
                diesel::delete(custom_fields::table.find(id)).execute(conn)?;
            }
            None => {
                diesel::update(custom_fields::table.find(id))
                    .set(custom_fields::owner_id.eq(to))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Finishes the active recipients of `owner`'s campaigns who were already sent an email
/// (`RecipientStatus::FormerMailbox`): their replies go to the mailbox that wrote to them.
/// Returns the rows of their emails waiting for a retry, which must never go out now.
pub fn finish_contacted_recipients(
    conn: &mut AnyConnection,
    owner: UserId,
) -> Result<Vec<i64>, DbError> {
    let owned = || {
        campaigns::table
            .filter(campaigns::owner_id.eq(owner))
            .select(campaigns::id)
    };
    let contacted = campaign_messages::table
        .filter(campaign_messages::campaign_id.eq_any(owned()))
        .filter(campaign_messages::sent_at.is_not_null())
        .select(campaign_messages::recipient_id);
    diesel::update(
        campaign_recipients::table
            .filter(
                campaign_recipients::status
                    .eq_any([RecipientStatus::Active, RecipientStatus::Paused]),
            )
            .filter(campaign_recipients::id.eq_any(contacted)),
    )
    .set((
        campaign_recipients::status.eq(RecipientStatus::FormerMailbox),
        campaign_recipients::next_due_at.eq(None::<chrono::NaiveDateTime>),
        campaign_recipients::pause_reason.eq(None::<String>),
    ))
    .execute(conn)?;
    let finished = campaign_recipients::table
        .filter(campaign_recipients::status.eq(RecipientStatus::FormerMailbox))
        .select(campaign_recipients::id);
    Ok(campaign_messages::table
        .filter(campaign_messages::campaign_id.eq_any(owned()))
        .filter(campaign_messages::status.eq(MessageStatus::Retry))
        .filter(campaign_messages::recipient_id.eq_any(finished))
        .select(campaign_messages::id)
        .load(conn)?)
}
