//! Billing without a payment provider: change plan at once, renew by one period.

use chrono::NaiveDateTime;

use super::plans::{Period, Plan, period_containing};
use super::pool::{self, PoolStatus};
use crate::db::models::User;
use crate::db::{AnyConnection, accounts, team};
use crate::domain::{DomainError, DomainResult, invalid};

/// What the Billing page shows.
pub struct BillingView {
    /// The user's own plan in force (Free while a paid plan has expired).
    pub plan: Plan,
    pub chosen_plan: Plan,
    pub paid_until: Option<NaiveDateTime>,
    pub expired: bool,
    /// The user's own current billing period.
    pub period: Period,
    /// The pool the user spends from now: their team's for an active member, else their own.
    pub pool: PoolStatus,
    /// Set for an active member: whose pool they spend.
    pub team: Option<TeamPool>,
    /// Why "Renew" is not available now (`renewal`'s refusal), for a paid plan.
    pub renew_refusal: Option<String>,
}

/// The team pool a member spends from instead of their own plan's.
pub struct TeamPool {
    pub leader_name: String,
    /// The leader's plan has expired: nobody in the team can spend shared units.
    pub locked: bool,
}

/// The Billing page of `user`: their own plan and period, and the pool they spend from —
/// the team's while they are an active member, so the figures match what they spend.
pub fn view(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<BillingView> {
    let chosen_plan = Plan::parse(&user.plan).unwrap_or(Plan::Free);
    let (pool, team) = match team::active_membership_of(conn, user.id)? {
        Some(membership) => {
            let their_team =
                team::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
            let leader = accounts::user_by_id(conn, their_team.leader_id)?;
            let team = TeamPool {
                locked: pool::plan_expired(&leader, now),
                leader_name: leader.name.clone(),
            };
            (pool::pool_status(conn, &leader, now)?, Some(team))
        }
        None => (pool::pool_status(conn, user, now)?, None),
    };
    Ok(BillingView {
        plan: pool::effective_plan(user, now),
        chosen_plan,
        paid_until: user.paid_until,
        expired: pool::plan_expired(user, now),
        period: pool::current_period(user, now),
        pool,
        team,
        renew_refusal: chosen_plan
            .is_paid()
            .then(|| renewal(user, now).err().map(|e| e.to_string()))
            .flatten(),
    })
}

/// Switches plan at once. A paid plan is paid until the end of the current period at least.
pub fn change_plan(
    conn: &mut AnyConnection,
    user: &User,
    plan: Plan,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let paid_until = if plan.is_paid() {
        let period_end = period_containing(user.period_anchor, now).end;
        Some(
            user.paid_until
                .map_or(period_end, |until| until.max(period_end)),
        )
    } else {
        None
    };
    accounts::set_plan(conn, user.id, plan.code(), paid_until)?;
    Ok(())
}

/// The paid-until date a renewal now would give: the end of the period after the one the
/// plan is paid until (from today when it had expired). A plan is paid at most one period
/// ahead of the current one. Refusals (`Invalid`): the Free plan; a plan already paid one
/// period ahead, with the date it is paid until and the date it can be renewed again.
fn renewal(user: &User, now: NaiveDateTime) -> DomainResult<NaiveDateTime> {
    let plan = Plan::parse(&user.plan).unwrap_or(Plan::Free);
    if !plan.is_paid() {
        return invalid("The Free plan does not need renewing.");
    }
    let current = period_containing(user.period_anchor, now);
    let furthest = period_containing(user.period_anchor, current.end).end;
    let from = user.paid_until.filter(|until| *until > now).unwrap_or(now);
    let new_until = period_containing(user.period_anchor, from).end;
    if new_until > furthest {
        return invalid(format!(
            "Your plan is already paid until {}, one billing period ahead. You can renew again from {}, when the next billing period starts.",
            from.format("%Y-%m-%d"),
            current.end.format("%Y-%m-%d")
        ));
    }
    Ok(new_until)
}

/// Extends a paid plan by one billing period (from today when it had already expired), at
/// most one period ahead of the current one. Returns the new paid-until date; refusals as
/// `renewal`.
pub fn renew(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<NaiveDateTime> {
    let new_until = renewal(user, now)?;
    let plan = Plan::parse(&user.plan).unwrap_or(Plan::Free);
    accounts::set_plan(conn, user.id, plan.code(), Some(new_until))?;
    Ok(new_until)
}
