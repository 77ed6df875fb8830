//! Queries for one owner of a conversation: which addresses teammates are contacting, and
//! who owns a team's conversation with an address.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{TeamId, UserId};
use super::schema::{campaign_messages, campaign_recipients, campaigns, conversations, teams};
use super::values::{CampaignStatus, RecipientStatus};
use super::{AnyConnection, DbError};

/// An address someone is contacting: (address, who, the campaign's name).
pub type Contact = (String, UserId, String);

/// How many addresses one query asks about (well under every backend's parameter limit).
const CHUNK: usize = 500;

/// Of `emails` (lower case), those a person of `people` is contacting: a recipient not
/// finished (active or paused) in one of their active or paused campaigns, or emailed by
/// them (accepted by the SMTP server) at or after `since` (UTC). One row per address,
/// person and campaign.
pub fn contacting(
    conn: &mut AnyConnection,
    people: &[UserId],
    emails: &[String],
    since: NaiveDateTime,
) -> Result<Vec<Contact>, DbError> {
    let mut out: Vec<Contact> = Vec::new();
    if people.is_empty() {
        return Ok(out);
    }
    for chunk in emails.chunks(CHUNK) {
        out.extend(
            campaign_recipients::table
                .inner_join(campaigns::table)
                .filter(campaign_recipients::email.eq_any(chunk))
                .filter(campaigns::owner_id.eq_any(people))
                .filter(campaigns::status.eq_any([CampaignStatus::Active, CampaignStatus::Paused]))
                .filter(
                    campaign_recipients::status
                        .eq_any([RecipientStatus::Active, RecipientStatus::Paused]),
                )
                .select((
                    campaign_recipients::email,
                    campaigns::owner_id,
                    campaigns::name,
                ))
                .load::<Contact>(conn)?,
        );
        let sent: Vec<(String, UserId, i64)> = campaign_messages::table
            .filter(campaign_messages::recipient_email.eq_any(chunk))
            .filter(campaign_messages::sent_at.ge(since))
            .filter(campaign_messages::owner_id.eq_any(people))
            .select((
                campaign_messages::recipient_email,
                campaign_messages::owner_id,
                campaign_messages::campaign_id,
            ))
            .load(conn)?;
        let ids: Vec<i64> = sent.iter().map(|s| s.2).collect();
        let names: std::collections::HashMap<i64, String> = campaigns::table
            .filter(campaigns::id.eq_any(ids))
            .select((campaigns::id, campaigns::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        out.extend(sent.into_iter().map(|(email, owner, campaign)| {
            let name = names.get(&campaign).cloned().unwrap_or_default();
            (email, owner, name)
        }));
    }
    Ok(out)
}

/// Takes or keeps the team's conversation with `email` (lower case) for `owner`: when no
/// one holds it (a new row), when `owner` holds it, or when its holder's last email is
/// before `free_before`; sets its last email at `now`. False when a teammate holds it.
/// Meant to run inside the claim's write transaction: it reads first, so a new row is
/// inserted only when none is there; `DbError::Conflict` when another process inserted it
/// meanwhile (the unique index decided; on PostgreSQL the transaction is then aborted and
/// must be rolled back).
pub fn take_conversation(
    conn: &mut AnyConnection,
    team_id: TeamId,
    email: &str,
    owner: UserId,
    now: NaiveDateTime,
    free_before: NaiveDateTime,
) -> Result<bool, DbError> {
    let held: Option<i64> = conversations::table
        .filter(conversations::team_id.eq(team_id))
        .filter(conversations::email.eq(email))
        .select(conversations::id)
        .first(conn)
        .optional()?;
    let Some(id) = held else {
        diesel::insert_into(conversations::table)
            .values((
                conversations::team_id.eq(team_id),
                conversations::email.eq(email),
                conversations::owner_id.eq(owner),
                conversations::last_at.eq(now),
            ))
            .execute(conn)?;
        return Ok(true);
    };
    let taken = diesel::update(
        conversations::table.find(id).filter(
            conversations::owner_id
                .eq(owner)
                .or(conversations::last_at.lt(free_before)),
        ),
    )
    .set((
        conversations::owner_id.eq(owner),
        conversations::last_at.eq(now),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Saves the team's "Never contact a prospect a teammate is already contacting" setting.
pub fn set_never_contact_teammates(
    conn: &mut AnyConnection,
    team_id: TeamId,
    on: bool,
) -> Result<(), DbError> {
    diesel::update(teams::table.find(team_id))
        .set(teams::never_contact_teammates.eq(on))
        .execute(conn)?;
    Ok(())
}
