//! The policy table, decision by decision (unit tests of `domain::policy`).

use super::*;
use crate::db::models::Invitation;
use crate::db::values::{InvitationStatus, RecordsScope};
use chrono::NaiveDateTime;

fn user(id: i64, email: &str) -> User {
    User {
        id: id.into(),
        email: email.into(),
        name: "x".into(),
        password_hash: String::new(),
        plan: "free".into(),
        period_anchor: NaiveDateTime::default(),
        paid_until: None,
        created_at: NaiveDateTime::default(),
        email_confirmed_at: Some(NaiveDateTime::default()),
        scheduled_plan: None,
        scheduled_plan_at: None,
    }
}

fn team(leader_id: i64) -> Team {
    Team {
        id: 10.into(),
        leader_id: leader_id.into(),
        created_at: NaiveDateTime::default(),
        reply_pauses_company: true,
        never_contact_teammates: false,
    }
}

fn membership(team_id: i64, ended: bool) -> Membership {
    Membership {
        id: 5.into(),
        team_id: team_id.into(),
        user_id: 2.into(),
        can_export: true,
        records_scope: RecordsScope::OwnRecords,
        joined_at: NaiveDateTime::default(),
        ended_at: ended.then(NaiveDateTime::default),
        end_reason: None,
        credit_cap: None,
        recipient_cap: None,
        launch_needs_approval: false,
    }
}

#[test]
fn only_the_leader_manages_and_others_see_not_found() {
    assert!(may_manage_team(&user(1, "l@x.io"), &team(1)).is_ok());
    assert!(matches!(
        may_manage_team(&user(2, "m@x.io"), &team(1)),
        Err(DomainError::NotFound)
    ));
}

#[test]
fn permissions_need_plan_m_except_export_back_on() {
    let leader = user(1, "l@x.io");
    let p = |can_export, sees_team_records| MemberPermissions {
        can_export,
        sees_team_records,
    };
    let (off_own, on_own, on_team) = (p(false, false), p(true, false), p(true, true));
    assert!(may_change_permissions(&leader, &team(1), Plan::M, on_own, on_team).is_ok());
    assert!(matches!(
        may_change_permissions(&leader, &team(1), Plan::S, on_own, on_team),
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        may_change_permissions(&leader, &team(1), Plan::S, on_own, off_own),
        Err(DomainError::Forbidden(_))
    ));
    assert!(may_change_permissions(&leader, &team(1), Plan::Free, off_own, on_own).is_ok());
    assert!(may_change_permissions(&leader, &team(1), Plan::Free, on_own, on_own).is_ok());
    assert!(matches!(
        may_change_permissions(&user(3, "o@x.io"), &team(1), Plan::Xl, on_own, on_team),
        Err(DomainError::NotFound)
    ));
    assert!(may_switch_export_back_on(Plan::S, false));
    assert!(!may_switch_export_back_on(Plan::M, false));
    assert!(!may_switch_export_back_on(Plan::S, true));
}

#[test]
fn removal_only_of_active_members_of_own_team() {
    let leader = user(1, "l@x.io");
    assert!(may_manage_member(&leader, &team(1), &membership(10, false)).is_ok());
    assert!(may_manage_member(&leader, &team(1), &membership(11, false)).is_err());
    assert!(may_manage_member(&leader, &team(1), &membership(10, true)).is_err());
}

fn seat(is_leader: bool, team_records: bool, can_export: bool) -> TeamSeat {
    TeamSeat {
        leader_id: 1.into(),
        is_leader,
        sees_team_records: team_records,
        can_export,
        locked: false,
        full_teamwork: true,
        people: [1, 2, 3].map(UserId::from).to_vec(),
    }
}

/// `may_access_record` with the table's plain numbers for the viewer and the owner.
fn access(
    viewer: i64,
    seat: Option<&TeamSeat>,
    owner: i64,
    action: RecordAction,
) -> DomainResult<()> {
    may_access_record(viewer.into(), seat, owner.into(), action)
}

