//! The campaign page in sections (Sequence, Recipients, Report), failures told as
//! sentences with a "Delivery problems" badge on the page and the list, the list's
//! per-campaign figures, resume skipping addresses as launch does, and retries only for
//! recipients still active.

use crate::campaigns::{header, option_value, point_sender_at_a_closed_port, setup, spawn_app};
use crate::helpers::Plan;
use crate::helpers::imap::ImapServer;

#[tokio::test(flavor = "multi_thread")]
async fn the_campaign_page_has_sequence_recipients_and_report_sections() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let page = s.max.get(&s.campaign).await;
    for (anchor, title) in [
        ("sequence", "Sequence"),
        ("recipients", "Recipients"),
        ("report", "Report"),
    ] {
        assert!(
            page.contains(&format!("<a href=\"#{anchor}\">{title}</a>")),
            "nav link to {anchor}: {page:?}"
        );
        assert!(
            page.contains(&format!("<section id=\"{anchor}\"")),
            "section {anchor}: {page:?}"
        );
    }
    for label in [
        "<label for=\"campaign-name\">Campaign name</label>",
        "<label for=\"campaign-sender\">Sender account</label>",
        "<label for=\"campaign-list\">Prospect list</label>",
    ] {
        assert!(page.contains(label), "{label}: {page:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_email_is_told_as_a_sentence_and_the_campaign_marked() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let closed = point_sender_at_a_closed_port(&s).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    let sentence = format!("Could not connect to 127.0.0.1:{closed} — connection refused.");
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains(&sentence), "a retry says why: {page:?}");
    assert!(
        !page.contains("Delivery problems"),
        "not after one attempt: {page:?}"
    );
    for _ in 0..2 {
        app.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(app.run_sender_once().await, 0);
    }
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains(&sentence), "{page:?}");
    assert!(!page.contains("os error"), "no raw error text: {page:?}");
    assert!(
        page.contains("Delivery problems: 2 emails failed"),
        "{page:?}"
    );
    let list = s.max.get("/campaigns").await;
    assert!(
        list.contains("Delivery problems: 2 emails failed"),
        "{list:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_campaign_list_shows_sent_opened_and_replied_per_campaign() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    let ann = app.smtp().wait_for("ann@acme.example", 1).await;
    let pixel = ann.link("/t/o/");
    reqwest::get(pixel.trim_end_matches('"')).await.unwrap();
    let list = s.max.get("/campaigns").await;
    for shown in [
        "<th class=\"num\">Sent</th>",
        "<th class=\"num\">Opened</th>",
        "<th class=\"num\">Replied</th>",
        "<td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">0</td>",
    ] {
        assert!(list.contains(shown), "{shown}: {list:?}");
    }
    // The leader sees the same figures on Max's list.
    let max_id = s.max.id.to_string();
    let list = s
        .team
        .leader
        .get(&format!("/campaigns?member={max_id}"))
        .await;
    assert!(
        list.contains("<td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">0</td>"),
        "{list:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resume_skips_an_invalid_address_added_after_launch() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    let page = s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    assert!(page.contains("Paused"), "{page:?}");
    let list_id = option_value(&s.max.get(&s.campaign).await.body, "list_id");
    let list = format!("/prospects/lists/{list_id}");
    for email in ["x1@nomx.test", "new@acme.example"] {
        let page = s
            .max
            .post(&format!("{list}/prospects"), &[("email", email)])
            .await;
        assert_eq!(page.status, 200, "{page:?}");
    }
    let page = s.max.post(&format!("{list}/verify"), &[]).await;
    assert!(page.contains("Verifying"), "{page:?}");
    app.run_verifications_once(None).await;

    let page = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(
        page.contains("Resumed, with 1 new recipient. 1 skipped: 1 invalid."),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 1);
    assert_eq!(app.smtp().attempts_to("new@acme.example"), 1);
    assert_eq!(app.smtp().attempts_to("x1@nomx.test"), 0, "skipped");
    app.clock.advance(chrono::Duration::days(4));
    app.run_sender_once().await;
    assert_eq!(app.smtp().attempts_to("x1@nomx.test"), 0, "never emailed");
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("1 skipped: 1 invalid"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_waiting_for_a_recipient_who_replied_makes_no_smtp_call() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    let ann = app.smtp().wait_for("ann@acme.example", 1).await;
    let ann_id = header(&ann, "Message-ID");

    // The follow-up fails and waits for its retry; meanwhile Ann replies.
    app.clock
        .advance(chrono::Duration::days(1) + chrono::Duration::minutes(1));
    app.smtp().refuse(true);
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 2);
    imap_server.deliver_reply("ann@acme.example", ann_id.trim_matches(['<', '>']));
    app.poll_replies_once().await;

    app.smtp().refuse(false);
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(app.run_sender_once().await, 1, "Bob's retry only");
    assert_eq!(
        app.smtp().attempts_to("ann@acme.example"),
        2,
        "no SMTP call for a recipient who is no longer active"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recipients_section_is_paginated_with_counts() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 60).await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 60 recipients"), "{page:?}");
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("1–50 of 60 recipients"), "{page:?}");
    assert!(page.contains("p49@prospect.example"), "{page:?}");
    assert!(!page.contains("p50@prospect.example"), "{page:?}");
    let next = format!("{}?recipients=2#recipients", s.campaign);
    assert!(page.contains(&format!("href=\"{next}\"")), "{page:?}");

    let page = s.max.get(&format!("{}?recipients=2", s.campaign)).await;
    assert!(page.contains("51–60 of 60 recipients"), "{page:?}");
    assert!(page.contains("p59@prospect.example"), "{page:?}");
    assert!(!page.contains("p49@prospect.example"), "{page:?}");
    let back = format!("{}?recipients=1#recipients", s.campaign);
    assert!(page.contains(&format!("href=\"{back}\"")), "{page:?}");
    // A malformed page number shows the first page.
    let page = s.max.get(&format!("{}?recipients=x", s.campaign)).await;
    assert!(page.contains("1–50 of 60 recipients"), "{page:?}");
}
