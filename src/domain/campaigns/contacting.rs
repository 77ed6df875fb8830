//! One owner of a conversation (issue 16 item 1). A teammate is *contacting* an address
//! when it is a recipient not yet finished (active or paused) in one of their active or
//! paused campaigns, or when they emailed it within the last `CONTACT_DAYS` days. Imports,
//! the add form, list rows and the launch confirmation say so; what they show follows the
//! viewer's records layer (`policy::teammate_named`): the teammate and campaign by name
//! with "View team records" (and for the leader), only "a teammate" otherwise. With the
//! team setting "Never contact a prospect a teammate is already contacting"
//! (`policy::never_contact_enforced`), launches must skip them and the sender never emails
//! an address a teammate owns the conversation with (`take_conversation`, decided by a
//! unique index at claim time on both databases).

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use crate::db::ids::{TeamId, UserId};
use crate::db::models::User;
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, accounts, contacting as db, team};
use crate::domain::{DomainError, DomainResult, policy};

/// How long after a teammate's last email to an address they are still contacting it.
pub const CONTACT_DAYS: i64 = 90;

/// The addresses among some asked about that teammates of one person are contacting.
pub struct Contacts {
    /// Address → (teammate's name, campaign's name), the first found.
    by_email: HashMap<String, (String, String)>,
    /// Policy's answer: the teammate and campaign may be named to this viewer.
    named: bool,
}

impl Contacts {
    /// Of `emails` (lower case), those a teammate of `user` (anyone else in their team:
    /// leader or active member) is contacting at `now`. Empty outside a team.
    pub fn of(
        conn: &mut AnyConnection,
        user: &User,
        emails: &[String],
        now: NaiveDateTime,
    ) -> DomainResult<Self> {
        let seat = crate::domain::team::team_seat(conn, user, now)?;
        let named = seat.as_ref().is_some_and(policy::teammate_named);
        let teammates: Vec<UserId> = seat
            .map(|s| s.people.into_iter().filter(|p| *p != user.id).collect())
            .unwrap_or_default();
        let since = now - Duration::days(CONTACT_DAYS);
        let found = db::contacting(conn, &teammates, emails, since)?;
        let mut owners: Vec<UserId> = found.iter().map(|(_, owner, _)| *owner).collect();
        owners.sort();
        owners.dedup();
        // Their names in one statement, however many teammates.
        let names: HashMap<UserId, String> =
            accounts::names_of(conn, &owners)?.into_iter().collect();
        let mut by_email = HashMap::new();
        for (email, owner, campaign) in found {
            let name = names.get(&owner).cloned().unwrap_or_default();
            by_email.entry(email).or_insert((name, campaign));
        }
        Ok(Contacts { by_email, named })
    }

    /// Whether a teammate is contacting `email`.
    pub fn contains(&self, email: &str) -> bool {
        self.by_email.contains_key(email)
    }

    /// How many of the addresses asked about a teammate is contacting.
    pub fn count(&self) -> usize {
        self.by_email.len()
    }

    /// "contacted by Mia Member (“Spring wave”)" with the names allowed, else "contacted
    /// by a teammate"; `None` when no teammate is contacting `email`.
    pub fn describe(&self, email: &str) -> Option<String> {
        let (teammate, campaign) = self.by_email.get(email)?;
        Some(if self.named {
            format!("contacted by {teammate} (“{campaign}”)")
        } else {
            "contacted by a teammate".into()
        })
    }

