//! Payment units: the pool a user spends from, and the one function that spends it.
//!
//! An active member of an unlocked team spends the leader's pool; everyone else spends
//! their own. Every spend is a ledger row naming the payer, the spender and the period,
//! written inside a transaction that holds the payer's lock, so concurrent spends by many
//! members never take a pool below zero.
//!
//! A recipient is held, not spent, while a campaign email to it is claimed or waits for a
//! retry: the hold counts against the pool and the member's cap like a spend, so concurrent
//! claims cannot go below zero either. The SMTP server's acceptance turns the hold into a
//! spend (`spend_held_recipient`); a final failure releases it (`release_held_recipient`).

use chrono::NaiveDateTime;

use super::alerts;
use super::plans::{Period, Plan};
use super::pool::{PoolStatus, Unit, current_period, effective_plan, plan_expired, pool_status};
use crate::db::ids::{TeamId, UserId};
use crate::db::models::User;
use crate::db::usage::{
    self,
    Entries::{Spent, Taken},
    NewSpend,
};
use crate::db::{AnyConnection, accounts, locked_transaction, team};
use crate::domain::prospects::do_not_email::address_digest;
use crate::domain::{DomainError, DomainResult, policy};

/// What the ledger keeps of a recipient: the SHA-256 of the lower-cased address
/// (`do_not_email::address_digest`), never the address itself (it only counts them; README,
/// "Forget this prospect").
fn ledger_key(email: &str) -> String {
    address_digest(email)
}

/// Whether `email` was spent from `payer_id`'s pool in the period starting at
/// `period_start`: found by its digest, or by itself in rows written before digests.
fn counted(
    conn: &mut AnyConnection,
    payer_id: UserId,
    period_start: NaiveDateTime,
    email: &str,
) -> DomainResult<bool> {
    let key = ledger_key(email);
    Ok(usage::recipient_counted(
        conn,
        payer_id,
        period_start,
        &[&key, email],
    )?)
}

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

