//! What My Team shows a leader and a member, and the locked team's notice. Changing a
//! membership (permissions, leaving, the seat policy decides with) is in `membership`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::activity::{ActivityItem, recent};
use crate::db::approvals::{self, WaitingCampaign};
use crate::db::ids::{MembershipId, UserId};
use crate::db::models::User;
use crate::db::{AnyConnection, accounts, team as db, usage};
use crate::domain::billing::Plan;
use crate::domain::billing::{self, PoolStatus, plan_expired};
use crate::domain::campaigns::contacting::TeamSettings;
use crate::domain::{DomainError, DomainResult, policy};

pub use crate::db::values::RecordsScope;

/// A records layer as My Team names it; stored as `db::values::RecordsScope`.
impl RecordsScope {
    /// The layer's name on My Team and in the activity list.
    pub fn label(self) -> &'static str {
        match self {
            Self::OwnRecords => "Only own records",
            Self::TeamRecords => "View team records",
        }
    }
}

/// Why a team is locked, for the banner both sides see.
#[derive(Debug, Clone)]
pub struct LockNotice {
    pub as_leader: bool,
    pub leader_name: String,
    pub expired_on: NaiveDateTime,
}

/// A team is locked while its leader's paid plan has expired.
pub fn lock_notice(
    conn: &mut AnyConnection,
    user: &User,
    now: NaiveDateTime,
) -> DomainResult<Option<LockNotice>> {
    if let Some(membership) = db::active_membership_of(conn, user.id)? {
        let team = db::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
        let leader = accounts::user_by_id(conn, team.leader_id)?;
        return Ok(plan_expired(&leader, now).then(|| LockNotice {
            as_leader: false,
            expired_on: billing::plan_terms(&leader, now).paid_until.unwrap_or(now),
            leader_name: leader.name,
        }));
    }
    if plan_expired(user, now)
        && let Some(team) = db::team_by_leader(conn, user.id)?
        && db::count_active_members(conn, team.id)? > 0
    {
        return Ok(Some(LockNotice {
            as_leader: true,
            leader_name: user.name.clone(),
            expired_on: billing::plan_terms(user, now).paid_until.unwrap_or(now),
        }));
    }
    Ok(None)
}

/// Where someone on My Team's member list is: a member (active or former) or an
/// invitation (pending or expired). Shown, never stored: it follows from the membership's
/// end and the invitation's expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    Active,
    Former,
    Pending,
    Expired,
}

impl MemberStatus {
    /// The status as the list shows it.
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Active => "Active",
            MemberStatus::Former => "Former member",
            MemberStatus::Pending => "Pending",
            MemberStatus::Expired => "Expired",
        }
    }

    /// The CSS class of the status badge.
    pub fn css_class(self) -> &'static str {
        match self {
            MemberStatus::Active => "Active",
            MemberStatus::Former => "Former",
            MemberStatus::Pending => "Pending",
            MemberStatus::Expired => "Expired",
        }
    }
}

/// One row of the member list on My Team.
pub struct MemberRow {
    pub membership_id: Option<MembershipId>,
    pub invitation_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub status: MemberStatus,
    pub credits_used: i64,
    pub recipients_used: i64,
    pub can_export: bool,
    pub scope: RecordsScope,
    pub since: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub credit_cap: Option<i32>,
    pub recipient_cap: Option<i32>,
    /// Policy's answer: the basic-plan "Allow export again" button is shown for this row.
    pub may_switch_export_back_on: bool,
    /// A former member with no pending invitation: "Invite again" is shown on their row.
    pub may_invite_again: bool,
    /// "Campaigns need approval" is switched on for this member.
    pub needs_approval: bool,
}

impl MemberRow {
    /// The cap as the form shows it: empty for none.
    pub fn cap_text(cap: &Option<i32>) -> String {
        cap.map_or(String::new(), |c| c.to_string())
    }
}

