//! Downgrades wait for the end of the paid period: a lower plan (or Free) chosen while a
//! paid plan is in force is confirmed on a page that says what changes and when, then
//! stored as a scheduled plan (`users.scheduled_plan`, `scheduled_plan_at`) that
//! `pool::plan_terms` applies from its date on, so no job is needed. Until then it can be
//! undone; choosing a higher plan or renewing replaces it.

use chrono::NaiveDateTime;

use super::plan_changes::waits_for_period_end;
use super::plans::{Plan, period_containing};
use super::pool::{PlanTerms, plan_terms};
use crate::db::accounts::{self, PlanRow};
use crate::db::models::{Membership, User};
use crate::db::values::RecordsScope;
use crate::db::{AnyConnection, team};
use crate::domain::policy::FULL_TEAMWORK_FROM;
use crate::domain::{DomainError, DomainResult, invalid};
use crate::text::{count, number};

/// What the confirmation page of a downgrade says.
#[derive(Debug, Clone)]
pub struct DowngradePreview {
    /// The plan in force now.
    pub from: Plan,
    /// The plan chosen.
    pub to: Plan,
    /// "Your team stays on plan M until 2027-01-05; then it moves to plan S."
    pub headline: String,
    /// What changes then, one sentence each.
    pub consequences: Vec<String>,
}

/// The terms of `user`'s plan when `plan` is a downgrade that waits for the end of the paid
/// period, with the instant it would take over. Refusal: `Invalid` when it is not one (it
/// is chosen on Billing and happens at once).
fn downgrade_terms(
    user: &User,
    plan: Plan,
    now: NaiveDateTime,
) -> DomainResult<(PlanTerms, NaiveDateTime)> {
    let terms = plan_terms(user, now);
    match terms.paid_until {
        Some(at) if waits_for_period_end(&terms, plan, now) => Ok((terms, at)),
        _ => invalid(format!(
            "Plan {} is not below the plan you are paying for: choose it on Billing and it applies at once.",
            plan.label()
        )),
    }
}

/// The confirmation page of a downgrade to `plan`: when it happens and what changes then
/// (allowances, full Teamwork, the members' records layers, caps and export, the members
/// who stay, what the new plan needs). Refusal: `Invalid` as `downgrade_terms`.
pub fn preview(
    conn: &mut AnyConnection,
    user: &User,
    plan: Plan,
    now: NaiveDateTime,
) -> DomainResult<DowngradePreview> {
    let (terms, at) = downgrade_terms(user, plan, now)?;
    let members = active_members(conn, user)?;
    let (from, date) = (terms.plan, at.format("%Y-%m-%d"));
    let headline = if members.is_empty() {
        format!(
            "You stay on plan {} until {date}; then you move to plan {}.",
            from.label(),
            plan.label()
        )
    } else {
        format!(
            "Your team stays on plan {} until {date}; then it moves to plan {}.",
            from.label(),
            plan.label()
        )
    };
    let mut consequences = vec![
        format!(
            "Credits per billing period: {} → {}.",
            number(from.credits()),
            number(plan.credits())
        ),
        format!(
            "Recipients (unique contacts) per billing period: {} → {}.",
            number(from.recipients()),
            number(plan.recipients())
        ),
    ];
    consequences.extend(team_consequences(&members, from, plan));
    consequences.push(if plan.is_paid() {
        format!(
            "Plan {} then runs for one billing period, until {}; renew it as usual to keep it.",
            plan.label(),
            period_containing(user.period_anchor, at)
                .end
                .format("%Y-%m-%d")
        )
    } else {
        "The Free plan never expires: there is nothing to renew.".into()
    });
    consequences.push(format!(
        "Until {date} nothing changes, and you can undo this on Billing. Renewing keeps plan {} and cancels the change.",
        from.label()
    ));
    Ok(DowngradePreview {
        from,
        to: plan,
        headline,
        consequences,
    })
}

