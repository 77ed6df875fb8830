//! The do-not-email list (suppression list): addresses and whole domains a team never
//! emails again. There is one list per team, kept under the leader's id and shared by every
//! active member (`policy::do_not_email_list`); a user with no team has their own. The
//! campaign sender asks `reason_for` before each email (send time, not only launch), so an
//! entry added now stops every teammate's next step; launch judges a whole list with
//! `Suppressions`.
//!
//! Every entry is found by the SHA-256 of its lower-cased text (an address, or "@domain"),
//! so an entry whose address was forgotten keeps only that digest and still matches.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use crate::db::do_not_email::{self as db, NewEntry};
use crate::db::ids::UserId;
use crate::db::values::{ActivityKind, DoNotEmailKind, DoNotEmailReason};
use crate::db::{AnyConnection, team, write_transaction};
use crate::domain::accounts::tokens;
use crate::domain::paging::{PageNumber, Pages};
use crate::domain::policy;
use crate::domain::team::record_activity;
use crate::domain::{DomainError, DomainResult};

pub use crate::db::do_not_email::DoNotEmailEntry;

impl DoNotEmailReason {
    /// The word the list page shows.
    pub fn label(self) -> &'static str {
        match self {
            DoNotEmailReason::Manual => "Added by hand",
            DoNotEmailReason::Unsubscribed => "Unsubscribed",
            DoNotEmailReason::Bounced => "Bounced",
            DoNotEmailReason::Complained => "Complained",
            DoNotEmailReason::Forgotten => "Forgotten",
        }
    }
}

/// A parsed entry: one address, or every address at a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A lower-cased address.
    Address(String),
    /// A lower-cased domain, without the "@".
    Domain(String),
}

impl Entry {
    /// Parses "ada@example.com" or "@competitor.example" (surrounding spaces ignored, case
    /// folded). Refusal: `Invalid` with what is wrong and the value.
    pub fn parse(raw: &str) -> DomainResult<Entry> {
        let text = raw.trim().to_lowercase();
        let refused = |why: &str| {
            DomainError::Invalid(format!(
                "\u{201c}{}\u{201d} is not an address or a domain written as @domain: {why}.",
                raw.trim()
            ))
        };
        if text.is_empty() {
            return Err(DomainError::Invalid(
                "Enter an address (ada@example.com) or a domain (@example.com).".into(),
            ));
        }
        if let Some(domain) = text.strip_prefix('@') {
            let probe = format!("postmaster@{domain}");
            super::verification::syntax(&probe).map_err(|_| refused("not a domain name"))?;
            return Ok(Entry::Domain(domain.to_string()));
        }
        super::verification::syntax(&text).map_err(refused)?;
        Ok(Entry::Address(text))
    }

    /// As the list shows it: the address, or "@domain".
    pub fn text(&self) -> String {
        match self {
            Entry::Address(a) => a.clone(),
            Entry::Domain(d) => format!("@{d}"),
        }
    }

    /// What it names.
    pub fn kind(&self) -> DoNotEmailKind {
        match self {
            Entry::Address(_) => DoNotEmailKind::Address,
            Entry::Domain(_) => DoNotEmailKind::Domain,
        }
    }

    /// SHA-256 (hex) of `text()`: what the list is searched by.
    pub fn digest(&self) -> String {
        tokens::digest(&self.text())
    }
}

/// The digests that match `email`: its own, and its domain's ("@domain").
fn digests_matching(email: &str) -> Vec<String> {
    let email = email.trim().to_lowercase();
    let mut digests = vec![tokens::digest(&email)];
    if let Some((_, domain)) = email.rsplit_once('@') {
        digests.push(tokens::digest(&format!("@{domain}")));
    }
    digests
}

/// The SHA-256 (hex) of a lower-cased address: what a forgotten prospect leaves behind.
pub fn address_digest(email: &str) -> String {
    tokens::digest(&email.trim().to_lowercase())
}

