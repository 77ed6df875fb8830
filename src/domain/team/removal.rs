//! Removing a member: the confirmation's preview of what they own, and the removal with an
//! optional move of their prospect lists and campaigns to the leader or another member.

use crate::text::count;
use chrono::NaiveDateTime;

use super::managed_member;
use crate::db::ids::{MembershipId, UserId};
use crate::db::models::User;
use crate::db::values::{ActivityKind, MembershipEnd};
use crate::db::{AnyConnection, accounts, team as db};
use crate::domain::prospects::do_not_email;
use crate::domain::{DomainError, DomainResult};

/// What happens to a removed member's prospect lists and campaigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordsGo {
    /// They stay with the member (the default).
    StayWithMember,
    /// They move to this user: the leader or another active member.
    To(UserId),
}

/// Ends the membership. By default the former member keeps every record; with a transfer
/// their lists and campaigns move, in the same transaction, to the leader or another
/// active member (README, "Record transfer"): active campaigns pause, each moved campaign's
/// sender account is cleared (the heir chooses one of theirs), the custom fields their
/// prospects use move along (merged by name), and recipients already written to from the
/// former member's mailbox are finished. Usage and statistics history never move.
pub fn remove_member(
    conn: &mut AnyConnection,
    leader: &User,
    membership_id: MembershipId,
    records: RecordsGo,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, membership, member) = managed_member(conn, leader, membership_id)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::end_membership(conn, membership.id, MembershipEnd::Removed, now)? {
            return Err(DomainError::NotFound);
        }
        do_not_email::copy_on_departure(conn, team.leader_id, member.id, now)?;
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &member.email,
            ActivityKind::Removed,
            "",
            now,
        )?;
        let RecordsGo::To(heir_id) = records else {
            return Ok(format!(
                "{} was removed from your team. Their records stay with them.",
                member.name
            ));
        };
        // Checked inside the transaction: a target who left meanwhile fails the whole removal.
        let heir_team_id = db::active_membership_of(conn, heir_id)?.map(|m| m.team_id);
        crate::domain::policy::may_inherit_records(&team, member.id, heir_id, heir_team_id)?;
        let heir = accounts::user_by_id(conn, heir_id)?;
        let reason = format!(
            "Paused: moved from {} to {}. Choose one of your own sender accounts in the settings before resuming.",
            member.name, heir.name
        );
        let (lists, prospects, campaigns, _) = crate::db::transfer::owned(conn, member.id)?;
        finish_contacted_recipients(conn, member.id)?;
        crate::db::transfer::move_custom_fields(conn, member.id, heir.id)?;
        crate::db::transfer::move_records(conn, member.id, heir.id, &reason)?;
        let detail = format!(
            "{} ({}) and {} to {}",
            count(lists, "prospect list", "prospect lists"),
            count(prospects, "prospect", "prospects"),
            count(campaigns, "campaign", "campaigns"),
            heir.email
        );
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &member.email,
            ActivityKind::RecordsTransferred,
            &detail,
            now,
        )?;
        Ok(format!(
            "{} was removed from your team. Moved {detail}.",
            member.name
        ))
    })
}

/// Finishes the recipients of `owner`'s campaigns already written to from their mailbox
/// (their replies go there); their emails waiting for a retry fail, releasing their holds.
fn finish_contacted_recipients(conn: &mut AnyConnection, owner: UserId) -> DomainResult<()> {
    for message in crate::db::transfer::finish_contacted_recipients(conn, owner)? {
        crate::db::messages::mark_attempt_failed(conn, message, MOVED_NOT_SENT, None)?;
        crate::domain::billing::release_held_recipient(conn, message)?;
    }
    Ok(())
}

/// Why a retry of a recipient finished by a record transfer was not sent.
const MOVED_NOT_SENT: &str = "Not sent: the campaign moved to another owner after this recipient was contacted from the former owner's mailbox.";

/// What the removal confirmation shows: the member, what they own, and who may inherit it.
pub struct RemovalPreview {
    pub member: User,
    pub lists: i64,
    pub prospects: i64,
    pub campaigns: i64,
    pub active_campaigns: i64,
    /// (user id, name) of the leader and the other active members.
    pub heirs: Vec<(UserId, String)>,
}

/// What removing member `membership_id` would move: their lists, prospects and campaigns,
/// and who may receive them. Refusal: `NotFound` for a membership the leader does not manage.
pub fn removal_preview(
    conn: &mut AnyConnection,
    leader: &User,
    membership_id: MembershipId,
) -> DomainResult<RemovalPreview> {
    let (team, _, member) = managed_member(conn, leader, membership_id)?;
    let (lists, prospects, campaigns, active_campaigns) =
        crate::db::transfer::owned(conn, member.id)?;
    let others: Vec<UserId> = db::active_member_ids(conn, team.id)?
        .into_iter()
        .filter(|id| *id != member.id)
        .collect();
    let mut heirs = vec![(leader.id, format!("{} (you)", leader.name))];
    heirs.extend(accounts::names_of(conn, &others)?);
    Ok(RemovalPreview {
        member,
        lists,
        prospects,
        campaigns,
        active_campaigns,
        heirs,
    })
}