#[test]
fn record_access_table() {
    use RecordAction::*;
    let allowed = |r: DomainResult<()>| r.is_ok();
    let not_found = |r: DomainResult<()>| matches!(r, Err(DomainError::NotFound));
    let forbidden = |r: DomainResult<()>| matches!(r, Err(DomainError::Forbidden(_)));
    let leader = seat(true, false, true);
    let own_only = seat(false, false, true);
    let team_viewer = seat(false, true, true);
    let export_off = seat(false, true, false);
    let locked = TeamSeat {
        locked: true,
        ..team_viewer.clone()
    };
    let basic = TeamSeat {
        full_teamwork: false,
        ..leader.clone()
    };
    // (viewer, seat, owner, action) → outcome
    assert!(allowed(access(1, Some(&leader), 2, View)));
    assert!(allowed(access(1, Some(&leader), 2, Export)));
    assert!(forbidden(access(1, Some(&leader), 2, Edit)));
    assert!(forbidden(access(1, Some(&leader), 2, Verify)));
    assert!(
        not_found(access(1, Some(&leader), 9, View)),
        "outsider's records"
    );
    assert!(not_found(access(2, Some(&own_only), 3, View)));
    assert!(not_found(access(2, Some(&own_only), 1, View)));
    assert!(allowed(access(2, Some(&own_only), 2, Edit)));
    assert!(allowed(access(2, Some(&team_viewer), 1, View)));
    assert!(allowed(access(2, Some(&team_viewer), 3, Export)));
    assert!(forbidden(access(2, Some(&team_viewer), 3, Edit)));
    assert!(forbidden(access(2, Some(&export_off), 3, Export)));
    assert!(
        forbidden(access(2, Some(&export_off), 2, Export)),
        "export off means nothing"
    );
    assert!(allowed(access(2, Some(&export_off), 3, View)));
    assert!(not_found(access(2, Some(&locked), 1, View)));
    assert!(
        allowed(access(2, Some(&locked), 2, View)),
        "own records stay"
    );
    assert!(
        not_found(access(1, Some(&basic), 2, View)),
        "basic Teamwork"
    );
    assert!(not_found(access(9, None, 2, View)), "outsider");
    assert!(allowed(access(9, None, 9, Export)));
    for lapsed in [
        TeamSeat {
            locked: true,
            full_teamwork: false,
            ..seat(false, true, false)
        },
        TeamSeat {
            full_teamwork: false,
            ..seat(false, true, false)
        },
    ] {
        assert!(
            forbidden(access(2, Some(&lapsed), 2, Export)),
            "export off holds in a locked team and on a basic plan"
        );
    }
}

fn invitation(email: &str) -> Invitation {
    Invitation {
        id: 1,
        team_id: 10.into(),
        email: email.into(),
        token_hash: String::new(),
        status: InvitationStatus::Pending,
        expires_at: NaiveDateTime::default(),
        last_sent_at: NaiveDateTime::default(),
        created_at: NaiveDateTime::default(),
        responded_at: None,
        reminders_sent: 0,
    }
}

#[test]
fn only_a_proven_address_answers_in_app() {
    use AnswerChannel::*;
    let confirmed = user(2, "bob@x.io");
    let unconfirmed = User {
        email_confirmed_at: None,
        ..confirmed.clone()
    };
    let to_bob = invitation("bob@x.io");
    assert!(may_answer_invitation(&confirmed, &to_bob, InApp).is_ok());
    assert!(may_answer_invitation(&confirmed, &to_bob, EmailedLink).is_ok());
    assert!(may_answer_invitation(&unconfirmed, &to_bob, EmailedLink).is_ok());
    assert!(matches!(
        may_answer_invitation(&unconfirmed, &to_bob, InApp),
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        may_answer_invitation(&user(3, "eve@x.io"), &to_bob, EmailedLink),
        Err(DomainError::NotFound)
    ));
    assert!(may_remind_to_log_in(&confirmed).is_ok());
    assert!(may_remind_to_log_in(&unconfirmed).is_err());
    assert!(may_see_invitations_to_address(&unconfirmed).is_err());
}

#[test]
fn one_team_per_user() {
    assert!(may_invite(None).is_ok());
    assert!(may_invite(Some(&membership(10, false))).is_err());
    assert!(may_join(None, 0).is_ok());
    assert!(may_join(Some(&membership(10, false)), 0).is_err());
    assert!(may_join(None, 2).is_err());
}

#[test]
fn a_campaign_sends_only_from_its_owners_account() {
    assert!(may_send_from(4.into(), Some(4.into()), "resuming").is_ok());
    for other in [Some(5.into()), None] {
        assert!(matches!(
            may_send_from(4.into(), other, "resuming"),
            Err(DomainError::Invalid(m)) if m.contains("before resuming")
        ));
    }
}

#[test]
fn senders_lists_and_imports_are_their_owners_alone() {
    assert!(may_use_sender(4.into(), 4.into()).is_ok());
    assert!(matches!(
        may_use_sender(4.into(), 5.into()),
        Err(DomainError::NotFound)
    ));
    assert!(may_use_list(4.into(), 4.into()).is_ok());
    assert!(matches!(
        may_use_list(4.into(), 5.into()),
        Err(DomainError::NotFound)
    ));
    assert!(may_use_import(4.into(), 4.into()).is_ok());
    assert!(matches!(
        may_use_import(4.into(), 5.into()),
        Err(DomainError::NotFound)
    ));
}

#[test]
fn records_go_to_the_leader_or_an_active_member_of_the_same_team() {
    let t = team(1);
    let (removed, leader, teammate) = (2.into(), 1.into(), 3.into());
    let other_team = Some(TeamId::from(t.id.get() + 1));
    assert!(
        may_inherit_records(&t, removed, leader, None).is_ok(),
        "the leader"
    );
    assert!(
        may_inherit_records(&t, removed, teammate, Some(t.id)).is_ok(),
        "a teammate"
    );
    for (heir, heir_team) in [
        (removed, Some(t.id)),
        (teammate, None),
        (teammate, other_team),
    ] {
        assert!(
            matches!(
                may_inherit_records(&t, removed, heir, heir_team),
                Err(DomainError::Invalid(_))
            ),
            "{heir} {heir_team:?}"
        );
    }
}