    /// The teammates contacting some of the addresses, by name and how many each (only
    /// with the names allowed): "Mia Member: 10, Tia Team: 2".
    pub fn by_teammate(&self) -> String {
        if !self.named {
            return String::new();
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (teammate, _) in self.by_email.values() {
            match counts.iter_mut().find(|(t, _)| t == teammate) {
                Some((_, n)) => *n += 1,
                None => counts.push((teammate.clone(), 1)),
            }
        }
        counts.sort();
        counts
            .iter()
            .map(|(t, n)| format!("{t}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the launch confirmation says of prospects a teammate is contacting.
pub struct TeammatesAtLaunch {
    /// How many of the list's prospects a teammate is contacting.
    pub count: i64,
    /// "Mia Member: 10, Tia Team: 2" when the viewer may see names, else empty.
    pub by_teammate: String,
    /// The team setting makes skipping them mandatory (no "include" choice).
    pub enforced: bool,
    /// This launch includes them (the owner chose to).
    pub included: bool,
}

/// The team a campaign owner's emails take part in: its conversations are noted at every
/// claim, and skipped when a teammate holds them if the team enforces the rule.
#[derive(Debug, Clone, Copy)]
pub struct TeamConversations {
    pub team_id: TeamId,
    /// "Never contact a prospect a teammate is already contacting" is on
    /// (`policy::never_contact_enforced`).
    pub enforced: bool,
}

/// `owner`'s team for the conversations of their emails; `None` outside a team.
pub fn team_conversations(
    conn: &mut AnyConnection,
    owner: UserId,
) -> DomainResult<Option<TeamConversations>> {
    let found = match team::active_membership_of(conn, owner)? {
        Some(membership) => team::team_by_id(conn, membership.team_id)?,
        None => team::team_by_leader(conn, owner)?,
    };
    Ok(found.map(|t| TeamConversations {
        team_id: t.id,
        enforced: policy::never_contact_enforced(t.never_contact_teammates),
    }))
}

/// Whether the team setting binds `owner`'s launches (skipping is then mandatory).
pub fn enforced_for(conn: &mut AnyConnection, owner: UserId) -> DomainResult<bool> {
    Ok(team_conversations(conn, owner)?.is_some_and(|t| t.enforced))
}

/// Inside the claim's transaction: takes or keeps the team's conversation with `email` for
/// `owner` (`db::contacting::take_conversation`; free again `CONTACT_DAYS` days after its
/// holder's last email). False when a teammate holds it. `DbError::Conflict` when another
/// process took it first in the same instant: the claim is rolled back and the next round
/// decides.
pub fn take_conversation(
    conn: &mut AnyConnection,
    team_id: TeamId,
    email: &str,
    owner: UserId,
    now: NaiveDateTime,
) -> Result<bool, crate::db::DbError> {
    let free_before = now - Duration::days(CONTACT_DAYS);
    db::take_conversation(
        conn,
        team_id,
        &email.to_lowercase(),
        owner,
        now,
        free_before,
    )
}

/// The team settings on My Team, as the leader chose them.
#[derive(Debug, Clone, Copy)]
pub struct TeamSettings {
    /// A reply pauses the team's sequences to that company (`company_pause`).
    pub reply_pauses_company: bool,
    /// Never contact a prospect a teammate is already contacting.
    pub never_contact_teammates: bool,
}

/// Saves the team settings, recorded in Team activity; returns the flash message.
/// Refusals: `NotFound` for no team or someone else's, `Forbidden` on a plan without full
/// Teamwork (`policy::may_change_team_settings`).
pub fn save_team_settings(
    conn: &mut AnyConnection,
    user: &User,
    settings: TeamSettings,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let found = team::team_by_leader(conn, user.id)?.ok_or(DomainError::NotFound)?;
    let plan = crate::domain::billing::effective_plan(user, now);
    policy::may_change_team_settings(user, &found, plan)?;
    let on_off = |on: bool| if on { "on" } else { "off" };
    let detail = format!(
        "a reply pauses the team's sequences to that company: {}; never contact a prospect a teammate is already contacting: {}",
        on_off(settings.reply_pauses_company),
        on_off(settings.never_contact_teammates)
    );
    crate::db::write_transaction(conn, |conn| {
        crate::db::company_pause::set_reply_pauses_company(
            conn,
            found.id,
            settings.reply_pauses_company,
        )?;
        db::set_never_contact_teammates(conn, found.id, settings.never_contact_teammates)?;
        crate::domain::team::record_activity(
            conn,
            user.id,
            ActivityKind::SettingChanged,
            "team settings",
            &detail,
            now,
        )
    })?;
    Ok(format!("Team settings saved: {detail}."))
}
