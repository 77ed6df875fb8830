//! Per-member caps on the shared pool, set by the leader on full Teamwork.

use chrono::NaiveDateTime;

use super::pool;
use crate::db::ids::MembershipId;
use crate::db::models::User;
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, team as db};
use crate::domain::team::managed_member;
use crate::domain::{DomainResult, policy};

/// A cap as typed: empty for none, else a whole number from 0.
pub fn parse_cap(raw: &str, label: &str) -> DomainResult<Option<i32>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i32>() {
        Ok(cap) if cap >= 0 => Ok(Some(cap)),
        _ => crate::domain::invalid(format!(
            "The {label} cap must be a whole number, or empty for no cap."
        )),
    }
}

/// Sets a member's caps per billing period (full Teamwork), recorded in Team activity;
/// caps saved unchanged record nothing and say "Nothing changed". Returns the flash.
/// Refusals: `NotFound` for a membership the leader does not manage; `Forbidden` on a
/// basic plan (`policy::may_set_caps`).
pub fn set_caps(
    conn: &mut AnyConnection,
    leader: &User,
    membership_id: MembershipId,
    credit_cap: Option<i32>,
    recipient_cap: Option<i32>,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (team, membership, member) = managed_member(conn, leader, membership_id)?;
    policy::may_set_caps(leader, &team, pool::effective_plan(leader, now))?;
    let show = |cap: Option<i32>| cap.map_or("no cap".to_string(), |c| c.to_string());
    let detail = format!(
        "credits {}, recipients {}",
        show(credit_cap),
        show(recipient_cap)
    );
    if (membership.credit_cap, membership.recipient_cap) == (credit_cap, recipient_cap) {
        return Ok(format!(
            "Nothing changed: the caps of {} are already {detail} per billing period.",
            member.name
        ));
    }
    crate::db::write_transaction(conn, |conn| {
        db::set_member_caps(conn, membership.id, credit_cap, recipient_cap)?;
        db::insert_activity(
            conn,
            team.id,
            leader.id,
            &member.email,
            ActivityKind::CapChanged,
            &detail,
            now,
        )?;
        Ok(format!(
            "Caps of {} saved: {detail} per billing period.",
            member.name
        ))
    })
}
