//! Moving a departing member's prospect lists and campaigns to another owner.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::ids::UserId;
use super::schema::{campaigns, prospect_lists, prospects};
use super::values::CampaignStatus;
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
/// are paused with `reason`. Sent emails keep their owner, so statistics history stays.
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
        .set(campaigns::owner_id.eq(to))
        .execute(conn)?;
    Ok(())
}
