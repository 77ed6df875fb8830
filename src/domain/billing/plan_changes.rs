//! Billing without a payment provider: change plan at once, renew by one period.

use chrono::NaiveDateTime;

use super::plans::{Plan, period_containing};
use super::pool::{self, PoolStatus};
use crate::db::models::User;
use crate::db::{AnyConnection, accounts};
use crate::domain::{DomainResult, invalid};

/// What the Billing page shows.
pub struct BillingView {
    pub plan: Plan,
    pub chosen_plan: Plan,
    pub paid_until: Option<NaiveDateTime>,
    pub expired: bool,
    pub pool: PoolStatus,
}

/// The Billing page of `user`: plan in force, paid-until date, whether it expired, and the
/// pool. Refusal: `Db` only.
pub fn view(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<BillingView> {
    Ok(BillingView {
        plan: pool::effective_plan(user, now),
        chosen_plan: Plan::parse(&user.plan).unwrap_or(Plan::Free),
        paid_until: user.paid_until,
        expired: pool::plan_expired(user, now),
        pool: pool::pool_status(conn, user, now)?,
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

/// Extends a paid plan by one billing period (from today when it had already expired).
pub fn renew(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<NaiveDateTime> {
    let plan = Plan::parse(&user.plan).unwrap_or(Plan::Free);
    if !plan.is_paid() {
        return invalid("The Free plan does not need renewing.");
    }
    let from = user.paid_until.filter(|until| *until > now).unwrap_or(now);
    let new_until = period_containing(user.period_anchor, from).end;
    accounts::set_plan(conn, user.id, plan.code(), Some(new_until))?;
    Ok(new_until)
}
