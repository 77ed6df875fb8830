//! Incoming mail told apart against the real IMAP server: auto-replies (RFC 3834) are not
//! replies and the sequence goes on, a human reply (even one carrying only References)
//! stops it, and a delivery-status notification (RFC 3464) marks the recipient bounced.

use crate::campaigns::{header, option_value, setup, spawn_app};
use crate::helpers::Plan;
use crate::helpers::imap::{self, ImapServer};

fn a_day() -> chrono::Duration {
    chrono::Duration::days(1) + chrono::Duration::minutes(1)
}

/// Our Message-ID of the `n`th email to `to`, without angle brackets.
async fn message_id(app: &crate::helpers::TestApp, to: &str, n: usize) -> String {
    let email = app.smtp().wait_for(to, n).await;
    header(&email, "Message-ID")
        .trim_matches(['<', '>'])
        .to_string()
}

/// A message from `from` answering `answers_to`, with extra `headers` and `subject`.
fn answer(from: &str, subject: &str, headers: &str) -> String {
    format!(
        "From: {from}\r\nTo: {}\r\nSubject: {subject}\r\nMessage-ID: <{}@their.example>\r\n{headers}\r\nI am away until Monday.\r\n",
        imap::USER,
        uuid::Uuid::new_v4().simple()
    )
}

