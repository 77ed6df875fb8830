//! Billing without a payment provider: upgrade at once, renew by one period (downgrades
//! wait for the end of the paid period: `downgrades`).

use chrono::NaiveDateTime;

use super::plans::{Period, Plan, period_containing};
use super::pool::{self, PlanTerms, PoolStatus, ScheduledPlan, plan_terms};
use crate::db::accounts::PlanRow;
use crate::db::models::User;
use crate::db::{AnyConnection, accounts, team};
use crate::domain::{DomainError, DomainResult, invalid};

/// What the Billing page shows.
pub struct BillingView {
    /// The user's own plan in force (Free while a paid plan has expired).
    pub plan: Plan,
    /// The plan chosen (a scheduled one once its time has come), expired or not.
    pub chosen_plan: Plan,
    pub paid_until: Option<NaiveDateTime>,
    pub expired: bool,
    /// A downgrade waiting for the end of the paid period ("Undo" cancels it).
    pub scheduled: Option<ScheduledPlan>,
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
    let terms = plan_terms(user, now);
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
        chosen_plan: terms.plan,
        paid_until: terms.paid_until,
        expired: terms.expired(now),
        scheduled: terms.scheduled,
        period: pool::current_period(user, now),
        pool,
        team,
        renew_refusal: terms
            .plan
            .is_paid()
            .then(|| {
                renewal(user.period_anchor, &terms, now)
                    .err()
                    .map(|e| e.to_string())
            })
            .flatten(),
    })
}

/// What choosing a plan on Billing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanChange {
    /// Changed at once (an upgrade, or any choice when no paid plan is in force): the flash.
    Changed(String),
    /// A downgrade of a paid plan in force: nothing changed; it needs the confirmation page
    /// (`downgrades::preview`), then it is scheduled for the end of the paid period.
    ConfirmDowngrade,
}

/// Whether choosing `plan` is a downgrade that waits for the end of the paid period: a lower
/// plan (or Free) while a paid plan is in force.
pub(super) fn waits_for_period_end(terms: &PlanTerms, plan: Plan, now: NaiveDateTime) -> bool {
    plan.rank() < terms.plan.rank() && !terms.expired(now)
}

/// Chooses `plan`. An upgrade (or any choice while no paid plan is in force) happens at
/// once and replaces a scheduled downgrade; a paid plan is then paid until the end of the
/// current period at least. A downgrade of a paid plan in force changes nothing here:
/// `PlanChange::ConfirmDowngrade`. Refusal: `Db` only.
pub fn change_plan(
    conn: &mut AnyConnection,
    user: &User,
    plan: Plan,
    now: NaiveDateTime,
) -> DomainResult<PlanChange> {
    let terms = plan_terms(user, now);
    if waits_for_period_end(&terms, plan, now) {
        return Ok(PlanChange::ConfirmDowngrade);
    }
    let paid_until = plan.is_paid().then(|| {
        let period_end = period_containing(user.period_anchor, now).end;
        terms
            .paid_until
            .map_or(period_end, |until| until.max(period_end))
    });
    accounts::set_plan(
        conn,
        user.id,
        &PlanRow {
            plan: plan.code(),
            paid_until,
            scheduled: None,
        },
    )?;
    Ok(PlanChange::Changed(format!(
        "You are now on plan {}.",
        plan.label()
    )))
}

/// The paid-until date a renewal now would give: the end of the period after the one the
/// plan is paid until (from today when it had expired). A plan is paid at most one period
/// ahead of the current one. Refusals (`Invalid`): the Free plan; a plan already paid one
/// period ahead, with the date it is paid until and the date it can be renewed again.
fn renewal(
    anchor: NaiveDateTime,
    terms: &PlanTerms,
    now: NaiveDateTime,
) -> DomainResult<NaiveDateTime> {
    if !terms.plan.is_paid() {
        return invalid("The Free plan does not need renewing.");
    }
    let current = period_containing(anchor, now);
    let furthest = period_containing(anchor, current.end).end;
    let from = terms.paid_until.filter(|until| *until > now).unwrap_or(now);
    let new_until = period_containing(anchor, from).end;
    if new_until > furthest {
        return invalid(format!(
            "Your plan is already paid until {}, one billing period ahead. You can renew again from {}, when the next billing period starts.",
            from.format("%Y-%m-%d"),
            current.end.format("%Y-%m-%d")
        ));
    }
    Ok(new_until)
}

/// Extends the paid plan in force by one billing period (from today when it had already
/// expired), at most one period ahead of the current one. Renewing keeps the plan: a
/// scheduled downgrade is cancelled (and the message says so). Returns the flash with the
/// new paid-until date; refusals as `renewal`.
pub fn renew(conn: &mut AnyConnection, user: &User, now: NaiveDateTime) -> DomainResult<String> {
    let terms = plan_terms(user, now);
    let new_until = renewal(user.period_anchor, &terms, now)?;
    accounts::set_plan(
        conn,
        user.id,
        &PlanRow {
            plan: terms.plan.code(),
            paid_until: Some(new_until),
            scheduled: None,
        },
    )?;
    let until = new_until.format("%Y-%m-%d");
    Ok(match terms.scheduled {
        Some(next) => format!(
            "Renewed: your plan is paid until {until}; the scheduled change to plan {} is cancelled.",
            next.plan.label()
        ),
        None => format!("Renewed: your plan is paid until {until}."),
    })
}
