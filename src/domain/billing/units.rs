//! Payment units: the pool a user spends from, and the one function that spends it.
//!
//! An active member of an unlocked team spends the leader's pool; everyone else spends
//! their own. Every spend is a ledger row naming the payer, the spender and the period,
//! written inside a transaction that holds the payer's lock, so concurrent spends by many
//! members never take a pool below zero.

use chrono::NaiveDateTime;

use super::alerts;
use super::pool::{PoolStatus, Unit, current_period, effective_plan, plan_expired, pool_status};
use crate::db::ids::{TeamId, UserId};
use crate::db::models::User;
use crate::db::usage::{self, NewSpend};
use crate::db::{AnyConnection, accounts, locked_transaction, team};
use crate::domain::{DomainError, DomainResult, policy};

/// The figures of the pool `user_id` spends from (their team's, or their own).
pub fn pool_for(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<PoolStatus> {
    let payer = resolve_payer(conn, user_id, now)?;
    pool_status(conn, &payer.user, now)
}

/// Whose pool a user's spends draw on, and the member's caps on it.
struct Payer {
    user: User,
    team_id: Option<TeamId>,
    credit_cap: Option<i32>,
    recipient_cap: Option<i32>,
}

impl Payer {
    fn cap(&self, unit: Unit) -> Option<i64> {
        match unit {
            Unit::Credit => self.credit_cap,
            Unit::Recipient => self.recipient_cap,
        }
        .map(i64::from)
    }
}

fn resolve_payer(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<Payer> {
    if let Some(membership) = team::active_membership_of(conn, user_id)? {
        let team = team::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
        let leader = accounts::user_by_id(conn, team.leader_id)?;
        if plan_expired(&leader, now) {
            return Err(DomainError::TeamLocked);
        }
        let full = policy::caps_apply(effective_plan(&leader, now));
        return Ok(Payer {
            user: leader,
            team_id: Some(team.id),
            credit_cap: membership.credit_cap.filter(|_| full),
            recipient_cap: membership.recipient_cap.filter(|_| full),
        });
    }
    let user = accounts::user_by_id(conn, user_id)?;
    let team_id = team::team_by_leader(conn, user_id)?.map(|t| t.id);
    Ok(Payer {
        user,
        team_id,
        credit_cap: None,
        recipient_cap: None,
    })
}

/// Spends `amount` credits for `user_id` from the pool they draw on.
pub fn spend_credits(
    conn: &mut AnyConnection,
    user_id: UserId,
    amount: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    if amount <= 0 {
        return Err(DomainError::Internal(format!("spend of {amount} credits")));
    }
    spend(conn, user_id, Unit::Credit, amount, None, now).map(|_| ())
}

/// Counts `email` as a recipient for `user_id`'s pool, once per billing period.
/// Returns whether this call counted it (false: already counted this period).
pub fn record_recipient(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    spend(conn, user_id, Unit::Recipient, 1, Some(email), now)
}

fn spend(
    conn: &mut AnyConnection,
    user_id: UserId,
    unit: Unit,
    amount: i64,
    recipient: Option<&str>,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    let payer = resolve_payer(conn, user_id, now)?;
    let plan = effective_plan(&payer.user, now);
    let period = current_period(&payer.user, now);
    locked_transaction(conn, payer.user.id, |conn| {
        if let Some(email) = recipient
            && usage::recipient_counted(conn, payer.user.id, period.start, email)?
        {
            return Ok(false);
        }
        let used = usage::pool_used(conn, payer.user.id, period.start, unit)?;
        if used + amount > unit.allowance(plan) {
            return Err(DomainError::PoolExhausted {
                unit: unit.label(),
                asked: amount,
                left: unit.allowance(plan) - used,
                renews_at: period.end,
            });
        }
        let mine = match payer.cap(unit) {
            Some(cap) => {
                let mine = usage::member_used(conn, payer.user.id, user_id, period.start, unit)?;
                if mine + amount > cap {
                    return Err(DomainError::CapReached {
                        unit: unit.label(),
                        asked: amount,
                        left: cap - mine,
                        cap,
                        renews_at: period.end,
                    });
                }
                Some((mine + amount, cap))
            }
            None => None,
        };
        usage::insert_spend(
            conn,
            &NewSpend {
                payer_id: payer.user.id,
                user_id,
                team_id: payer.team_id,
                kind: unit,
                amount: amount as i32,
                recipient_email: recipient,
                period_start: period.start,
                now,
            },
        )?;
        let pool = (used + amount, unit.allowance(plan));
        alerts::after_spend(
            conn,
            &payer.user,
            user_id,
            unit,
            pool,
            mine,
            period.start,
            period.end,
            now,
        )?;
        Ok(true)
    })
}
