//! Follow-ups in the same thread (RFC 5322 §3.6.4) and "Send a test email to myself"
//! (issue 15 items 3 and 5), read from the emails the SMTP capture received.

use chrono::Duration;

use crate::campaigns::{Setup, point_sender_at_a_closed_port, setup, spawn_app};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Plan, ReceivedEmail, TestApp};

/// A header's value with folded lines joined (RFC 5322 §2.2.3); empty when absent.
fn header(email: &ReceivedEmail, name: &str) -> String {
    let mut lines = email.data.split("\r\n").take_while(|l| !l.is_empty());
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let Some(first) = lines.find(|l| l.to_ascii_lowercase().starts_with(&prefix)) else {
        return String::new();
    };
    let mut value = first[prefix.len()..].trim().to_string();
    for more in lines.take_while(|l| l.starts_with([' ', '\t'])) {
        value.push(' ');
        value.push_str(more.trim());
    }
    value
}

/// The `action` of every form on the page whose action ends with `/test` after a step id.
fn test_forms(html: &str) -> Vec<String> {
    html.split("action=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .filter(|a| a.contains("/steps/") && a.ends_with("/test"))
        .collect()
}

/// The value of the `<option>` showing `label`.
fn option_for(html: &str, label: &str) -> String {
    let at = html.find(&format!("\">{label}</option>")).expect("option");
    let start = html[..at].rfind("value=\"").unwrap() + "value=\"".len();
    html[start..at].to_string()
}

/// The HTML between `<section id="report"` and its end: the campaign page's figures.
fn report(html: &str) -> String {
    let start = html.find("<section id=\"report\"").expect("report");
    let end = start + html[start..].find("</section>").unwrap();
    html[start..end].to_string()
}

/// The table cells of My Team (recipients and contacts used), without its forms' tokens.
fn usage_cells(html: &str) -> Vec<String> {
    let cells: Vec<String> = html
        .lines()
        .filter(|l| l.contains("data-label="))
        .map(str::to_string)
        .collect();
    assert!(!cells.is_empty(), "{html}");
    cells
}

/// Adds a fourth step to the draft, marked "new thread".
async fn add_new_thread_step(s: &Setup<'_>) {
    let page = s
        .max
        .post(
            &format!("{}/steps", s.campaign),
            &[
                ("subject", "A new idea for {{company}}"),
                ("body", "Another thought, {{first_name}}."),
                ("delay_days", "1"),
                ("new_thread", "1"),
            ],
        )
        .await;
    assert!(page.contains("Step 4 added."), "{page:?}");
    let steps = format!("{}/steps", s.campaign);
    let empty = |new_thread: bool| {
        let mut form = vec![
            ("subject", ""),
            ("body", "One more, {{first_name}}."),
            ("delay_days", "1"),
        ];
        if new_thread {
            form.push(("new_thread", "1"));
        }
        form
    };
    let page = s.max.post(&steps, &empty(true)).await;
    assert!(
        page.contains("A step that starts a new thread needs its own subject."),
        "{page:?}"
    );
    let page = s.max.post(&steps, &empty(false)).await;
    assert!(
        page.contains("Step 5 added."),
        "a reply may leave it empty: {page:?}"
    );
}

async fn launch_and_send(app: &TestApp, s: &Setup<'_>, expected: usize) {
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched"), "{page:?}");
    assert_eq!(app.run_sender_once().await, expected);
}

/// Moves the clock `days` on and runs one sender round.
async fn after_days(app: &TestApp, days: i64) -> usize {
    app.clock
        .advance(Duration::days(days) + Duration::minutes(1));
    app.run_sender_once().await
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_ups_reply_in_the_thread_and_a_new_thread_step_does_not() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    add_new_thread_step(&s).await;
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("name=\"new_thread\""),
        "the checkbox: {page:?}"
    );
    assert!(
        page.contains("<strong>Re: Hello Ann</strong>"),
        "the preview shows a follow-up's subject as sent: {page:?}"
    );
    launch_and_send(&app, &s, 2).await;
    let first = app.smtp().wait_for("ann@acme.example", 1).await;
    let first_id = header(&first, "Message-ID");
    assert_eq!(header(&first, "Subject"), "Hello Ann");
    assert_eq!(header(&first, "In-Reply-To"), "", "step 1 opens the thread");

    assert_eq!(after_days(&app, 1).await, 2);
    let second = app.smtp().wait_for("ann@acme.example", 2).await;
    let second_id = header(&second, "Message-ID");
    assert_eq!(header(&second, "Subject"), "Re: Hello Ann");
    assert_eq!(header(&second, "In-Reply-To"), first_id);
    assert_eq!(header(&second, "References"), first_id);
    assert!(second.body().contains("Still interested, Ann?"));

    assert_eq!(after_days(&app, 2).await, 2);
    let third = app.smtp().wait_for("ann@acme.example", 3).await;
    assert_eq!(header(&third, "Subject"), "Re: Hello Ann", "never Re: Re:");
    assert_eq!(header(&third, "In-Reply-To"), second_id);
    assert_eq!(
        header(&third, "References"),
        format!("{first_id} {second_id}")
    );

    assert_eq!(after_days(&app, 1).await, 2);
    let fourth = app.smtp().wait_for("ann@acme.example", 4).await;
    assert_eq!(header(&fourth, "Subject"), "A new idea for Acme");
    assert_eq!(header(&fourth, "In-Reply-To"), "");
    assert_eq!(header(&fourth, "References"), "");
    let fourth_id = header(&fourth, "Message-ID");

    assert_eq!(after_days(&app, 1).await, 2);
    let fifth = app.smtp().wait_for("ann@acme.example", 5).await;
    assert_eq!(header(&fifth, "Subject"), "Re: A new idea for Acme");
    assert_eq!(header(&fifth, "In-Reply-To"), fourth_id);
    assert_eq!(
        header(&fifth, "References"),
        fourth_id,
        "the new thread only"
    );
    let bob = app.smtp().wait_for("bob@globex.example", 2).await;
    assert_eq!(header(&bob, "Subject"), "Re: Hello Bob", "filled for each");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_to_step_two_stops_step_three() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    launch_and_send(&app, &s, 2).await;
    assert_eq!(after_days(&app, 1).await, 2);
    let second = app.smtp().wait_for("ann@acme.example", 2).await;
    let second_id = header(&second, "Message-ID");
    imap_server.deliver_reply("ann@acme.example", second_id.trim_matches(['<', '>']));
    app.poll_replies_once().await;

    assert_eq!(after_days(&app, 2).await, 1, "Bob's step 3 only");
    assert_eq!(app.smtp().to("ann@acme.example").len(), 2);
    app.smtp().wait_for("bob@globex.example", 3).await;
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("replied"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_test_email_arrives_at_the_owner_filled_for_the_chosen_prospect_and_changes_no_figure() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    launch_and_send(&app, &s, 2).await;
    let page = s.max.get(&s.campaign).await;
    let forms = test_forms(&page.body);
    assert_eq!(
        forms.len(),
        3,
        "one form per step, on an active campaign too"
    );
    assert!(
        page.contains(&format!("value=\"{}\"", s.max.email)),
        "the owner's address by default"
    );
    let bob = option_for(&page.body, "bob@globex.example");
    let figures = report(&page.body);
    let statistics = s.team.leader.get("/account/team/statistics").await.body;
    let usage = usage_cells(&s.team.leader.get("/account/team").await.body);
    let before = app.smtp().to(&s.max.email).len(); // the invitation

    let page = s
        .max
        .post(
            &forms[1],
            &[
                ("prospect_id", bob.as_str()),
                ("address", s.max.email.as_str()),
            ],
        )
        .await;
    assert!(
        page.contains(&format!("Test email sent to {}.", s.max.email)),
        "{page:?}"
    );
    let test = app.smtp().wait_for(&s.max.email, before + 1).await;
    assert_eq!(header(&test, "Subject"), "[Test] Re: Hello Bob");
    assert_eq!(header(&test, "X-Dripteam-Test"), "yes");
    assert!(header(&test, "From").contains("sender@acme.example"));
    assert!(
        test.body().contains("Still interested, Bob?"),
        "{}",
        test.body()
    );
    assert!(!test.body().contains("/t/o/"), "no open pixel in a test");

    let page = s.max.get(&s.campaign).await;
    assert_eq!(report(&page.body), figures, "the campaign's figures");
    assert_eq!(
        s.team.leader.get("/account/team/statistics").await.body,
        statistics
    );
    assert_eq!(
        usage_cells(&s.team.leader.get("/account/team").await.body),
        usage,
        "recipients used on My Team"
    );
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1);
    assert_eq!(
        after_days(&app, 1).await,
        2,
        "the sequence goes on as before"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_test_address_is_refused_and_kept_and_an_smtp_failure_is_one_sentence() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let page = s.max.get(&s.campaign).await;
    let forms = test_forms(&page.body);
    let before = app.smtp().to(&s.max.email).len(); // the invitation
    let page = s
        .max
        .post(
            &forms[0],
            &[("prospect_id", ""), ("address", "max at home")],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains("max at home is not a valid email address."),
        "{page:?}"
    );
    assert!(page.contains("value=\"max at home\""), "the form keeps it");

    let port = point_sender_at_a_closed_port(&s).await;
    let page = s
        .max
        .post(&forms[0], &[("prospect_id", ""), ("address", "")])
        .await;
    assert!(
        page.contains(&format!("Could not connect to 127.0.0.1:{port}")),
        "{page:?}"
    );
    assert_eq!(app.smtp().to(&s.max.email).len(), before);
    let other = s.team.leader.post(&forms[0], &[("address", "")]).await;
    assert!([403, 404].contains(&other.status), "{other:?}");
}
