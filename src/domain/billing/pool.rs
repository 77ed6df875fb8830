//! A pool's figures: the units a plan allows per billing period, the plan in force at an
//! instant (UTC), and what has been spent (and held) from the pool in the current period.
//! Read only; spending is `units`.

use chrono::NaiveDateTime;

use super::plans::{Period, Plan, period_containing};
use crate::db::AnyConnection;
use crate::db::models::User;
use crate::db::usage::{
    self,
    Entries::{Held, Spent},
};
use crate::domain::DomainResult;

pub use crate::db::values::Unit;

/// What a unit means for a plan and on a page; stored as `db::values::Unit`.
impl Unit {
    /// The unit's name in messages: "credits", "recipients".
    pub fn label(self) -> &'static str {
        match self {
            Unit::Credit => "credits",
            Unit::Recipient => "recipients",
        }
    }

    pub(super) fn allowance(self, plan: Plan) -> i64 {
        match self {
            Unit::Credit => plan.credits(),
            Unit::Recipient => plan.recipients(),
        }
    }
}

/// A downgrade waiting for the end of the paid period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledPlan {
    pub plan: Plan,
    /// When it takes over: the paid-until date of the plan it replaces (UTC).
    pub at: NaiveDateTime,
}

/// A user's plan at an instant, with a scheduled downgrade applied once its time has come
/// (read lazily from the stored date, so no job applies it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanTerms {
    /// The plan chosen (in force, or expired when `paid_until` has passed).
    pub plan: Plan,
    /// `None` for Free. A scheduled paid plan runs one billing period from when it takes
    /// over: the period that starts at that instant.
    pub paid_until: Option<NaiveDateTime>,
    /// A downgrade still to come.
    pub scheduled: Option<ScheduledPlan>,
}

impl PlanTerms {
    /// A paid plan whose paid-until date has passed. Free never expires.
    pub fn expired(&self, now: NaiveDateTime) -> bool {
        self.plan.is_paid() && self.paid_until.is_none_or(|until| until <= now)
    }
}

/// `user`'s plan terms at `now`: a scheduled plan whose time has come is the plan.
pub fn plan_terms(user: &User, now: NaiveDateTime) -> PlanTerms {
    let chosen = Plan::parse(&user.plan).unwrap_or(Plan::Free);
    let scheduled = user
        .scheduled_plan
        .as_deref()
        .and_then(Plan::parse)
        .zip(user.scheduled_plan_at)
        .map(|(plan, at)| ScheduledPlan { plan, at });
    match scheduled {
        Some(next) if next.at <= now => PlanTerms {
            plan: next.plan,
            paid_until: next
                .plan
                .is_paid()
                .then(|| period_containing(user.period_anchor, next.at).end),
            scheduled: None,
        },
        _ => PlanTerms {
            plan: chosen,
            paid_until: user.paid_until,
            scheduled,
        },
    }
}

/// The plan an account may use now: a paid plan past its paid-until date falls back to Free.
pub fn effective_plan(user: &User, now: NaiveDateTime) -> Plan {
    let terms = plan_terms(user, now);
    if terms.expired(now) {
        Plan::Free
    } else {
        terms.plan
    }
}

/// A paid plan whose paid-until date has passed. Free never expires.
pub fn plan_expired(user: &User, now: NaiveDateTime) -> bool {
    plan_terms(user, now).expired(now)
}

/// The billing period of `user`'s anchor that contains `now` (UTC).
pub fn current_period(user: &User, now: NaiveDateTime) -> Period {
    period_containing(user.period_anchor, now)
}

/// A pool's figures for the current period.
#[derive(Debug, Clone)]
pub struct PoolStatus {
    pub plan: Plan,
    pub period: Period,
    pub credits_used: i64,
    pub credits_total: i64,
    /// Recipients spent: an email to them was accepted by the SMTP server.
    pub recipients_used: i64,
    /// Recipients held by campaign emails being sent or waiting for a retry.
    pub recipients_held: i64,
    pub recipients_total: i64,
}

impl PoolStatus {
    /// Credits left this period (never below 0).
    pub fn credits_left(&self) -> i64 {
        (self.credits_total - self.credits_used).max(0)
    }

    /// Recipients neither spent nor held this period (never below 0).
    pub fn recipients_left(&self) -> i64 {
        (self.recipients_total - self.recipients_used - self.recipients_held).max(0)
    }
}

/// The figures of `payer`'s pool for the period containing `now`. Refusal: `Db` only.
pub fn pool_status(
    conn: &mut AnyConnection,
    payer: &User,
    now: NaiveDateTime,
) -> DomainResult<PoolStatus> {
    let plan = effective_plan(payer, now);
    let period = current_period(payer, now);
    Ok(PoolStatus {
        plan,
        period,
        credits_used: usage::units(conn, payer.id, None, period.start, Unit::Credit, Spent)?,
        credits_total: plan.credits(),
        recipients_used: usage::units(conn, payer.id, None, period.start, Unit::Recipient, Spent)?,
        recipients_held: usage::units(conn, payer.id, None, period.start, Unit::Recipient, Held)?,
        recipients_total: plan.recipients(),
    })
}
