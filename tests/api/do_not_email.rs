//! The team's do-not-email list: who adds and removes entries, launch skipping what is on
//! it, and the sender checking it before every email, so an entry added now stops a
//! teammate's next step.

use crate::campaigns::{setup, spawn_app};
use crate::helpers::Plan;
use crate::helpers::imap::ImapServer;

fn a_day() -> chrono::Duration {
    chrono::Duration::days(1) + chrono::Duration::minutes(1)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_domain_entry_stops_a_teammates_campaign_mid_sequence() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2);

    // The leader puts Bob's whole company on the team's list.
    let page = s
        .team
        .leader
        .post("/prospects/do-not-email", &[("entry", "@Globex.example")])
        .await;
    assert!(
        page.contains("Added @globex.example to the do-not-email list."),
        "{page:?}"
    );
    // Max sees it on his list too: one list per team.
    let page = s.max.get("/prospects/do-not-email").await;
    assert!(
        page.contains("@globex.example") && page.contains("Lena Leader"),
        "{page:?}"
    );

    app.clock.advance(a_day());
    assert_eq!(app.run_sender_once().await, 1, "only Ann gets step 2");
    app.smtp().wait_for("ann@acme.example", 2).await;
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1);
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("1 skipped: 1 on the do-not-email list"),
        "{page:?}"
    );
    app.clock.advance(a_day());
    app.clock.advance(a_day());
    app.run_sender_once().await;
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_on_the_list_is_skipped_at_launch_and_counted() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 3).await;
    let page = s
        .max
        .post("/prospects/do-not-email", &[("entry", "ann@acme.example")])
        .await;
    assert!(page.contains("Added ann@acme.example"), "{page:?}");

    let page = s.max.get(&format!("{}/launch", s.campaign)).await;
    assert!(
        page.contains("1 skipped: on the do-not-email list"),
        "{page:?}"
    );
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2);
    assert!(app.smtp().to("ann@acme.example").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn members_add_entries_only_the_leader_removes_them_and_bad_input_is_refused() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;

    let page = s
        .max
        .post("/prospects/do-not-email", &[("entry", "not an address")])
        .await;
    assert!(
        page.contains("is not an address or a domain written as @domain")
            && page.contains("value=\"not an address\""),
        "{page:?}"
    );
    let page = s
        .max
        .post(
            "/prospects/do-not-email",
            &[("entry", "bob@globex.example")],
        )
        .await;
    assert!(page.contains("Added bob@globex.example"), "{page:?}");
    let page = s
        .max
        .post(
            "/prospects/do-not-email",
            &[("entry", "BOB@globex.example")],
        )
        .await;
    assert!(
        page.contains("bob@globex.example is already on the do-not-email list."),
        "{page:?}"
    );
    assert!(
        !page.contains("/remove"),
        "a member is shown no Remove button"
    );
    let leader_page = s.team.leader.get("/prospects/do-not-email").await;
    let remove = crate::helpers::form_action(&leader_page.body, "/remove");
    let page = s.max.post(&remove, &[]).await;
    assert!(
        page.status == 403 && page.contains("Only your team leader can remove an entry"),
        "{page:?}"
    );
    let page = s.max.get("/prospects/do-not-email").await;
    assert!(
        page.contains("bob@globex.example"),
        "still listed: {page:?}"
    );
    let page = s.team.leader.post(&remove, &[]).await;
    assert!(
        page.contains("Removed bob@globex.example from the do-not-email list."),
        "{page:?}"
    );
    // Someone outside the team cannot touch the team's entries.
    let stranger = app.user("Sam Stranger", "sam@example.com").await;
    let page = stranger
        .post("/prospects/do-not-email", &[("entry", "x@y.example")])
        .await;
    assert!(page.contains("Added x@y.example"), "{page:?}");
    let page = s.team.leader.get("/prospects/do-not-email").await;
    assert!(!page.contains("x@y.example"), "{page:?}");
}
