//! Refusals at send time told apart by whom they concern (RFC 5321 reply codes, RFC 3463
//! enhanced status codes): the recipient refused for good bounces and is suppressed, a
//! temporary refusal is retried, the sender refused suppresses nobody and pauses its
//! campaigns; and a campaign whose bounce rate passes its limit pauses itself.

use crate::campaigns::{SMTP_PASSWORD, option_value, setup, spawn_app};
use crate::helpers::imap::{self, ImapServer};
use crate::helpers::{Plan, form_action};

fn a_day() -> chrono::Duration {
    chrono::Duration::days(1) + chrono::Duration::minutes(1)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_550_at_send_marks_the_recipient_bounced_and_suppresses_the_address() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    app.smtp().refuse_recipient(
        "bob@globex.example",
        550,
        "5.1.1 <bob@globex.example>: Recipient address rejected: User unknown",
    );
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 1, "Ann's email went out");

    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("refused the address bob@globex.example")
            && page.contains("It bounced: the address is on the do-not-email list now."),
        "{page:?}"
    );
    let list = s.team.leader.get("/prospects/do-not-email").await;
    assert!(
        list.contains("bob@globex.example") && list.contains("Bounced"),
        "on the team's list: {list:?}"
    );
    app.clock.advance(a_day());
    assert_eq!(app.run_sender_once().await, 1, "only Ann gets step 2");
    app.clock.advance(a_day());
    app.clock.advance(a_day());
    app.run_sender_once().await;
    assert_eq!(
        app.smtp().attempts_to("bob@globex.example"),
        0,
        "a refused RCPT never reaches DATA, and Bob is not tried again"
    );
    assert_eq!(app.smtp().to("ann@acme.example").len(), 3);

    // The bounce rate: on the campaign page, and per member in Team statistics and its CSV.
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("<div class=\"muted\">Bounced</div><div class=\"big\">1</div><div>50%</div>"),
        "{page:?}"
    );
    let stats = s.team.leader.get("/account/team/statistics").await;
    assert!(
        stats.contains("50.0% <span class=\"hint\">(1)</span>"),
        "{stats:?}"
    );
    let csv = s.team.leader.get("/account/team/statistics.csv").await;
    assert!(
        csv.body.contains(",bounced,bounce rate,") && csv.body.contains(",1,50.0%,"),
        "{}",
        csv.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temporary_refusal_is_retried_and_suppresses_nobody() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    app.smtp()
        .refuse_recipient("bob@globex.example", 450, "4.2.1 Mailbox busy, try later");
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 1);
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("did not accept the email") && !page.contains("It bounced"),
        "{page:?}"
    );
    let list = s.team.leader.get("/prospects/do-not-email").await;
    assert!(!list.contains("bob@globex.example"), "{list:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_sender_pauses_its_campaigns_until_fixed_and_suppresses_nobody() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    app.smtp().refuse_sender(Some((
        550,
        "5.7.1 Sender not authorized to send from this domain",
    )));
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);

    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("Paused automatically") && page.contains("refused the sender"),
        "{page:?}"
    );
    let senders = s.max.get("/senders").await;
    assert!(senders.contains("Sending stopped on"), "{senders:?}");
    let list = s.team.leader.get("/prospects/do-not-email").await;
    assert!(
        list.contains("The list is empty."),
        "nobody suppressed: {list:?}"
    );
    let page = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(
        page.contains("Fix the sender account under Sender accounts first."),
        "{page:?}"
    );

    // The owner fixes the account (here: the server accepts the sender again) and saves it.
    app.smtp().refuse_sender(None);
    let edit = form_action(&senders.body, "/test").replace("/test", "");
    let smtp_port = app.smtp().port.to_string();
    let imap_port = imap_server.port.to_string();
    let page = s
        .max
        .post(
            &edit,
            &[
                ("email", imap::USER),
                ("display_name", "Max at Acme"),
                ("smtp_host", "127.0.0.1"),
                ("smtp_port", &smtp_port),
                ("smtp_security", "none"),
                ("smtp_user", ""),
                ("smtp_password", SMTP_PASSWORD),
                ("imap_host", "127.0.0.1"),
                ("imap_port", &imap_port),
                ("imap_security", "none"),
                ("imap_user", imap::USER),
                ("imap_password", imap::PASSWORD),
                ("daily_limit", "100"),
            ],
        )
        .await;
    assert!(page.contains("Resume the campaigns"), "{page:?}");
    assert!(!s.max.get("/senders").await.contains("Sending stopped"));
    let page = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(page.contains("Resumed"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2, "both step-1 emails go now");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_campaign_pauses_itself_when_its_bounce_rate_passes_its_limit() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 22).await;
    for i in [2, 3] {
        app.smtp()
            .refuse_recipient(&format!("p{i}@prospect.example"), 550, "5.1.1 User unknown");
    }
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 20);
    // Sends and bounces of one round are recorded in any order: the next round decides.
    app.clock.advance(a_day());
    assert_eq!(app.run_sender_once().await, 0, "paused before step 2");
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains(
            "Paused automatically: 2 of 22 contacted recipients bounced (9%, over this campaign&#x27;s limit of 5%)"
        ) || page.contains(
            "Paused automatically: 2 of 22 contacted recipients bounced (9%, over this campaign's limit of 5%)"
        ),
        "{page:?}"
    );
    app.deliver_outbox().await;
    let notice = app
        .smtp()
        .take("max@example.com", "paused: too many bounces")
        .await;
    assert!(notice.body().contains("/campaigns/"), "{}", notice.body());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bounce_limit_is_a_campaign_setting_and_0_never_pauses() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 22).await;
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("name=\"bounce_limit\" value=\"5\""),
        "5% by default"
    );
    let (sender_id, list_id) = (
        option_value(&page.body, "sender_id"),
        option_value(&page.body, "list_id"),
    );
    let save = |limit: &'static str| {
        let (sender_id, list_id) = (sender_id.clone(), list_id.clone());
        let browser = &s.max;
        let path = format!("{}/settings", s.campaign);
        async move {
            browser
                .post(
                    &path,
                    &[
                        ("name", "Fair follow-up"),
                        ("sender_id", &sender_id),
                        ("list_id", &list_id),
                        ("unsubscribe_line", "Unsubscribe: {{unsubscribe_url}}"),
                        ("bounce_limit", limit),
                    ],
                )
                .await
        }
    };
    let page = save("12.5").await;
    assert!(
        page.contains("The bounce limit is a whole percentage from 0 (never pause) to 100.")
            && page.contains("value=\"12.5\""),
        "refused, and the form keeps what was typed: {page:?}"
    );
    let page = save("0").await;
    assert!(page.contains("Campaign saved."), "{page:?}");

    for i in [2, 3] {
        app.smtp()
            .refuse_recipient(&format!("p{i}@prospect.example"), 550, "5.1.1 User unknown");
    }
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 20);
    app.clock.advance(a_day());
    assert_eq!(
        app.run_sender_once().await,
        20,
        "with 0, 9% bounced does not pause"
    );
}