/// The count and rate of a figure of the campaign report ("Replied", …).
fn figure(html: &str, label: &str) -> (String, String) {
    let at = html
        .find(&format!("<div class=\"muted\">{label}</div>"))
        .unwrap_or_else(|| panic!("no figure {label}"));
    let mut divs = html[at..].split("<div").skip(2).map(|d| {
        d.split_once('>')
            .map(|(_, rest)| rest.split('<').next().unwrap_or_default().to_string())
            .unwrap_or_default()
    });
    (divs.next().unwrap(), divs.next().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_auto_reply_shapes_are_not_replies_while_a_references_only_reply_stops_the_sequence() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 5).await;
    // P2, P3 and P4 share a domain: P4's reply would pause the others' sequences
    // (`company_pause`), which this test is not about.
    let page = s.team.leader.post("/account/team/settings", &[]).await;
    assert!(page.contains("Team settings saved"), "{page:?}");
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 5 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 5);

    let ann = message_id(&app, "ann@acme.example", 1).await;
    let bob = message_id(&app, "bob@globex.example", 1).await;
    let p2 = message_id(&app, "p2@prospect.example", 1).await;
    let p3 = message_id(&app, "p3@prospect.example", 1).await;
    let p4 = message_id(&app, "p4@prospect.example", 1).await;
    // RFC 3834.
    imap_server.deliver_raw(&answer(
        "ann@acme.example",
        "Re: Hello Ann",
        &format!("Auto-Submitted: auto-replied\r\nIn-Reply-To: <{ann}>\r\nReferences: <{ann}>\r\n"),
    ));
    // Exchange's out-of-office.
    imap_server.deliver_raw(&answer(
        "bob@globex.example",
        "Automatic reply: Hello Bob",
        &format!("X-Auto-Response-Suppress: All\r\nIn-Reply-To: <{bob}>\r\n"),
    ));
    // Older vacation programs.
    imap_server.deliver_raw(&answer(
        "p2@prospect.example",
        "Re: Hello P2",
        &format!("Precedence: auto_reply\r\nX-Autoreply: yes\r\nIn-Reply-To: <{p2}>\r\n"),
    ));
    // Only the subject tells: a German out-of-office.
    imap_server.deliver_raw(&answer(
        "p3@prospect.example",
        "Abwesenheitsnotiz: Hello P3",
        &format!("In-Reply-To: <{p3}>\r\n"),
    ));
    // A person, whose mail program wrote only References.
    imap_server.deliver_raw(&answer(
        "p4@prospect.example",
        "Re: Hello P4",
        &format!("References: <older@their.example> <{p4}>\r\n"),
    ));
    app.poll_replies_once().await;

    app.clock.advance(a_day());
    assert_eq!(
        app.run_sender_once().await,
        4,
        "step 2 goes to the four who auto-replied, not to the one who replied"
    );
    for to in [
        "ann@acme.example",
        "bob@globex.example",
        "p2@prospect.example",
        "p3@prospect.example",
    ] {
        app.smtp().wait_for(to, 2).await;
    }
    assert_eq!(app.smtp().to("p4@prospect.example").len(), 1);

    let page = s.max.get(&s.campaign).await;
    assert_eq!(
        figure(&page.body, "Replied"),
        ("1".to_string(), "11%".to_string()),
        "one reply of 9 emails"
    );
    assert_eq!(figure(&page.body, "Auto-replied").0, "4");
    assert!(page.contains("auto-replied 20"), "{page:?}");

    let stats = s.team.leader.get("/account/team/statistics").await;
    let max_row = crate::statistics::row(&stats.body, "Max Member");
    assert_eq!(max_row[4], "20.0%", "reply rate: 1 of 5 recipients");
    assert_eq!(max_row[5], "4", "auto-replied recipients");
    let csv = s
        .team
        .leader
        .get("/account/team/statistics.csv?period=billing")
        .await;
    assert!(
        csv.body
            .lines()
            .next()
            .unwrap()
            .contains("reply rate,auto-replied"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",20.0%,4,"), "{}", csv.body);

    // The campaign list counts the one human reply.
    let list = s.max.get("/campaigns").await;
    assert!(
        list.contains("<td class=\"num\">9</td><td class=\"num\">0</td><td class=\"num\">1</td>"),
        "{list:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_campaign_may_pause_a_recipient_for_days_after_an_auto_reply() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let page = s.max.get(&s.campaign).await;
    let (sender_id, list_id) = (
        option_value(&page.body, "sender_id"),
        option_value(&page.body, "list_id"),
    );
    let page = s
        .max
        .post(
            &format!("{}/settings", s.campaign),
            &[
                ("name", "Fair follow-up"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
                ("auto_reply_pause_days", "3"),
            ],
        )
        .await;
    assert!(page.contains("Campaign saved."), "{page:?}");
    assert!(
        page.contains("name=\"auto_reply_pause_days\" min=\"0\" max=\"90\" value=\"3\""),
        "{page:?}"
    );

    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    let ann = message_id(&app, "ann@acme.example", 1).await;
    imap_server.deliver_raw(&answer(
        "ann@acme.example",
        "Out of Office: Hello Ann",
        &format!("Auto-Submitted: auto-replied\r\nIn-Reply-To: <{ann}>\r\n"),
    ));
    app.poll_replies_once().await;

    app.clock.advance(a_day());
    assert_eq!(app.run_sender_once().await, 1, "Bob only: Ann is paused");
    app.clock.advance(a_day());
    app.clock.advance(a_day());
    assert_eq!(
        app.run_sender_once().await,
        2,
        "Ann's step 2 after her pause, Bob's step 3"
    );
    assert_eq!(app.smtp().to("ann@acme.example").len(), 2);
}

fn dsn(action: &str, failed: &str, original_id: &str) -> String {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.globex.example>\r\n\
         To: {user}\r\n\
         Subject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <{id}@mx.globex.example>\r\n\
         Auto-Submitted: auto-replied\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"DSN1\"\r\n\
         \r\n\
         --DSN1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
         --DSN1\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.globex.example\r\nArrival-Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\n\
         Final-Recipient: rfc822; {failed}\r\nAction: {action}\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected\r\n\r\n\
         --DSN1\r\nContent-Type: text/rfc822-headers\r\n\r\n\
         From: Max at Acme <{user}>\r\nTo: {failed}\r\nSubject: Hello\r\nMessage-ID: <{original_id}>\r\n\r\n\
         --DSN1--\r\n",
        user = imap::USER,
        id = uuid::Uuid::new_v4().simple(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_status_notification_in_the_inbox_marks_the_recipient_bounced() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    let ann = message_id(&app, "ann@acme.example", 1).await;
    let bob = message_id(&app, "bob@globex.example", 1).await;
    imap_server.deliver_raw(&dsn("failed", "bob@globex.example", &bob));
    // Only delayed: changes nothing.
    imap_server.deliver_raw(&dsn("delayed", "ann@acme.example", &ann));
    app.poll_replies_once().await;

    app.clock.advance(a_day());
    assert_eq!(app.run_sender_once().await, 1, "Ann's step 2 only");
    app.smtp().wait_for("ann@acme.example", 2).await;
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1, "no step 2");

    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("bob@globex.example</td><td>bounced"),
        "{page:?}"
    );
    let list = s.max.get("/prospects/do-not-email").await;
    let at = list
        .body
        .find("bob@globex.example")
        .expect("Bob is on the do-not-email list");
    let row = &list.body[at..at + list.body[at..].find("</tr>").unwrap()];
    assert!(row.contains("Bounced"), "{row}");
    assert!(!list.contains("ann@acme.example"), "{list:?}");
    assert_eq!(figure(&page.body, "Replied").0, "0");
}
