//! Sessions that can be ended (log-out, password reset, "Log out other sessions", change
//! of password), change of email address through the new address, and addresses nobody
//! proved they own (issue 11, items 5 and 15).

use reqwest::cookie::CookieStore;

use crate::helpers::{Browser, PASSWORD, TestApp, form_action, spawn_app};

fn list_count(app: &TestApp) -> usize {
    use diesel::prelude::*;
    use dripteam::db::schema::prospect_lists;
    prospect_lists::table
        .count()
        .get_result::<i64>(&mut *app.conn())
        .unwrap() as usize
}

fn is_member(app: &TestApp, email: &str) -> bool {
    let user = dripteam::db::accounts::user_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap();
    dripteam::db::team::active_membership_of(&mut app.conn(), user.id)
        .unwrap()
        .is_some()
}

fn is_confirmed(app: &TestApp, email: &str) -> bool {
    dripteam::db::accounts::user_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .email_confirmed_at
        .is_some()
}

async fn logged_in(browser: &Browser) -> bool {
    let page = browser.get("/account").await;
    !page.url.contains("/login") && page.contains("Log out")
}

/// A second browser logged in as the same person.
async fn second_browser(app: &TestApp, email: &str, password: &str) -> Browser {
    let other = app.browser();
    let page = other.login(email, password).await;
    assert!(page.contains("Log out"), "{page:?}");
    other
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cookie_replayed_after_log_out_is_logged_out_and_changes_nothing() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    let (ann, jar) = app.browser_with_jar();
    assert!(
        ann.login("ann@example.com", PASSWORD)
            .await
            .contains("Log out")
    );
    // The thief copies the cookie and the page's CSRF token while Ann is logged in.
    let cookie = jar.cookies(&ann.base.parse().unwrap()).unwrap();
    let token = ann.csrf_token().await;
    ann.logout().await;

    let thief = app.replaying(cookie);
    let page = thief.get("/account").await;
    assert!(page.url.contains("/login"), "replayed cookie: {page:?}");
    assert!(!page.contains("Log out"));
    let page = thief
        .post_raw(
            "/prospects/lists",
            &[("name", "Stolen"), ("csrf_token", &token)],
        )
        .await;
    assert!(page.url.contains("/login"), "{page:?}");
    assert_eq!(
        list_count(&app),
        0,
        "no list created with a revoked session"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_reset_logs_out_older_sessions() {
    let app = spawn_app().await;
    let old_browser = app.user("Ann", "ann@example.com").await;
    assert!(logged_in(&old_browser).await);

    let fresh = app.browser();
    fresh
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;
    let link = app
        .smtp()
        .wait_for("ann@example.com", 1)
        .await
        .link("/password/reset?token=");
    let token = link.rsplit_once("token=").unwrap().1.to_string();
    let page = fresh
        .post(
            "/password/reset",
            &[("token", &token), ("password", "a brand new password")],
        )
        .await;
    assert!(page.contains("Log out"), "{page:?}");

    assert!(!logged_in(&old_browser).await, "the older session ended");
    assert!(logged_in(&fresh).await, "the reset's own session lives");
}

#[tokio::test(flavor = "multi_thread")]
async fn log_out_other_sessions_ends_every_session_but_this_one() {
    let app = spawn_app().await;
    let laptop = app.user("Ann", "ann@example.com").await;
    let phone = second_browser(&app, "ann@example.com", PASSWORD).await;
    let tablet = second_browser(&app, "ann@example.com", PASSWORD).await;

    let page = laptop.get("/account").await;
    assert!(page.contains("Where you are logged in"), "{page:?}");
    assert_eq!(page.body.matches("<tr><td>").count(), 3, "three sessions");
    assert_eq!(page.body.matches("This session").count(), 1);

    let page = laptop.post("/account/sessions/log-out-others", &[]).await;
    assert!(page.contains("Logged out 2 other sessions."), "{page:?}");
    assert_eq!(page.body.matches("<tr><td>").count(), 1);
    assert!(!logged_in(&phone).await);
    assert!(!logged_in(&tablet).await);
    assert!(logged_in(&laptop).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let laptop = app.user("Ann", "ann@example.com").await;
    let phone = second_browser(&app, "ann@example.com", PASSWORD).await;

    let page = laptop
        .post(
            "/account/password",
            &[
                ("current_password", "not my password"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert!(page.contains("The current password is wrong."), "{page:?}");
    assert!(logged_in(&phone).await, "a refusal changes nothing");

    let page = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert!(page.contains("Your password was changed"), "{page:?}");
    assert!(!logged_in(&phone).await, "the other session ended");
    assert!(logged_in(&laptop).await, "this session stays");
    let again = app.browser();
    assert!(
        !again
            .login("ann@example.com", PASSWORD)
            .await
            .contains("Log out")
    );
    assert!(
        again
            .login("ann@example.com", "a brand new password")
            .await
            .contains("Log out")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_email_address_changes_only_after_the_link_sent_to_the_new_address() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;

    let page = ann
        .post(
            "/account/email",
            &[
                ("email", "ann@new.example"),
                ("current_password", "wrong one"),
            ],
        )
        .await;
    assert!(page.contains("The current password is wrong."), "{page:?}");
    assert!(
        page.contains("value=\"ann@new.example\""),
        "the form keeps what was typed"
    );

    let page = ann
        .post(
            "/account/email",
            &[("email", "ann@new.example"), ("current_password", PASSWORD)],
        )
        .await;
    assert!(
        page.contains("We sent a link to ann@new.example"),
        "{page:?}"
    );
    assert!(page.contains("Ann</strong> · ann@example.com"), "not yet");
    assert!(
        !app.browser()
            .login("ann@new.example", PASSWORD)
            .await
            .contains("Log out")
    );
    assert!(
        app.smtp().to("ann@example.com").is_empty(),
        "the link goes to the new address only"
    );

    let link = app.confirmation_link("ann@new.example").await;
    // Another browser (the new mailbox's owner need not be logged in) opens it.
    let other = app.browser();
    let page = other.get(&link).await;
    assert!(page.contains("Change my address"), "{page:?}");
    assert!(
        page.contains("Ann</strong> · ann@example.com") || !page.contains("Log out"),
        "opening the link changes nothing"
    );
    assert!(
        dripteam::db::accounts::user_by_email(&mut app.conn(), "ann@example.com")
            .unwrap()
            .is_some()
    );
    let token = link.rsplit_once("token=").unwrap().1.to_string();
    other
        .post("/account/email/confirm", &[("token", &token)])
        .await;

    assert!(ann.get("/account").await.contains("ann@new.example"));
    let told = app.smtp().wait_for("ann@example.com", 1).await;
    assert!(
        told.subject().contains("email address was changed"),
        "{}",
        told.subject()
    );
    assert!(told.body().contains("ann@new.example"));
    assert!(
        app.browser()
            .login("ann@new.example", PASSWORD)
            .await
            .contains("Log out")
    );
    assert!(
        other
            .post("/account/email/confirm", &[("token", &token)])
            .await
            .contains("expired or was already used"),
        "the link works once"
    );
}

/// Lena (confirmed) invites bob@company.example; returns her browser.
async fn lena_invites_bob(app: &TestApp) -> Browser {
    let lena = app.user("Lena Leader", "lena@example.com").await;
    let page = lena
        .post(
            "/account/team/invitations",
            &[("email", "bob@company.example")],
        )
        .await;
    assert!(page.contains("Invitation sent to"), "{page:?}");
    lena
}

fn invitation_id(app: &TestApp) -> i64 {
    let lena = dripteam::db::accounts::user_by_email(&mut app.conn(), "lena@example.com")
        .unwrap()
        .unwrap();
    let team = dripteam::db::team::team_by_leader(&mut app.conn(), lena.id)
        .unwrap()
        .unwrap();
    dripteam::db::team::pending_invitation(&mut app.conn(), team.id, "bob@company.example")
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unconfirmed_account_cannot_join_in_app_until_it_confirms_its_address() {
    let app = spawn_app().await;
    lena_invites_bob(&app).await;
    let id = invitation_id(&app);
    let squatter = app.unconfirmed_user("Not Bob", "bob@company.example").await;

    let page = squatter.get("/account").await;
    assert!(page.contains("Confirm your email address"), "{page:?}");
    assert!(page.contains("Resend confirmation email"));
    assert!(!page.contains("Join team"), "no in-app invitation shown");
    assert!(
        !page.contains("Lena Leader"),
        "nothing of the invitation shown"
    );

    let page = squatter
        .post(&format!("/account/invitations/{id}/join"), &[])
        .await;
    assert_eq!(page.status, 403, "{page:?}");
    assert!(page.contains("Confirm your email address first"));
    let page = squatter
        .post(&format!("/account/invitations/{id}/decline"), &[])
        .await;
    assert_eq!(page.status, 403, "{page:?}");
    assert!(!is_member(&app, "bob@company.example"));

    // Resend: the first link dies, the new one confirms.
    let first = app.confirmation_link("bob@company.example").await;
    let page = squatter.post("/account/email/resend", &[]).await;
    assert!(page.contains("We sent a new confirmation link"), "{page:?}");
    let token = first.rsplit_once("token=").unwrap().1.to_string();
    let page = squatter
        .post("/account/email/confirm", &[("token", &token)])
        .await;
    assert!(page.contains("expired or was already used"), "{page:?}");
    assert!(!is_confirmed(&app, "bob@company.example"));

    let page = app.confirm_address(&squatter, "bob@company.example").await;
    assert!(page.contains("is confirmed"), "{page:?}");
    let page = squatter.get("/account").await;
    assert!(!page.contains("Resend confirmation email"));
    let join = form_action(&page.body, "/join");
    let page = squatter.post(&join, &[]).await;
    assert!(page.contains("You joined Lena Leader"), "{page:?}");
    assert!(is_member(&app, "bob@company.example"));
}

#[tokio::test(flavor = "multi_thread")]
async fn following_the_invitation_link_confirms_the_address() {
    let app = spawn_app().await;
    lena_invites_bob(&app).await;
    let bob = app.unconfirmed_user("Bob", "bob@company.example").await;
    let link = app
        .smtp()
        .take("bob@company.example", "invited you")
        .await
        .link("/invitations/");
    let page = bob.get(&link).await;
    let join = form_action(&page.body, "/join");
    let page = bob.post(&join, &[]).await;
    assert!(page.contains("You joined Lena Leader"), "{page:?}");
    assert!(is_confirmed(&app, "bob@company.example"));
    assert!(
        !bob.get("/account")
            .await
            .contains("Resend confirmation email")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unconfirmed_accounts_get_no_invitation_reminder() {
    let app = spawn_app().await;
    let lena = app.user("Lena Leader", "lena@example.com").await;
    app.unconfirmed_user("Carol", "carol@example.com").await;
    app.user("Erin", "erin@example.com").await;
    for email in ["carol@example.com", "dave@example.com", "erin@example.com"] {
        lena.post("/account/team/invitations", &[("email", email)])
            .await;
    }
    app.clock
        .advance(chrono::Duration::days(2) + chrono::Duration::minutes(1));
    let sent = dripteam::domain::team::reminders::send_reminders(
        &mut app.conn(),
        &app.address,
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(sent, 2, "dave (no account) and erin (confirmed)");
    let erin = app.smtp().take("erin@example.com", "Reminder").await;
    assert!(erin.body().contains("/login?email=erin%40example.com"));
    let dave = app.smtp().take("dave@example.com", "Reminder").await;
    assert!(dave.body().contains("/signup?email=dave%40example.com"));
    let outbox = dripteam::db::outbox::recent(&mut app.conn(), 100).unwrap();
    assert!(
        !outbox
            .iter()
            .any(|m| m.to_address == "carol@example.com" && m.subject.contains("Reminder")),
        "no reminder to an address nobody proved"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inviting_an_unconfirmed_account_is_allowed_and_the_emailed_link_decides() {
    // Invitations go to an address, so inviting one whose account is unconfirmed is fine:
    // only the mailbox's owner (the link) or a confirmed account (in-app) can answer.
    let app = spawn_app().await;
    app.unconfirmed_user("Bob", "bob@company.example").await;
    let lena = lena_invites_bob(&app).await;
    assert!(
        lena.get("/account/team")
            .await
            .contains("bob@company.example")
    );
    app.smtp().take("bob@company.example", "invited you").await;
}