/// The payer of a user who may spend now: refused (`TeamLocked`) for a member of a team
/// whose leader's plan has expired.
fn resolve_payer(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<Payer> {
    let (payer, locked) = payer_of(conn, user_id, now)?;
    if locked {
        return Err(DomainError::TeamLocked);
    }
    Ok(payer)
}

/// Whose pool a user draws on, and whether that team is locked (its leader's plan expired).
fn payer_of(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> DomainResult<(Payer, bool)> {
    if let Some(membership) = team::active_membership_of(conn, user_id)? {
        let team = team::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
        let leader = accounts::user_by_id(conn, team.leader_id)?;
        let locked = plan_expired(&leader, now);
        let full = policy::caps_apply(effective_plan(&leader, now));
        let payer = Payer {
            user: leader,
            team_id: Some(team.id),
            credit_cap: membership.credit_cap.filter(|_| full),
            recipient_cap: membership.recipient_cap.filter(|_| full),
        };
        return Ok((payer, locked));
    }
    let user = accounts::user_by_id(conn, user_id)?;
    let team_id = team::team_by_leader(conn, user_id)?.map(|t| t.id);
    let payer = Payer {
        user,
        team_id,
        credit_cap: None,
        recipient_cap: None,
    };
    Ok((payer, false))
}

/// Spends `amount` credits for `user_id` from the pool they draw on.
pub fn spend_credits(
    conn: &mut AnyConnection,
    user_id: UserId,
    amount: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    spend_credits_with(conn, user_id, amount, now, |_| Ok(()))
}

/// Spends `amount` credits for `user_id` and runs `then` (which stores what was paid for)
/// in the same transaction, holding the payer's lock: both are written or neither. Refused
/// like [`spend_credits`] (`PoolExhausted`, `CapReached`, `TeamLocked`) before `then` runs;
/// an error from `then` undoes the spend.
pub fn spend_credits_with<T>(
    conn: &mut AnyConnection,
    user_id: UserId,
    amount: i64,
    now: NaiveDateTime,
    then: impl FnOnce(&mut AnyConnection) -> DomainResult<T>,
) -> DomainResult<T> {
    if amount <= 0 {
        return Err(DomainError::Internal(format!("spend of {amount} credits")));
    }
    spend(conn, user_id, Unit::Credit, amount, None, now, then)?.ok_or_else(|| {
        DomainError::Internal("a credit spend was taken for a counted recipient".into())
    })
}

/// Whether `user_id` could spend `amount` credits now, without spending them: refused
/// exactly as [`spend_credits`] would be (`PoolExhausted`, `CapReached`, `TeamLocked`).
/// Nothing is held: a later spend is checked again.
pub fn check_credits(
    conn: &mut AnyConnection,
    user_id: UserId,
    amount: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let payer = resolve_payer(conn, user_id, now)?;
    let plan = effective_plan(&payer.user, now);
    let period = current_period(&payer.user, now);
    check_room(conn, &payer, user_id, (Unit::Credit, amount), plan, &period)
}

/// Counts `email` as a recipient for `user_id`'s pool, once per billing period.
/// Returns whether this call counted it (false: already counted this period).
pub fn record_recipient(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    now: NaiveDateTime,
) -> DomainResult<bool> {
    Ok(
        spend(conn, user_id, Unit::Recipient, 1, Some(email), now, |_| {
            Ok(())
        })?
        .is_some(),
    )
}

/// Holds `email` as a recipient of `user_id`'s pool for the campaign email `message_row`,
/// before its SMTP call: refused like a spend (`PoolExhausted`, `CapReached`, `TeamLocked`)
/// when spends and holds would pass the pool or the member's cap. No hold is needed for an
/// address already spent this period; a hold from an earlier period is placed again in this one.
pub fn hold_recipient(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    message_row: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let payer = resolve_payer(conn, user_id, now)?;
    let plan = effective_plan(&payer.user, now);
    let period = current_period(&payer.user, now);
    let unit = Unit::Recipient;
    locked_transaction(conn, payer.user.id, |conn| {
        let held = usage::hold_of(conn, message_row)?;
        if held == Some((payer.user.id, period.start)) {
            return Ok(());
        }
        usage::delete_hold(conn, message_row)?;
        if counted(conn, payer.user.id, period.start, email)? {
            return Ok(());
        }
        check_room(conn, &payer, user_id, (unit, 1), plan, &period)?;
        usage::insert_hold(
            conn,
            &NewSpend {
                payer_id: payer.user.id,
                user_id,
                team_id: payer.team_id,
                kind: unit,
                amount: 1,
                recipient_email: Some(&ledger_key(email)),
                period_start: period.start,
                now,
            },
            message_row,
        )?;
        Ok(())
    })
}

/// The SMTP server accepted the campaign email `message_row` to `email`: its hold (if any)
/// ends and the address counts as spent for `user_id`'s pool this period, once. Never
/// refused: the email went out, so the ledger records it even when the team is now locked.
pub fn spend_held_recipient(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    message_row: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let (payer, _) = payer_of(conn, user_id, now)?;
    let plan = effective_plan(&payer.user, now);
    let period = current_period(&payer.user, now);
    let unit = Unit::Recipient;
    locked_transaction(conn, payer.user.id, |conn| {
        usage::delete_hold(conn, message_row)?;
        if counted(conn, payer.user.id, period.start, email)? {
            return Ok(());
        }
        usage::insert_spend(
            conn,
            &NewSpend {
                payer_id: payer.user.id,
                user_id,
                team_id: payer.team_id,
                kind: unit,
                amount: 1,
                recipient_email: Some(&ledger_key(email)),
                period_start: period.start,
                now,
            },
        )?;
        alert_after_spend(conn, &payer, user_id, unit, plan, &period, now)
    })
}

/// The campaign email `message_row` will not go out (it failed for good, or its fate is
/// unknown): the recipient it held is free again.
pub fn release_held_recipient(conn: &mut AnyConnection, message_row: i64) -> DomainResult<()> {
    usage::delete_hold(conn, message_row)?;
    Ok(())
}

/// Spends `amount` of `unit` for `user_id` under the payer's lock and runs `then` in the
/// same transaction; `None` (nothing spent, `then` not run) when `recipient` is already
/// counted this period.
fn spend<T>(
    conn: &mut AnyConnection,
    user_id: UserId,
    unit: Unit,
    amount: i64,
    recipient: Option<&str>,
    now: NaiveDateTime,
    then: impl FnOnce(&mut AnyConnection) -> DomainResult<T>,
) -> DomainResult<Option<T>> {
    let payer = resolve_payer(conn, user_id, now)?;
    let plan = effective_plan(&payer.user, now);
    let period = current_period(&payer.user, now);
    locked_transaction(conn, payer.user.id, |conn| {
        if let Some(email) = recipient
            && counted(conn, payer.user.id, period.start, email)?
        {
            return Ok(None);
        }
        check_room(conn, &payer, user_id, (unit, amount), plan, &period)?;
        usage::insert_spend(
            conn,
            &NewSpend {
                payer_id: payer.user.id,
                user_id,
                team_id: payer.team_id,
                kind: unit,
                amount: amount as i32,
                recipient_email: recipient.map(ledger_key).as_deref(),
                period_start: period.start,
                now,
            },
        )?;
        alert_after_spend(conn, &payer, user_id, unit, plan, &period, now)?;
        then(conn).map(Some)
    })
}

/// Refuses `asked` units of `unit` for `user_id` when the pool's spends and holds would pass
/// its allowance (`PoolExhausted`) or the member's cap (`CapReached`); `left` is what
/// spends and holds leave, never below zero.
fn check_room(
    conn: &mut AnyConnection,
    payer: &Payer,
    user_id: UserId,
    (unit, asked): (Unit, i64),
    plan: Plan,
    period: &Period,
) -> DomainResult<()> {
    let taken = usage::units(conn, payer.user.id, None, period.start, unit, Taken)?;
    if taken + asked > unit.allowance(plan) {
        return Err(DomainError::PoolExhausted {
            unit: unit.label(),
            asked,
            left: (unit.allowance(plan) - taken).max(0),
            renews_at: period.end,
        });
    }
    if let Some(cap) = payer.cap(unit) {
        let mine = usage::units(
            conn,
            payer.user.id,
            Some(user_id),
            period.start,
            unit,
            Taken,
        )?;
        if mine + asked > cap {
            return Err(DomainError::CapReached {
                unit: unit.label(),
                asked,
                left: (cap - mine).max(0),
                cap,
                renews_at: period.end,
            });
        }
    }
    Ok(())
}

/// After a spend, inside its transaction: the alerts its pool and cap figures call for
/// (`alerts::after_spend`), counted from spends only.
fn alert_after_spend(
    conn: &mut AnyConnection,
    payer: &Payer,
    user_id: UserId,
    unit: Unit,
    plan: Plan,
    period: &Period,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let used = usage::units(conn, payer.user.id, None, period.start, unit, Spent)?;
    let mine = match payer.cap(unit) {
        Some(cap) => Some((
            usage::units(
                conn,
                payer.user.id,
                Some(user_id),
                period.start,
                unit,
                Spent,
            )?,
            cap,
        )),
        None => None,
    };
    alerts::after_spend(
        conn,
        &payer.user,
        user_id,
        unit,
        (used, unit.allowance(plan)),
        mine,
        period.start,
        period.end,
        now,
    )
}