#[test]
fn caps_and_permissions_are_full_teamwork() {
    assert!(caps_apply(Plan::M) && permissions_open(Plan::Xxl));
    assert!(!caps_apply(Plan::S) && !permissions_open(Plan::Free));
}

#[test]
fn the_owner_and_the_leader_may_forget_a_prospect_a_team_viewer_may_not() {
    let forget = |viewer: i64, seat: Option<&TeamSeat>, owner: i64| {
        may_forget_prospect(viewer.into(), seat, owner.into())
    };
    let leader = seat(true, false, true);
    let team_viewer = seat(false, true, true);
    let own_only = seat(false, false, true);
    assert!(forget(2, Some(&own_only), 2).is_ok(), "the owner");
    assert!(forget(2, None, 2).is_ok(), "an owner with no team");
    assert!(
        forget(1, Some(&leader), 2).is_ok(),
        "the leader, a member's prospect"
    );
    assert!(matches!(
        forget(3, Some(&team_viewer), 2),
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        forget(3, Some(&own_only), 2),
        Err(DomainError::NotFound)
    ));
    assert!(matches!(forget(9, None, 2), Err(DomainError::NotFound)));
    let locked = TeamSeat {
        locked: true,
        ..leader.clone()
    };
    assert!(matches!(
        forget(1, Some(&locked), 2),
        Err(DomainError::NotFound)
    ));
}

#[test]
fn the_do_not_email_list_downloads_for_everyone_but_a_member_with_export_off() {
    assert!(
        may_download_do_not_email(None).is_ok(),
        "a user with no team"
    );
    assert!(may_download_do_not_email(Some(&seat(true, true, false))).is_ok());
    assert!(may_download_do_not_email(Some(&seat(false, false, true))).is_ok());
    assert!(matches!(
        may_download_do_not_email(Some(&seat(false, true, false))),
        Err(DomainError::Forbidden(_))
    ));
}

#[test]
fn team_activity_is_the_leaders_a_member_is_refused_and_no_team_is_not_found() {
    let (leader, member) = (user(1, "l@x.io"), user(2, "m@x.io"));
    let active = membership(10, false);
    assert_eq!(
        may_view_team_activity(&leader, None, Some(&team(1))).unwrap(),
        TeamId::from(10)
    );
    assert!(matches!(
        may_view_team_activity(&member, Some(&active), None),
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        may_view_team_activity(&member, None, None),
        Err(DomainError::NotFound)
    ));
    assert!(matches!(
        may_view_team_activity(&member, None, Some(&team(1))),
        Err(DomainError::NotFound)
    ));
}

#[test]
fn a_member_under_approval_launches_only_an_approved_campaign() {
    use crate::db::values::ApprovalStatus::{Approved, Rejected, Waiting};
    assert!(launch_needs_approval(true, Plan::M));
    assert!(
        !launch_needs_approval(true, Plan::S),
        "rests on a basic plan"
    );
    assert!(!launch_needs_approval(false, Plan::M));
    assert!(may_launch(false, None).is_ok());
    assert!(may_launch(true, Some(Approved)).is_ok());
    for approval in [None, Some(Waiting), Some(Rejected)] {
        assert!(matches!(
            may_launch(true, approval),
            Err(DomainError::Forbidden(_))
        ));
    }
    assert!(may_request_approval(true, Some(Rejected)).is_ok());
    assert!(may_request_approval(true, Some(Waiting)).is_err());
    assert!(may_request_approval(false, None).is_err());
    let lena = team(1);
    assert!(may_decide_approval(1.into(), Some(&lena), Some(Waiting)).is_ok());
    assert!(may_decide_approval(1.into(), Some(&lena), Some(Approved)).is_err());
    assert!(matches!(
        may_decide_approval(2.into(), Some(&lena), Some(Waiting)),
        Err(DomainError::NotFound)
    ));
    assert!(may_see_approval(1.into(), None).is_err());
}

#[test]
fn team_coordination_rules() {
    let (leader, member) = (user(1, "l@x.test"), user(2, "m@x.test"));
    let t = team(1);
    assert!(may_change_team_settings(&leader, &t, Plan::M).is_ok());
    assert!(matches!(
        may_change_team_settings(&leader, &t, Plan::S),
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        may_change_team_settings(&member, &t, Plan::M),
        Err(DomainError::NotFound)
    ));
    // Outside a team a reply pauses one's own other sequences; in a team, as set.
    assert!(company_pause_applies(None));
    assert!(company_pause_applies(Some(true)));
    assert!(!company_pause_applies(Some(false)));
    assert!(may_resume_recipient(2.into(), 2.into()).is_ok());
    assert!(matches!(
        may_resume_recipient(1.into(), 2.into()),
        Err(DomainError::NotFound)
    ));
    // Names only for the leader and "View team records".
    assert!(teammate_named(&seat(true, false, true)));
    assert!(teammate_named(&seat(false, true, true)));
    assert!(!teammate_named(&seat(false, false, true)));
    assert!(never_contact_enforced(true) && !never_contact_enforced(false));
}