/// Whose list `user_id` uses: their team leader's while they are an active member,
/// otherwise their own (`policy::do_not_email_list`).
pub fn list_owner(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<UserId> {
    let leader = match team::active_membership_of(conn, user_id)? {
        Some(membership) => team::team_by_id(conn, membership.team_id)?.map(|t| t.leader_id),
        None => None,
    };
    Ok(policy::do_not_email_list(user_id, leader))
}

/// Why `email` may not be emailed from campaigns of `user_id` (an entry on their list for
/// the address or its domain), or `None`.
pub fn reason_for(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
) -> DomainResult<Option<DoNotEmailReason>> {
    let owner = list_owner(conn, user_id)?;
    Ok(db::reason_for(conn, owner, &digests_matching(email))?)
}

/// Whether list `list` (a `list_owner`) holds `email` or its domain: what the sender asks
/// before each email.
pub fn on_list(conn: &mut AnyConnection, list: UserId, email: &str) -> DomainResult<bool> {
    Ok(db::reason_for(conn, list, &digests_matching(email))?.is_some())
}

/// A whole list's digests, loaded once to judge many addresses (launch).
pub struct Suppressions(HashSet<String>);

impl Suppressions {
    /// The list `user_id` uses.
    pub fn of(conn: &mut AnyConnection, user_id: UserId) -> DomainResult<Suppressions> {
        let owner = list_owner(conn, user_id)?;
        Ok(Suppressions(
            db::digests(conn, owner)?.into_iter().collect(),
        ))
    }

    /// Whether the list holds `email` or its domain.
    pub fn blocks(&self, email: &str) -> bool {
        digests_matching(email)
            .iter()
            .any(|digest| self.0.contains(digest))
    }
}

/// An entry a campaign produced (an unsubscribe, a bounce): put on the list of the
/// campaign owner `owner_id` (their team's), attributed to them and the campaign. True
/// when it was new; an address already on the list keeps its first entry. That is looked
/// up first, not left to the unique index: callers run this inside a transaction, and on
/// PostgreSQL a refused insert aborts the whole transaction (their other changes with it).
pub fn record(
    conn: &mut AnyConnection,
    owner_id: UserId,
    email: &str,
    reason: DoNotEmailReason,
    campaign_id: Option<i64>,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    let list = list_owner(conn, owner_id)?;
    let entry = Entry::Address(email.trim().to_lowercase());
    put(conn, list, &entry, reason, owner_id, campaign_id, now)
}

/// Puts `entry` on list `list` (a `list_owner`) for `reason`, attributed to `added_by` and,
/// when a campaign produced it, to `campaign_id`; false when the list already holds it.
pub(super) fn put(
    conn: &mut AnyConnection,
    list: UserId,
    entry: &Entry,
    reason: DoNotEmailReason,
    added_by: UserId,
    campaign_id: Option<i64>,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    Ok(db::insert(
        conn,
        &NewEntry {
            list_owner_id: list,
            entry: Some(&entry.text()),
            digest: &entry.digest(),
            kind: entry.kind(),
            reason,
            added_by,
            campaign_id,
            now,
        },
    )?)
}

/// Adds `entry` by hand to the list `actor_id` uses (the leader and every member may), with
/// its line of Team activity in the same transaction. Refusal: `Invalid` when the list
/// already holds it.
pub fn add(
    conn: &mut AnyConnection,
    actor_id: UserId,
    entry: &Entry,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let list = list_owner(conn, actor_id)?;
    let text = entry.text();
    write_transaction(conn, |conn| {
        let manual = DoNotEmailReason::Manual;
        if !put(conn, list, entry, manual, actor_id, None, now)? {
            return Err(DomainError::Invalid(format!(
                "{text} is already on the do-not-email list."
            )));
        }
        record_activity(
            conn,
            actor_id,
            ActivityKind::DoNotEmailAdded,
            &text,
            "",
            now,
        )?;
        Ok(format!("Added {text} to the do-not-email list."))
    })
}

/// Removes entry `id` from the list `actor_id` uses: only the list's owner (the team
/// leader, or a user with no team) may (`policy::may_remove_do_not_email`). Refusals:
/// `NotFound` for an entry of another list, `Forbidden` for a member. Recorded in Team
/// activity in the same transaction.
pub fn remove(
    conn: &mut AnyConnection,
    actor_id: UserId,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let list = list_owner(conn, actor_id)?;
    let entry = db::by_id(conn, id)?
        .filter(|e| e.list_owner_id == list)
        .ok_or(DomainError::NotFound)?;
    policy::may_remove_do_not_email(actor_id, list)?;
    let text = entry.entry.as_deref().unwrap_or("a forgotten prospect");
    write_transaction(conn, |conn| {
        db::delete(conn, entry.id)?;
        record_activity(
            conn,
            actor_id,
            ActivityKind::DoNotEmailRemoved,
            text,
            "",
            now,
        )?;
        Ok(format!("Removed {text} from the do-not-email list."))
    })
}

/// Entries shown a page.
pub const PAGE_SIZE: i64 = 50;

/// One row of the list page.
pub struct EntryRow {
    pub id: i64,
    /// The address or "@domain"; "Forgotten prospect" for a digest-only entry.
    pub shown: String,
    pub reason: DoNotEmailReason,
    /// Who added it, or whose campaign produced it.
    pub added_by: String,
    /// UTC.
    pub added_at: NaiveDateTime,
}

/// The list page: a page of entries, newest first, and what the viewer may do.
pub struct ListView {
    pub rows: Vec<EntryRow>,
    pub pages: Pages,
    /// Whether the list is the team's (the viewer is a leader or an active member).
    pub shared: bool,
    /// Whether the viewer may remove entries (`policy::may_remove_do_not_email`).
    pub may_remove: bool,
}

/// Page `asked` of the list `viewer_id` uses.
pub fn view(
    conn: &mut AnyConnection,
    viewer_id: UserId,
    asked: PageNumber,
) -> DomainResult<ListView> {
    let list = list_owner(conn, viewer_id)?;
    let pages = Pages::new(asked, PAGE_SIZE, db::count(conn, list)?);
    let rows = db::page(conn, list, pages.offset(), PAGE_SIZE)?
        .into_iter()
        .map(|(e, name)| EntryRow {
            id: e.id,
            shown: e.entry.unwrap_or_else(|| "Forgotten prospect".into()),
            reason: e.reason,
            added_by: name,
            added_at: e.created_at,
        })
        .collect();
    let shared = list != viewer_id || team::team_by_leader(conn, viewer_id)?.is_some();
    Ok(ListView {
        rows,
        pages,
        shared,
        may_remove: policy::may_remove_do_not_email(viewer_id, list).is_ok(),
    })
}

/// The reasons a departing member's copy holds: what their campaigns produced.
const PRODUCED_BY_CAMPAIGNS: [DoNotEmailReason; 3] = [
    DoNotEmailReason::Unsubscribed,
    DoNotEmailReason::Bounced,
    DoNotEmailReason::Complained,
];

/// When `member` leaves (or is removed from) the team of `leader_id`: the team's entries
/// stay, and the member's own list gets a copy of the entries their campaigns produced
/// (unsubscribes, bounces, complaints), so their campaigns keep honouring them. Returns how
/// many were copied (entries already on their own list are not copied twice).
pub fn copy_on_departure(
    conn: &mut AnyConnection,
    leader_id: UserId,
    member: UserId,
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut copied = 0;
    for entry in db::produced_by(conn, leader_id, member, &PRODUCED_BY_CAMPAIGNS)? {
        let new = NewEntry {
            list_owner_id: member,
            entry: entry.entry.as_deref(),
            digest: &entry.digest,
            kind: entry.kind,
            reason: entry.reason,
            added_by: member,
            campaign_id: entry.campaign_id,
            now,
        };
        if db::insert(conn, &new)? {
            copied += 1;
        }
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_addresses_or_domains_in_lower_case() {
        assert_eq!(
            Entry::parse("  Ada@Example.COM ").unwrap(),
            Entry::Address("ada@example.com".into())
        );
        assert_eq!(
            Entry::parse("@Competitor.Example").unwrap(),
            Entry::Domain("competitor.example".into())
        );
        for bad in ["", "ada", "@", "@nodot", "ada@", "a b@example.com"] {
            assert!(Entry::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn an_address_is_blocked_by_itself_or_its_domain() {
        let list = Suppressions(HashSet::from([
            Entry::parse("ada@a.example").unwrap().digest(),
            Entry::parse("@b.example").unwrap().digest(),
        ]));
        assert!(list.blocks("ADA@a.example"));
        assert!(list.blocks("anyone@b.example"));
        assert!(!list.blocks("bob@a.example"));
        assert!(!list.blocks("x@sub.b.example"));
        assert_eq!(
            address_digest(" Ada@A.example"),
            list_digest("ada@a.example")
        );
    }

    fn list_digest(text: &str) -> String {
        tokens::digest(text)
    }
}