/// My Team for a leader (or someone who may become one): plan, pool, members with their
/// usage and permissions, invitations, activity, and policy's answers on what may be changed.
pub struct LeaderView {
    pub plan: Plan,
    /// For the "Available from plan M" hint only; what may be done is in the `may_` fields.
    pub full_teamwork: bool,
    /// Policy's answer: export toggles, records layers and caps can be changed.
    pub may_change_permissions: bool,
    /// Policy's answer: the Team statistics link is shown.
    pub may_view_statistics: bool,
    pub pool: PoolStatus,
    pub own_credits_used: i64,
    pub own_recipients_used: i64,
    pub rows: Vec<MemberRow>,
    pub former: Vec<MemberRow>,
    /// The newest lines of Team activity (`RECENT_ACTIVITY`); the full log has its page.
    pub activity: Vec<ActivityItem>,
    /// The team's settings once it exists (`campaigns::contacting::TeamSettings`).
    pub team_settings: Option<TeamSettings>,
    /// Policy's answer: the team settings can be changed (`policy::may_change_team_settings`).
    pub may_change_team_settings: bool,
    /// Policy's answer: "Campaigns need approval" can be switched per member.
    pub may_set_launch_approval: bool,
    /// Members' campaigns waiting for the leader's approval, oldest request first.
    pub waiting: Vec<WaitingCampaign>,
}

/// My Team for a member: the leader, the shared pool, their own usage and permissions.
pub struct MemberView {
    pub leader_name: String,
    pub leader_email: String,
    pub pool: PoolStatus,
    pub locked: bool,
    pub my_credits_used: i64,
    pub my_recipients_used: i64,
    pub can_export: bool,
    pub scope: RecordsScope,
    /// Policy's answer: the member's permissions are in force and shown — on full Teamwork,
    /// or when export is switched off, which holds on every plan.
    pub shows_permissions: bool,
    /// The leader approves this member's launches (`policy::launch_needs_approval`).
    pub needs_approval: bool,
    /// The caps the leader set for this member, when they apply (`policy::caps_apply`);
    /// `None` for no cap.
    pub credit_cap: Option<i32>,
    pub recipient_cap: Option<i32>,
}

/// My Team as the viewer sees it: a member's view or a leader's.
pub enum MyTeam {
    Leader(LeaderView),
    Member(MemberView),
}

/// Per spender (credits, recipients) used from `payer`'s pool this period.
fn usage_by_member(
    conn: &mut AnyConnection,
    payer: &User,
    now: NaiveDateTime,
) -> DomainResult<HashMap<UserId, (i64, i64)>> {
    let period = billing::current_period(payer, now);
    let mut used: HashMap<UserId, (i64, i64)> = HashMap::new();
    for (user_id, kind, amount) in usage::pool_used_by_member(conn, payer.id, period.start)? {
        let entry = used.entry(user_id).or_default();
        match kind {
            billing::Unit::Credit => entry.0 += amount,
            billing::Unit::Recipient => entry.1 += amount,
        }
    }
    Ok(used)
}

/// Team activity lines on My Team, newest first; the rest are on the Team activity page.
pub const RECENT_ACTIVITY: i64 = 10;

