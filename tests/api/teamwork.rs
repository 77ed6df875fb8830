//! Teamwork over HTTP: My Team, invitations by email, Join team, Leave Team, remove,
//! permissions, shared units and the locked team.

use crate::helpers::{
    Browser, Export, PASSWORD, Plan, TestApp, View, extract_csrf, form_action, link_href, spawn_app,
};

async fn invite(leader: &Browser, email: &str) -> crate::helpers::Page {
    leader
        .post("/account/team/invitations", &[("email", email)])
        .await
}

fn membership_path(my_team_html: &str, nth: usize) -> String {
    let actions: Vec<&str> = my_team_html
        .split("action=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .filter(|a| a.ends_with("/permissions"))
        .collect();
    actions[nth].trim_end_matches("/permissions").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_flow_invite_by_email_sign_up_from_the_link_and_join() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::M).build().await;
    let leader = &team.leader;
    let page = invite(leader, " Max@Example.com ").await;
    assert!(
        page.contains(
            "Your future team member will get an invitation email that they need to confirm."
        ),
        "{page:?}"
    );
    assert!(page.contains("max@example.com") && page.contains(">Pending<"));
    assert!(
        page.contains("<strong>invited</strong> max@example.com"),
        "activity"
    );

    let email = app.smtp().wait_for("max@example.com", 1).await;
    assert!(email.subject().contains("Lena Leader invited you"));
    let body = email.body();
    assert!(
        body.contains("lena@example.com") && body.contains("expires at"),
        "{body}"
    );
    let link = email.link("/invitations/");

    // Logged out: log in or sign up, with the address filled in.
    let max = app.browser();
    let page = max.get(&link).await;
    assert!(
        page.contains("This invitation is for <strong>max@example.com</strong>"),
        "{page:?}"
    );
    let signup = link_href(&page.body, "/signup?next=");
    let page = max.get(&signup).await;
    assert!(
        page.contains("value=\"max@example.com\""),
        "address pre-filled"
    );
    let next = signup
        .split("next=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .replace("%2F", "/");
    let page = max
        .post(
            "/signup",
            &[
                ("name", "Max Member"),
                ("email", "max@example.com"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert!(
        page.url.contains("/invitations/"),
        "back at the confirmation: {}",
        page.url
    );
    assert!(page.contains("Join Lena Leader's team"));
    let page = max.post(&form_action(&page.body, "/join"), &[]).await;
    assert!(page.contains("You joined Lena Leader's team"), "{page:?}");
    assert!(page.contains("Leave Team"));

    let page = leader.get("/account/team").await;
    assert!(
        page.contains("Max Member") && page.contains(">Active<"),
        "{page:?}"
    );
    assert!(!page.contains(">Pending<"));
    assert!(page.contains("<strong>joined</strong> max@example.com"));
    let notice = app.smtp().wait_for("lena@example.com", 1).await;
    assert!(notice.subject().contains("Max Member joined your team"));

    // The link is single use.
    let page = max.get(&link).await;
    assert!(page.contains("no longer works"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_account_logs_in_from_the_link_and_comes_back() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    let mia = app.user("Mia", "mia@example.com").await;
    mia.logout().await;
    invite(leader, "mia@example.com").await;
    let link = app
        .smtp()
        .wait_for("mia@example.com", 1)
        .await
        .link("/invitations/");
    let page = mia.get(&link).await;
    assert!(page.contains("Log in with that address"));
    let login = link_href(&page.body, "/login?next=");
    let next = login
        .split("next=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .replace("%2F", "/");
    let page = mia
        .post(
            "/login",
            &[
                ("email", "mia@example.com"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert!(page.contains("Join Lena Leader's team"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn join_and_decline_with_the_in_app_buttons() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    invite(leader, "max@example.com").await;
    invite(leader, "dan@example.com").await;

    let dan = app.user("Dan", "dan@example.com").await;
    let account = dan.get("/account").await;
    assert!(
        account.contains("Lena Leader")
            && account.contains("Join team")
            && account.contains("Decline")
    );
    let page = dan.post(&form_action(&account.body, "/decline"), &[]).await;
    assert!(page.contains("You declined Lena Leader's invitation."));
    assert!(!dan.get("/account").await.contains("Join team"));

    // Max signs up with another address and joins from My Team.
    let page = invite(leader, "max2@example.com").await;
    assert!(page.contains("Invitation sent to"), "{page:?}");
    let max = app.user("Max", "max2@example.com").await;
    let mine = max.get("/account/team").await;
    let page = max.post(&form_action(&mine.body, "/join"), &[]).await;
    assert!(page.contains("You joined Lena Leader"), "{page:?}");
    assert!(
        max.get("/account/team")
            .await
            .contains("You are a member of <strong>Lena Leader</strong>")
    );

    let page = leader.get("/account/team").await;
    assert!(page.contains("<strong>declined</strong> dan@example.com"));
    assert!(
        !page.contains("dan@example.com</span>"),
        "declined invitation left the list"
    );
    let notice = app.smtp().wait_for("lena@example.com", 1).await;
    assert!(notice.subject().contains("Dan declined your invitation"));
}

#[tokio::test(flavor = "multi_thread")]
async fn inviting_an_address_whose_invitation_expired_sends_it_again() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    invite(leader, "max@example.com").await;
    let old_link = app
        .smtp()
        .wait_for("max@example.com", 1)
        .await
        .link("/invitations/");
    app.clock.advance(chrono::Duration::days(8));
    assert!(leader.get("/account/team").await.contains(">Expired<"));

    let page = invite(leader, "max@example.com").await;
    assert!(
        page.contains(
            "The invitation to max@example.com had expired, so it was sent again with a new link."
        ),
        "{page:?}"
    );
    assert!(page.contains(">Pending<") && !page.contains(">Expired<"));
    assert!(page.contains("<strong>resent</strong> max@example.com"));
    let new_link = app
        .smtp()
        .wait_for("max@example.com", 2)
        .await
        .link("/invitations/");
    assert_ne!(old_link, new_link);
    let max = app.user("Max", "max@example.com").await;
    assert!(max.get(&new_link).await.contains("Join team"));
}

#[tokio::test(flavor = "multi_thread")]
async fn resend_kills_the_old_link_and_cancel_kills_the_link() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    let page = invite(leader, "max@example.com").await;
    let old_link = app
        .smtp()
        .wait_for("max@example.com", 1)
        .await
        .link("/invitations/");

    let again = invite(leader, "max@example.com").await;
    assert!(again.contains("already pending. Use Resend"), "{again:?}");

    let page = leader.post(&form_action(&page.body, "/resend"), &[]).await;
    assert!(
        page.contains("Invitation sent again to max@example.com"),
        "{page:?}"
    );
    let new_link = app
        .smtp()
        .wait_for("max@example.com", 2)
        .await
        .link("/invitations/");
    assert_ne!(old_link, new_link);

    let max = app.user("Max", "max@example.com").await;
    assert!(max.get(&old_link).await.contains("no longer works"));
    let token = old_link.rsplit('/').next().unwrap();
    let page = max.post(&format!("/invitations/{token}/join"), &[]).await;
    assert_eq!(page.status, 404, "the old token joins nothing");
    assert!(max.get(&new_link).await.contains("Join Lena Leader's team"));

    let page = leader.get("/account/team").await;
    let page = leader.post(&form_action(&page.body, "/cancel"), &[]).await;
    assert!(page.contains("was cancelled"));
    assert!(max.get(&new_link).await.contains("no longer works"));
    assert!(!max.get("/account").await.contains("Join team"));
    assert!(page.contains("<strong>cancelled</strong> max@example.com"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invitation_expires_after_seven_days() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    invite(leader, "max@example.com").await;
    let link = app
        .smtp()
        .wait_for("max@example.com", 1)
        .await
        .link("/invitations/");
    let max = app.user("Max", "max@example.com").await;
    app.clock
        .advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
    assert!(max.get(&link).await.contains("This invitation has expired"));
    let token = link.rsplit('/').next().unwrap();
    let page = max.post(&format!("/invitations/{token}/join"), &[]).await;
    assert!(page.contains("has expired"), "{page:?}");
    assert!(!page.contains("Leave Team"));
    assert!(leader.get("/account/team").await.contains(">Expired<"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_opened_by_another_account_changes_nothing() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    invite(leader, "max@example.com").await;
    let link = app
        .smtp()
        .wait_for("max@example.com", 1)
        .await
        .link("/invitations/");
    let eve = app.user("Eve", "eve@example.com").await;
    let page = eve.get(&link).await;
    assert!(page.contains("This invitation is for another account"));
    assert!(page.contains("max@example.com"));
    let token = link.rsplit('/').next().unwrap();
    let page = eve.post(&format!("/invitations/{token}/join"), &[]).await;
    assert_eq!(page.status, 404);
    assert!(!eve.get("/account/team").await.contains("Leave Team"));
    assert!(leader.get("/account/team").await.contains(">Pending<"));
}

/// The leader's page and the invitation email after inviting `address`, with everything
/// that names the inviter, the address or the invitation replaced by placeholders; and the
/// emailed link.
/// `text` with every "YYYY-MM-DD HH:MM" (and bare "YYYY-MM-DD") made "TIME": pages show
/// when things happened, and a run can cross a minute between two invitations.
fn without_times(text: &str) -> String {
    let shape = |s: &[u8], pattern: &[u8]| {
        s.len() >= pattern.len()
            && pattern.iter().zip(s).all(|(p, c)| {
                if *p == b'9' {
                    c.is_ascii_digit()
                } else {
                    p == c
                }
            })
    };
    let (bytes, mut out, mut i) = (text.as_bytes(), Vec::new(), 0);
    while i < bytes.len() {
        if shape(&bytes[i..], b"9999-99-99 99:99") {
            out.extend_from_slice(b"TIME");
            i += 16;
        } else if shape(&bytes[i..], b"9999-99-99") {
            out.extend_from_slice(b"TIME");
            i += 10;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

async fn invitation_as_the_leader_sees_it(
    app: &TestApp,
    n: usize,
    address: &str,
) -> (Vec<String>, String) {
    let inviter = format!("ivan{n}@example.com");
    let ivan = app.user("Ivan Inviter", &inviter).await;
    let page = invite(&ivan, address).await;
    let invitation = form_action(&page.body, "/resend").replace("resend", "");
    let email = app.smtp().take(address, "Ivan Inviter invited you").await;
    let link = email.link("/invitations/");
    // Each page render carries a fresh one-time form token (double-submit protection).
    let form_tokens = |text: &str| {
        text.split("name=\"form_token\" value=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let tokens = form_tokens(&page.body);
    let normal = |text: &str| {
        let text = tokens.iter().fold(without_times(text), |text, token| {
            text.replace(token, "FORM_TOKEN")
        });
        text.replace(&link, "LINK")
            .replace(&invitation, "INVITATION")
            .replace(&extract_csrf(&page.body), "CSRF")
            .replace(&inviter, "INVITER")
            .replace(address, "ADDRESS")
    };
    let mut seen = vec![normal(&page.body), normal(&email.subject())];
    seen.extend(
        email
            .body()
            .lines()
            .filter(|line| line.contains("invite") || line.contains("expires"))
            .map(normal),
    );
    (seen, link)
}

#[tokio::test(flavor = "multi_thread")]
async fn inviting_tells_the_leader_nothing_about_the_other_account() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::M)
        .member("Max", View::Own, Export::On)
        .build()
        .await;
    let fred = app.user("Fred Free", "fred@example.com").await;
    let addresses = [
        "lena@example.com",
        "max@example.com",
        "nobody@example.com",
        "fred@example.com",
    ];
    let (mut seen, mut links) = (Vec::new(), Vec::new());
    for (n, address) in addresses.iter().enumerate() {
        let (got, link) = invitation_as_the_leader_sees_it(&app, n, address).await;
        seen.push(got);
        links.push(link);
    }
    assert!(
        seen[0][0].contains("Invitation sent to ADDRESS") && seen[0][0].contains(">Pending<"),
        "{:?}",
        seen[0][0]
    );
    for (address, got) in addresses.iter().zip(&seen).skip(1) {
        assert_eq!(got.len(), seen[0].len(), "{address}: {got:?}");
        for (text, first) in got.iter().zip(&seen[0]) {
            for (line, first_line) in text.lines().zip(first.lines()) {
                assert_eq!(line, first_line, "the leader's view of {address} differs");
            }
            assert_eq!(text, first, "the leader's view of {address} differs");
        }
    }

    // The invited people learn why they cannot join yet, on the link and in the account.
    for (browser, link, reason) in [
        (
            &team.leader,
            &links[0],
            "You lead a team that has members. Remove them",
        ),
        (
            &max.browser,
            &links[1],
            "You are already a member of a team. Leave it first",
        ),
    ] {
        let page = browser.get(link).await;
        assert!(
            page.contains("You cannot join yet. ") && page.contains(reason),
            "{page:?}"
        );
        assert!(page.contains("disabled>Join team"), "{page:?}");
        let account = browser.get("/account").await;
        assert!(
            account.contains("You cannot join yet.") && account.contains(reason),
            "{account:?}"
        );
    }
    assert!(!fred.get(&links[3]).await.contains("You cannot join yet."));
    let account = fred.get("/account").await;
    assert!(account.contains("Ivan Inviter") && !account.contains("You cannot join yet."));
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_yourself_members_and_people_in_other_teams() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    assert!(
        invite(leader, "LENA@example.com")
            .await
            .contains("You cannot invite yourself.")
    );
    assert!(
        invite(leader, "not an address")
            .await
            .contains("Enter an email address")
    );
    let max = team.join("Max", View::Own, Export::On).await;
    assert!(
        invite(leader, "max@example.com")
            .await
            .contains("already a member of your team")
    );

    // Someone in another team is invited like anyone (issue 13 fault 7: see
    // `inviting_tells_the_leader_nothing_about_the_other_account`).
    let other = app.user("Olga Other", "olga@example.com").await;
    assert!(
        invite(&other, "max@example.com")
            .await
            .contains("Invitation sent to max@example.com")
    );
    assert!(
        invite(&other, "lena@example.com")
            .await
            .contains("Invitation sent to lena@example.com")
    );

    // A member cannot invite.
    let page = invite(&max, "friend@example.com").await;
    assert!(page.contains("Team members cannot invite"), "{page:?}");

    // A leader with members cannot join another team, and is told so.
    invite(&other, "kim@example.com").await;
    let kim = app.user("Kim", "kim@example.com").await;
    invite(&kim, "kims-friend@example.com").await;
    let friend = app.user("Friend", "kims-friend@example.com").await;
    let page = friend.get("/account").await;
    assert!(
        friend
            .post(&form_action(&page.body, "/join"), &[])
            .await
            .contains("You joined Kim's team")
    );
    let page = kim.get("/account").await;
    let page = kim.post(&form_action(&page.body, "/join"), &[]).await;
    assert!(
        page.contains("You lead a team that has members"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn remove_and_leave_keep_history_and_allow_a_new_invitation() {
    let app = spawn_app().await;
    let (team, [max, mia]) = app
        .team(Plan::M)
        .member("Max", View::Own, Export::On)
        .member("Mia", View::Own, Export::On)
        .build()
        .await;
    let leader = &team.leader;
    // Max spends before leaving.
    dripteam::domain::billing::spend_credits(&mut app.conn(), max.id, 7, app.clock.now()).unwrap();

    let page = max.get("/account/team/leave").await;
    assert!(page.contains("Leave your team?"));
    let page = max.post("/account/team/leave", &[]).await;
    assert!(page.contains("You left Lena Leader's team"), "{page:?}");
    assert!(!page.contains("Leave Team</a>"));
    let notice = app.smtp().wait_for("lena@example.com", 3).await;
    assert!(
        notice.subject().contains("Max left your team"),
        "{}",
        notice.subject()
    );

    let team = leader.get("/account/team").await;
    assert!(team.contains("Former member"), "{team:?}");
    assert!(team.contains("<strong>left</strong> max@example.com"));

    let remove = link_href(&team.body, "/remove");
    let page = leader.get(&remove).await;
    assert!(page.contains("Remove Mia?") && page.contains("Nothing is deleted"));
    let page = leader.post(&remove, &[]).await;
    assert!(page.contains("Mia was removed from your team"), "{page:?}");
    assert!(page.contains("<strong>removed</strong> mia@example.com"));
    assert!(!mia.get("/account/team").await.contains("You are a member"));
    // The former member's usage stays in the team's history.
    assert!(page.body.matches("Former member").count() == 2);
    assert!(
        page.contains("data-label=\"Credits used\">7</td>"),
        "Max's 7 credits stay listed"
    );
    // Removing again is refused as not found.
    assert_eq!(leader.post(&remove, &[]).await.status, 404);

    // Invited again, Max joins again.
    let max_again = leader
        .post("/account/team/invitations", &[("email", "max@example.com")])
        .await;
    assert!(max_again.contains("Invitation sent to max@example.com"));
    let page = max.get("/account/team").await;
    let page = max.post(&form_action(&page.body, "/join"), &[]).await;
    assert!(page.contains("You joined Lena Leader's team"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn permissions_change_on_m_and_are_refused_on_s() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::M)
        .member("Max", View::Own, Export::On)
        .build()
        .await;
    let leader = &team.leader;
    let team = leader.get("/account/team").await;
    assert!(!team.contains("Available from plan M"));
    let member_path = membership_path(&team.body, 0);
    let page = leader
        .post(
            &format!("{member_path}/permissions"),
            &[("records_scope", "team")],
        )
        .await;
    assert!(page.contains("export off, View team records"), "{page:?}");
    assert!(page.contains("<strong>permission changed</strong> max@example.com"));
    assert!(page.contains("value=\"team\" selected"));
    let mine = max.get("/account/team").await;
    assert!(
        mine.contains("View team records; export not allowed"),
        "{mine:?}"
    );

    let page = leader
        .post(
            &format!("{member_path}/permissions"),
            &[("records_scope", "everything"), ("can_export", "on")],
        )
        .await;
    assert!(page.contains("Choose Only own records or View team records."));

    app.downgrade(leader, Plan::S).await;
    let team = leader.get("/account/team").await;
    assert!(team.contains("Available from plan M"));
    assert!(team.contains("disabled"));
    let page = leader
        .post(
            &format!("{member_path}/permissions"),
            &[("records_scope", "own"), ("can_export", "on")],
        )
        .await;
    assert!(page.contains("Available from plan M"), "{page:?}");
    leader.post("/account/billing/plan", &[("plan", "m")]).await;
    assert!(
        leader
            .get("/account/team")
            .await
            .contains("value=\"team\" selected"),
        "unchanged on S"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn members_see_the_team_figures_and_spend_the_shared_pool() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::S)
        .member("Max", View::Own, Export::On)
        .build()
        .await;
    let leader = &team.leader;
    let lena = dripteam::db::accounts::user_by_email(&mut app.conn(), "lena@example.com")
        .unwrap()
        .unwrap();
    let now = app.clock.now();
    dripteam::domain::billing::spend_credits(&mut app.conn(), max.id, 30, now).unwrap();
    dripteam::domain::billing::spend_credits(&mut app.conn(), lena.id, 12, now).unwrap();
    for address in ["a@x.io", "b@x.io", "a@x.io"] {
        dripteam::domain::billing::record_recipient(&mut app.conn(), max.id, address, now).unwrap();
    }

    let page = max.get("/account/team").await;
    assert!(page.contains("You are a member of <strong>Lena Leader</strong>"));
    assert!(page.contains("42 used · 958 unused"), "{page:?}");
    assert!(
        page.contains("2 used · 4,998 unused"),
        "a recipient counts once"
    );
    assert!(page.contains("you used 30"));
    let team = leader.get("/account/team").await;
    assert!(
        team.contains("data-label=\"Credits used\">30</td>")
            && team.contains("data-label=\"Credits used\">12</td>"),
        "{team:?}"
    );
    assert!(leader.get("/account/billing").await.contains("42 / 1,000"));
    // Max's own Free pool is untouched.
    max.post("/account/team/leave", &[]).await;
    assert!(max.get("/account/billing").await.contains("0 / 50"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_members_billing_shows_the_team_pool_they_spend() {
    let app = spawn_app().await;
    let (_team, [max]) = app
        .team(Plan::M)
        .member("Max", View::Own, Export::On)
        .build()
        .await;
    dripteam::domain::billing::spend_credits(&mut app.conn(), max.id, 12, app.clock.now()).unwrap();
    let page = max.get("/account/billing").await;
    assert!(
        page.contains("As a member of <strong>Lena Leader</strong>'s team you spend the team's shared pool (plan M)"),
        "{page:?}"
    );
    assert!(page.contains("Team credits used this period"));
    assert!(
        page.contains("12 / 5,000") && !page.contains("0 / 50<"),
        "{page:?}"
    );
    assert!(page.contains("Your plan: <strong>Free</strong>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exhausted_pool_says_when_it_renews() {
    let app = spawn_app().await;
    app.team(Plan::Free).build::<0>().await;
    let lena = dripteam::db::accounts::user_by_email(&mut app.conn(), "lena@example.com")
        .unwrap()
        .unwrap();
    let now = app.clock.now();
    dripteam::domain::billing::spend_credits(&mut app.conn(), lena.id, 48, now).unwrap();
    let short =
        dripteam::domain::billing::spend_credits(&mut app.conn(), lena.id, 4, now).unwrap_err();
    assert!(
        short.to_string().starts_with(
            "This needs 4 credits, but only 2 are left of your team's credits for this billing period. They renew on"
        ),
        "{short}"
    );
    dripteam::domain::billing::spend_credits(&mut app.conn(), lena.id, 2, now).unwrap();
    let refused =
        dripteam::domain::billing::spend_credits(&mut app.conn(), lena.id, 1, now).unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains("credits for this billing period are used up"),
        "{message}"
    );
    assert!(message.contains("They renew on"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lapsed_plan_locks_the_team_until_renewed() {
    let app = spawn_app().await;
    let (team, [max]) = app
        .team(Plan::M)
        .member("Max", View::Team, Export::Off)
        .build()
        .await;
    let leader = &team.leader;

    app.clock.advance(chrono::Duration::days(40));
    let page = max.get("/account/team").await;
    assert!(page.contains("Your team is locked"), "{page:?}");
    assert!(page.contains("Ask your team leader to renew"));
    let refused =
        dripteam::domain::billing::spend_credits(&mut app.conn(), max.id, 1, app.clock.now());
    assert!(matches!(
        refused,
        Err(dripteam::domain::DomainError::TeamLocked)
    ));
    let page = leader.get("/account/billing").await;
    assert!(page.contains("Your team is locked") && page.contains("Renew on Billing"));

    let page = leader.post("/account/billing/renew", &[]).await;
    assert!(!page.contains("Your team is locked"), "{page:?}");
    assert!(
        !max.get("/account/team")
            .await
            .contains("Your team is locked")
    );
    dripteam::domain::billing::spend_credits(&mut app.conn(), max.id, 1, app.clock.now()).unwrap();
    assert!(
        leader
            .get("/account/team")
            .await
            .contains("value=\"team\" selected"),
        "settings kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_ids_answer_404_and_forms_need_the_csrf_token() {
    let app = spawn_app().await;
    let (team, [_max]) = app
        .team(Plan::M)
        .member("Max", View::Own, Export::On)
        .build()
        .await;
    let leader = &team.leader;
    invite(leader, "pending@example.com").await;
    let team = leader.get("/account/team").await;
    let member_path = membership_path(&team.body, 0);
    let resend = form_action(&team.body, "/resend");
    let cancel = form_action(&team.body, "/cancel");

    let other = leader_on_other(&app).await;
    assert_eq!(
        other.get(&format!("{member_path}/remove")).await.status,
        404
    );
    assert_eq!(
        other
            .post(&format!("{member_path}/remove"), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        other
            .post(
                &format!("{member_path}/permissions"),
                &[("records_scope", "team")]
            )
            .await
            .status,
        404
    );
    assert_eq!(other.post(&resend, &[]).await.status, 404);
    assert_eq!(other.post(&cancel, &[]).await.status, 404);
    assert_eq!(
        other.post("/account/invitations/1/join", &[]).await.status,
        404
    );
    assert_eq!(
        other
            .post("/account/team/members/999999/remove", &[])
            .await
            .status,
        404
    );

    // Without the token nothing changes.
    assert_eq!(
        leader
            .post_raw(&format!("{member_path}/remove"), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        leader
            .post_raw(
                "/account/team/invitations",
                &[("email", "outsider-x@example.com")]
            )
            .await
            .status,
        403
    );
    let team = leader.get("/account/team").await;
    assert!(
        team.contains("Max")
            && team.contains("pending@example.com")
            && !team.contains("outsider-x@example.com")
    );

    // Anonymous visitors are sent to log in.
    let anonymous = app.browser();
    assert!(
        anonymous
            .get("/account/team")
            .await
            .url
            .contains("/login?next=/account/team")
    );
}

async fn leader_on_other(app: &TestApp) -> Browser {
    let other = app.user("Olga Other", "olga@example.com").await;
    invite(&other, "someone@example.com").await;
    other
}

#[tokio::test(flavor = "multi_thread")]
async fn invitation_sending_is_throttled_per_team() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    for n in 0..20 {
        let page = invite(leader, &format!("person{n}@example.com")).await;
        assert!(page.contains("Invitation sent"), "#{n}: {page:?}");
    }
    let page = invite(leader, "one-too-many@example.com").await;
    assert!(
        page.contains("Please wait a while before sending more"),
        "{page:?}"
    );
    assert!(!page.contains("one-too-many@example.com</span>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_spends_never_overdraw_the_pool() {
    let app = spawn_app().await;
    let (_team, members) = app
        .team(Plan::S)
        .member("M0", View::Own, Export::On)
        .member("M1", View::Own, Export::On)
        .member("M2", View::Own, Export::On)
        .member("M3", View::Own, Export::On)
        .build()
        .await;
    let members: [dripteam::domain::UserId; 4] = members.map(|m| m.id);
    let lena = dripteam::db::accounts::user_by_email(&mut app.conn(), "lena@example.com")
        .unwrap()
        .unwrap();
    let now = app.clock.now();
    // Leave exactly 100 of the S plan's 1,000 credits.
    dripteam::domain::billing::spend_credits(&mut app.conn(), lena.id, 900, now).unwrap();

    let threads: Vec<_> = (0..32)
        .map(|i| {
            let pool = app.pool.clone();
            let spender = members[i % members.len()];
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                dripteam::domain::billing::spend_credits(&mut conn, spender, 10, now)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let succeeded = results.iter().filter(|r| r.is_ok()).count();
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(refused, dripteam::domain::DomainError::PoolExhausted { .. }),
            "only exhaustion may refuse: {refused:?}"
        );
    }
    assert_eq!(succeeded, 10);
    let status = dripteam::domain::billing::pool_status(&mut app.conn(), &lena, now).unwrap();
    assert_eq!(status.credits_used, 1000);
    assert_eq!(status.credits_left(), 0);
}
