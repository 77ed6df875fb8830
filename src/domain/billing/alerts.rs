//! Usage alerts: when a member passes 80% of their cap, or a team 80% of its pool, the
//! member and the leader are told once per billing period (an email through the outbox;
//! the banner shows while the figure stays above the line).

use chrono::NaiveDateTime;

use super::pool::{self, Unit};
use crate::db::ids::UserId;
use crate::db::models::User;
use crate::db::usage::Entries;
use crate::db::values::AlertKind;
use crate::db::{AnyConnection, accounts, team, usage};
use crate::domain::{DomainResult, policy};
use crate::mail::{messages, outbox};
use crate::text::number;

/// The share of a cap or pool that triggers a notice.
const WARN_PERCENT: i64 = 80;

fn passed(used: i64, limit: i64) -> bool {
    limit > 0 && used * 100 >= limit * WARN_PERCENT
}

impl AlertKind {
    /// A member near their cap of `unit`.
    fn member(unit: Unit) -> Self {
        match unit {
            Unit::Credit => AlertKind::MemberCredit,
            Unit::Recipient => AlertKind::MemberRecipient,
        }
    }

    /// The team's pool of `unit` near its end.
    fn team(unit: Unit) -> Self {
        match unit {
            Unit::Credit => AlertKind::TeamCredit,
            Unit::Recipient => AlertKind::TeamRecipient,
        }
    }
}

/// Called inside the spend's transaction, with the figures after the spend.
#[allow(clippy::too_many_arguments)]
pub fn after_spend(
    conn: &mut AnyConnection,
    payer: &User,
    spender_id: UserId,
    unit: Unit,
    (pool_used, pool_limit): (i64, i64),
    member: Option<(i64, i64)>,
    period_start: NaiveDateTime,
    renews_at: NaiveDateTime,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let renews = renews_at.format("%Y-%m-%d");
    let spender = accounts::user_by_id(conn, spender_id)?;
    if let Some((used, cap)) = member
        && passed(used, cap)
        && usage::record_alert(
            conn,
            payer.id,
            spender_id,
            AlertKind::member(unit),
            period_start,
            now,
        )?
    {
        let notice = format!(
            "{} has used {} of the {} {} their cap allows this billing period. It renews on {renews}.",
            spender.name,
            number(used),
            number(cap),
            unit.label()
        );
        tell(
            conn,
            &spender,
            payer,
            &format!("{} is near their {} cap", spender.name, unit.label()),
            &notice,
            now,
        )?;
    }
    if team::team_by_leader(conn, payer.id)?.is_some()
        && passed(pool_used, pool_limit)
        && usage::record_alert(
            conn,
            payer.id,
            payer.id,
            AlertKind::team(unit),
            period_start,
            now,
        )?
    {
        let notice = format!(
            "The team has used {} of its {} {} this billing period. They renew on {renews}.",
            number(pool_used),
            number(pool_limit),
            unit.label()
        );
        tell(
            conn,
            &spender,
            payer,
            &format!("Your team has used {WARN_PERCENT}% of its {}", unit.label()),
            &notice,
            now,
        )?;
    }
    Ok(())
}

/// Emails the leader, and the member when someone else.
fn tell(
    conn: &mut AnyConnection,
    member: &User,
    leader: &User,
    subject: &str,
    notice: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let message = messages::team_notice(&leader.name, subject, notice, "")?;
    outbox::enqueue(conn, &leader.email, &message, now)?;
    if member.id != leader.id {
        let message = messages::team_notice(&member.name, subject, notice, "")?;
        outbox::enqueue(conn, &member.email, &message, now)?;
    }
    Ok(())
}

/// The notices for the banner: the user's caps and their team's pool past 80%.
pub fn notices(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<Vec<String>> {
    let mut out = Vec::new();
    let (payer, caps) = match team::active_membership_of(conn, user.id)? {
        Some(membership) => {
            let Some(team) = team::team_by_id(conn, membership.team_id)? else {
                return Ok(out);
            };
            let leader = accounts::user_by_id(conn, team.leader_id)?;
            let full = policy::caps_apply(pool::effective_plan(&leader, now));
            let caps = [
                (Unit::Credit, membership.credit_cap),
                (Unit::Recipient, membership.recipient_cap),
            ]
            .map(|(u, c)| (u, c.filter(|_| full)));
            (leader, caps)
        }
        None => (
            user.clone(),
            [(Unit::Credit, None), (Unit::Recipient, None)],
        ),
    };
    let pool = pool::pool_status(conn, &payer, now)?;
    let renews = pool.period.end.format("%Y-%m-%d");
    for (unit, cap) in caps {
        if let Some(cap) = cap {
            let used = usage::units(
                conn,
                payer.id,
                Some(user.id),
                pool.period.start,
                unit,
                Entries::Spent,
            )?;
            if passed(used, cap as i64) {
                out.push(format!(
                    "You have used {} of the {} {} your cap allows this billing period (renews {renews}).",
                    number(used),
                    number(cap),
                    unit.label()
                ));
            }
        }
    }
    for (unit, used, limit) in [
        (Unit::Credit, pool.credits_used, pool.credits_total),
        (Unit::Recipient, pool.recipients_used, pool.recipients_total),
    ] {
        if passed(used, limit)
            && (payer.id != user.id || team::team_by_leader(conn, user.id)?.is_some())
        {
            out.push(format!(
                "Your team has used {} of its {} {} this billing period (renews {renews}).",
                number(used),
                number(limit),
                unit.label()
            ));
        }
    }
    Ok(out)
}