/// My Team of `user`, with the `RECENT_ACTIVITY` newest lines of Team activity for a
/// leader. Refusal: `Db` only.
pub fn my_team(conn: &mut AnyConnection, user: &User, now: NaiveDateTime) -> DomainResult<MyTeam> {
    if let Some(membership) = db::active_membership_of(conn, user.id)? {
        let team = db::team_by_id(conn, membership.team_id)?.ok_or(DomainError::NotFound)?;
        let leader = accounts::user_by_id(conn, team.leader_id)?;
        let used = usage_by_member(conn, &leader, now)?;
        let (my_credits_used, my_recipients_used) = used.get(&user.id).copied().unwrap_or_default();
        let leader_plan = billing::effective_plan(&leader, now);
        let caps_apply = policy::caps_apply(leader_plan);
        return Ok(MyTeam::Member(MemberView {
            pool: billing::pool_status(conn, &leader, now)?,
            locked: plan_expired(&leader, now),
            shows_permissions: policy::permissions_open(leader_plan) || !membership.can_export,
            needs_approval: policy::launch_needs_approval(
                membership.launch_needs_approval,
                leader_plan,
            ),
            credit_cap: membership.credit_cap.filter(|_| caps_apply),
            recipient_cap: membership.recipient_cap.filter(|_| caps_apply),
            leader_name: leader.name,
            leader_email: leader.email,
            my_credits_used,
            my_recipients_used,
            can_export: membership.can_export,
            scope: membership.records_scope,
        }));
    }
    let plan = billing::effective_plan(user, now);
    let used = usage_by_member(conn, user, now)?;
    let (own_credits_used, own_recipients_used) = used.get(&user.id).copied().unwrap_or_default();
    let mut view = LeaderView {
        plan,
        full_teamwork: plan.has_full_teamwork(),
        may_change_permissions: policy::permissions_open(plan),
        may_view_statistics: policy::may_view_statistics(None, plan).is_ok(),
        pool: billing::pool_status(conn, user, now)?,
        own_credits_used,
        own_recipients_used,
        rows: Vec::new(),
        former: Vec::new(),
        activity: Vec::new(),
        team_settings: None,
        may_change_team_settings: false,
        may_set_launch_approval: false,
        waiting: Vec::new(),
    };
    let Some(team) = db::team_by_leader(conn, user.id)? else {
        return Ok(MyTeam::Leader(view));
    };
    view.team_settings = Some(TeamSettings {
        reply_pauses_company: team.reply_pauses_company,
        never_contact_teammates: team.never_contact_teammates,
    });
    view.may_change_team_settings = policy::may_change_team_settings(user, &team, plan).is_ok();
    view.may_set_launch_approval = policy::may_set_launch_approval(user, &team, plan).is_ok();
    view.waiting = approvals::waiting_of_team(conn, team.id)?;
    for (membership, member) in db::memberships_with_users(conn, team.id)? {
        let (credits_used, recipients_used) = used.get(&member.id).copied().unwrap_or_default();
        let row = MemberRow {
            membership_id: Some(membership.id),
            invitation_id: None,
            name: member.name,
            email: member.email,
            status: if membership.ended_at.is_some() {
                MemberStatus::Former
            } else {
                MemberStatus::Active
            },
            credits_used,
            recipients_used,
            can_export: membership.can_export,
            scope: membership.records_scope,
            since: membership.ended_at.unwrap_or(membership.joined_at),
            expires_at: None,
            credit_cap: membership.credit_cap,
            recipient_cap: membership.recipient_cap,
            may_switch_export_back_on: membership.ended_at.is_none()
                && policy::may_switch_export_back_on(plan, membership.can_export),
            may_invite_again: false,
            needs_approval: membership.launch_needs_approval,
        };
        if membership.ended_at.is_some() {
            view.former.push(row);
        } else {
            view.rows.push(row);
        }
    }
    // Someone who left and came back is listed once: active, or their latest departure.
    let mut listed: HashSet<String> = view.rows.iter().map(|r| r.email.clone()).collect();
    view.former.reverse();
    view.former.retain(|r| listed.insert(r.email.clone()));
    for invitation in db::pending_invitations_of_team(conn, team.id)? {
        view.rows.push(MemberRow {
            membership_id: None,
            invitation_id: Some(invitation.id),
            name: String::new(),
            status: if invitation.expires_at <= now {
                MemberStatus::Expired
            } else {
                MemberStatus::Pending
            },
            email: invitation.email,
            credits_used: 0,
            recipients_used: 0,
            can_export: true,
            scope: RecordsScope::OwnRecords,
            since: invitation.last_sent_at,
            expires_at: Some(invitation.expires_at),
            credit_cap: None,
            recipient_cap: None,
            may_switch_export_back_on: false,
            may_invite_again: false,
            needs_approval: false,
        });
    }
    let invited: HashSet<&str> = view.rows.iter().map(|r| r.email.as_str()).collect();
    let again: Vec<bool> = view
        .former
        .iter()
        .map(|r| !invited.contains(r.email.as_str()))
        .collect();
    for (row, again) in view.former.iter_mut().zip(again) {
        row.may_invite_again = again;
    }
    view.activity = recent(conn, team.id, RECENT_ACTIVITY)?;
    Ok(MyTeam::Leader(view))
}
