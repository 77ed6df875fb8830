//! Queries for pausing sequences to a company when one of its people replies: the team's
//! setting, the recipients to pause, and resuming one.

use diesel::prelude::*;

use super::ids::{TeamId, UserId};
use super::schema::{campaign_recipients, campaigns, teams};
use super::values::{CampaignStatus, RecipientStatus};
use super::{AnyConnection, DbError};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Saves the team's "a reply pauses the team's sequences to that company" setting.
pub fn set_reply_pauses_company(
    conn: &mut AnyConnection,
    team_id: TeamId,
    on: bool,
) -> Result<(), DbError> {
    diesel::update(teams::table.find(team_id))
        .set(teams::reply_pauses_company.eq(on))
        .execute(conn)?;
    Ok(())
}

/// Pauses, with `reason`, every active recipient at exactly `@domain` (lower case, matched
/// without regard to case) in the active or paused campaigns of `owners`, except recipient
/// `except`. Their next due time is kept for a resume. Returns how many were paused.
pub fn pause_at_domain(
    conn: &mut AnyConnection,
    owners: &[UserId],
    domain: &str,
    except: i64,
    reason: &str,
) -> Result<usize, DbError> {
    let escaped: String = domain
        .chars()
        .flat_map(|c| match c {
            '\\' | '%' | '_' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let their_campaigns = campaigns::table
        .filter(campaigns::owner_id.eq_any(owners.to_vec()))
        .filter(campaigns::status.eq_any([CampaignStatus::Active, CampaignStatus::Paused]))
        .select(campaigns::id);
    Ok(diesel::update(
        campaign_recipients::table
            .filter(campaign_recipients::status.eq(RecipientStatus::Active))
            .filter(campaign_recipients::id.ne(except))
            .filter(campaign_recipients::campaign_id.eq_any(their_campaigns))
            .filter(
                lower(campaign_recipients::email)
                    .like(format!("%@{escaped}"))
                    .escape('\\'),
            ),
    )
    .set((
        campaign_recipients::status.eq(RecipientStatus::Paused),
        campaign_recipients::pause_reason.eq(reason),
    ))
    .execute(conn)?)
}

/// Resumes paused recipient `id` of campaign `campaign_id`: active again, their next email
/// due when it was due (at once if that has passed). False when no such paused recipient.
pub fn resume(conn: &mut AnyConnection, campaign_id: i64, id: i64) -> Result<bool, DbError> {
    let resumed = diesel::update(
        campaign_recipients::table
            .filter(campaign_recipients::id.eq(id))
            .filter(campaign_recipients::campaign_id.eq(campaign_id))
            .filter(campaign_recipients::status.eq(RecipientStatus::Paused)),
    )
    .set((
        campaign_recipients::status.eq(RecipientStatus::Active),
        campaign_recipients::pause_reason.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(resumed == 1)
}