/// The active memberships of the team `user` leads (none when they lead no team).
fn active_members(conn: &mut AnyConnection, user: &User) -> DomainResult<Vec<Membership>> {
    let Some(their_team) = team::team_by_leader(conn, user.id)? else {
        return Ok(Vec::new());
    };
    Ok(team::memberships_with_users(conn, their_team.id)?
        .into_iter()
        .map(|(membership, _)| membership)
        .filter(|membership| membership.ended_at.is_none())
        .collect())
}

/// What a move from `from` to `to` does to the team: full Teamwork ending (records layers,
/// caps, export toggles), caps above the new allowance, and the members who stay.
fn team_consequences(members: &[Membership], from: Plan, to: Plan) -> Vec<String> {
    let how_many = |test: &dyn Fn(&Membership) -> bool| members.iter().filter(|m| test(m)).count();
    let mut said = Vec::new();
    if from.has_full_teamwork() && !to.has_full_teamwork() {
        said.push(format!(
            "Full Teamwork ends (it is {FULL_TEAMWORK_FROM}): export toggles, records layers, caps, the team records pickers and Team statistics stop. Their settings are kept and apply again if you upgrade."
        ));
        let team_view = how_many(&|m| m.records_scope == RecordsScope::TeamRecords);
        if team_view > 0 {
            said.push(format!(
                "{} with View team records will see only their own records.",
                count(team_view, "member", "members")
            ));
        }
        if !members.is_empty() {
            said.push("You will no longer see your members' records.".into());
        }
        let capped = how_many(&|m| m.credit_cap.is_some() || m.recipient_cap.is_some());
        if capped > 0 {
            said.push(format!(
                "The caps you set for {} rest: they are not enforced on plan {}.",
                count(capped, "member", "members"),
                to.label()
            ));
        }
        let export_off = how_many(&|m| !m.can_export);
        if export_off > 0 {
            said.push(format!(
                "Export stays off for {} until you allow it again.",
                count(export_off, "member", "members")
            ));
        }
    } else if to.has_full_teamwork() {
        let over = how_many(&|m| {
            m.credit_cap
                .is_some_and(|cap| i64::from(cap) > to.credits())
                || m.recipient_cap
                    .is_some_and(|cap| i64::from(cap) > to.recipients())
        });
        if over > 0 {
            said.push(format!(
                "The caps of {} are above plan {}'s allowance, so the team's pool runs out first.",
                count(over, "member", "members"),
                to.label()
            ));
        }
    }
    match members.len() {
        0 => {}
        1 => said.push(
            "Your 1 member stays in the team: every plan allows any number of members.".into(),
        ),
        n => said.push(format!(
            "Your {} stay in the team: every plan allows any number of members.",
            count(n, "member", "members")
        )),
    }
    said
}

/// Schedules the downgrade to `plan` for the end of the paid period (replacing one already
/// scheduled). Returns the flash. Refusal: `Invalid` as `downgrade_terms`.
pub fn schedule(
    conn: &mut AnyConnection,
    user: &User,
    plan: Plan,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (terms, at) = downgrade_terms(user, plan, now)?;
    accounts::set_plan(
        conn,
        user.id,
        &PlanRow {
            plan: terms.plan.code(),
            paid_until: terms.paid_until,
            scheduled: Some((plan.code(), at)),
        },
    )?;
    Ok(format!(
        "Done: you keep plan {} until {}, then plan {} takes over.",
        terms.plan.label(),
        at.format("%Y-%m-%d"),
        plan.label()
    ))
}

/// "Undo": cancels the scheduled downgrade; the plan in force stays. Returns the flash.
/// Refusal: `Invalid` when none is scheduled (it may have taken over already).
pub fn cancel(conn: &mut AnyConnection, user: &User, now: NaiveDateTime) -> DomainResult<String> {
    let terms = plan_terms(user, now);
    let next = terms.scheduled.ok_or_else(|| {
        DomainError::Invalid("No plan change is scheduled, so there is nothing to undo.".into())
    })?;
    accounts::set_plan(
        conn,
        user.id,
        &PlanRow {
            plan: terms.plan.code(),
            paid_until: terms.paid_until,
            scheduled: None,
        },
    )?;
    Ok(format!(
        "The scheduled change to plan {} is cancelled: you stay on plan {}.",
        next.plan.label(),
        terms.plan.label()
    ))
}
