//! Launch approval (issue 16 item 3): a campaign's approval row, the leader's queue, and a
//! member's "Campaigns need approval" switch.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{MembershipId, TeamId, UserId};
use super::schema::{campaign_approvals, campaigns, memberships, users};
use super::values::ApprovalStatus;
use super::{AnyConnection, DbError};

/// A campaign's approval (`campaign_approvals`): at most one per campaign.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_approvals)]
pub struct CampaignApproval {
    pub campaign_id: i64,
    pub status: ApprovalStatus,
    /// The "Launch at" time asked for (UTC); `None`: launch when approved.
    pub launch_at: Option<NaiveDateTime>,
    /// Why the leader rejected it; empty otherwise.
    pub reason: String,
    pub requested_at: NaiveDateTime,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
}

/// One line of the leader's "Waiting for approval" queue.
#[derive(Debug, Clone, Queryable)]
pub struct WaitingCampaign {
    pub campaign_id: i64,
    pub name: String,
    pub owner_name: String,
    pub requested_at: NaiveDateTime,
}

/// Campaign `campaign_id`'s approval, if it has one.
pub fn of(conn: &mut AnyConnection, campaign_id: i64) -> Result<Option<CampaignApproval>, DbError> {
    Ok(campaign_approvals::table
        .find(campaign_id)
        .select(CampaignApproval::as_select())
        .first(conn)
        .optional()?)
}

/// Asks for approval of campaign `campaign_id` (launching at `launch_at`, if given),
/// replacing any earlier row (a rejection).
pub fn request(
    conn: &mut AnyConnection,
    campaign_id: i64,
    launch_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(campaign_approvals::table.find(campaign_id)).execute(conn)?;
    diesel::insert_into(campaign_approvals::table)
        .values((
            campaign_approvals::campaign_id.eq(campaign_id),
            campaign_approvals::status.eq(ApprovalStatus::Waiting),
            campaign_approvals::launch_at.eq(launch_at),
            campaign_approvals::requested_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the approval from `from` to `to` (decided by `by` at `now`, with `reason`);
/// `false` when it was not in `from` (another click or a change decided first).
pub fn decide(
    conn: &mut AnyConnection,
    campaign_id: i64,
    from: ApprovalStatus,
    to: ApprovalStatus,
    by: UserId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        campaign_approvals::table
            .find(campaign_id)
            .filter(campaign_approvals::status.eq(from)),
    )
    .set((
        campaign_approvals::status.eq(to),
        campaign_approvals::reason.eq(reason),
        campaign_approvals::decided_by.eq(Some(by)),
        campaign_approvals::decided_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Voids a request or an approval of campaign `campaign_id` (its owner changed it); a
/// rejection stays, with its reason.
pub fn void(conn: &mut AnyConnection, campaign_id: i64) -> Result<(), DbError> {
    diesel::delete(
        campaign_approvals::table
            .find(campaign_id)
            .filter(campaign_approvals::status.ne(ApprovalStatus::Rejected)),
    )
    .execute(conn)?;
    Ok(())
}

/// Campaigns of the team's active members waiting for approval, oldest request first.
pub fn waiting_of_team(
    conn: &mut AnyConnection,
    team_id: TeamId,
) -> Result<Vec<WaitingCampaign>, DbError> {
    Ok(campaign_approvals::table
        .inner_join(campaigns::table)
        .inner_join(users::table.on(users::id.eq(campaigns::owner_id)))
        .inner_join(memberships::table.on(memberships::user_id.eq(campaigns::owner_id)))
        .filter(memberships::team_id.eq(team_id))
        .filter(memberships::ended_at.is_null())
        .filter(campaign_approvals::status.eq(ApprovalStatus::Waiting))
        .order(campaign_approvals::requested_at)
        .select((
            campaigns::id,
            campaigns::name,
            users::name,
            campaign_approvals::requested_at,
        ))
        .load(conn)?)
}

/// Sets a membership's "Campaigns need approval".
pub fn set_needs_approval(
    conn: &mut AnyConnection,
    membership_id: MembershipId,
    on: bool,
) -> Result<(), DbError> {
    diesel::update(memberships::table.find(membership_id))
        .set(memberships::launch_needs_approval.eq(on))
        .execute(conn)?;
    Ok(())
}
