//! Unsubscribe in one click (RFC 8058, RFC 2369): the headers and the visible line in every
//! campaign email, the POST a mailbox provider sends without cookie, log-in or CSRF token,
//! the GET page that changes nothing, the per-campaign wording, what an unsubscribe stops
//! (every campaign of the team) and the copy a departing member takes.

use crate::campaigns::{add_sender, billing_recipients, option_value, path_of, setup, spawn_app};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Plan, ReceivedEmail, TestApp};

fn a_day() -> chrono::Duration {
    chrono::Duration::days(1) + chrono::Duration::minutes(1)
}

/// The raw message with folded header lines unfolded (RFC 5322 §2.2.3) and soft breaks undone.
fn unfolded(email: &ReceivedEmail) -> String {
    email.body().replace("\r\n ", " ").replace("\r\n\t", " ")
}

/// The unsubscribe URL of the email (from its List-Unsubscribe header).
fn unsubscribe_url(email: &ReceivedEmail) -> String {
    let raw = unfolded(email);
    let header = raw
        .lines()
        .find(|l| l.starts_with("List-Unsubscribe: "))
        .unwrap_or_else(|| panic!("no List-Unsubscribe header: {raw}"));
    header
        .split('<')
        .nth(1)
        .and_then(|r| r.split('>').next())
        .unwrap()
        .to_string()
}

/// POSTs the one-click body as a mailbox provider does: no cookie, no token.
async fn one_click(url: &str) -> (u16, String) {
    let client = reqwest::Client::builder().build().unwrap();
    let response = client
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.text().await.unwrap().replace("&#39;", "'"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn every_email_carries_the_unsubscribe_headers_and_line() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    let email = app.smtp().wait_for("ann@acme.example", 1).await;
    let raw = unfolded(&email);
    let url = unsubscribe_url(&email);
    assert!(
        url.starts_with(&format!("{}/u/", app.address)) && url.len() > app.address.len() + 30,
        "{url}"
    );
    assert!(
        raw.contains(&format!(
            "List-Unsubscribe: <{url}>, <mailto:sender@acme.example?subject=unsubscribe>"
        )),
        "{raw}"
    );
    assert!(
        raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{raw}"
    );
    // The text part and the HTML part both carry the line with the link.
    assert!(
        raw.contains(&format!(
            "If you'd rather not hear from me again, unsubscribe here: {url}"
        )),
        "text part: {raw}"
    );
    assert!(
        raw.contains(&format!("<a href=\"{url}\">{url}</a>")),
        "HTML part: {raw}"
    );
    // Each message names its own recipient.
    let bob = app.smtp().wait_for("bob@globex.example", 1).await;
    assert_ne!(unsubscribe_url(&bob), url);
}

/// Lena (the leader) runs her own two-step campaign to Ann and Carl.
async fn leaders_campaign(app: &TestApp, s: &crate::campaigns::Setup<'_>, imap_port: u16) {
    let lena = &s.team.leader;
    let page = add_sender(app, lena, imap_port, app.smtp().port).await;
    assert!(page.contains("added"), "{page:?}");
    let page = lena.post("/prospects/lists", &[("name", "Lena's")]).await;
    let list = path_of(&page.url);
    for email in ["ann@acme.example", "carl@initech.example"] {
        lena.post(&format!("{list}/prospects"), &[("email", email)])
            .await;
    }
    let page = lena.get("/campaigns").await;
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = lena
        .post(
            "/campaigns",
            &[
                ("name", "Lena's"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    let campaign = path_of(&page.url);
    for (subject, delay) in [("Hello", "0"), ("Again", "1")] {
        let page = lena
            .post(
                &format!("{campaign}/steps"),
                &[("subject", subject), ("body", "Hi."), ("delay_days", delay)],
            )
            .await;
        assert!(page.contains("added"), "{page:?}");
    }
    // Ann is in Max's campaign too: Lena includes her on purpose.
    let page = lena
        .post(
            &format!("{campaign}/launch"),
            &[("launch", "now"), ("include_teammates", "on")],
        )
        .await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_click_post_without_cookie_unsubscribes_from_every_campaign_of_the_team() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    leaders_campaign(&app, &s, imap_server.port).await;
    assert_eq!(app.run_sender_once().await, 4);
    let first = app.smtp().wait_for("ann@acme.example", 1).await;
    let max_email = if first.subject().contains("Hello Ann") {
        first
    } else {
        app.smtp().wait_for("ann@acme.example", 2).await
    };
    let url = unsubscribe_url(&max_email);

    let (status, body) = one_click(&url).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("You are unsubscribed"), "{body}");
    // Twice is harmless.
    let (status, body) = one_click(&url).await;
    assert_eq!(status, 200, "{body}");

    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("ann@acme.example</td><td>unsubscribed"),
        "{page:?}"
    );
    let page = s.team.leader.get("/prospects/do-not-email").await;
    assert!(
        page.contains("<td><strong>ann@acme.example</strong></td><td data-label=\"Why\">Unsubscribed</td><td data-label=\"Added by\">Max Member</td>"),
        "{page:?}"
    );

    app.clock.advance(a_day());
    assert_eq!(
        app.run_sender_once().await,
        2,
        "step 2 goes to Bob and Carl only"
    );
    app.smtp().wait_for("carl@initech.example", 2).await;
    app.smtp().wait_for("bob@globex.example", 2).await;
    assert_eq!(
        app.smtp().to("ann@acme.example").len(),
        2,
        "neither Max's nor Lena's step 2 reached Ann"
    );
    // An unknown token: 404, nothing changes.
    let (status, _) = one_click(&format!("{}/u/not-a-real-token", app.address)).await;
    assert_eq!(status, 404);
}

/// The unsubscribe URL of the (refused, so never captured) email to `address`.
fn url_of_refused(app: &TestApp, address: &str) -> String {
    use diesel::prelude::*;
    use dripteam::db::schema::campaign_messages;
    let token: String = campaign_messages::table
        .filter(campaign_messages::recipient_email.eq(address))
        .select(campaign_messages::tracking_token)
        .first(&mut app.conn())
        .unwrap();
    format!("{}/u/{token}", app.address)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsubscribe_fails_the_email_waiting_for_a_retry_and_releases_its_hold() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    // Step 1 is refused for both: each waits for its retry, holding its recipient.
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    app.smtp().refuse(false);
    let held = billing_recipients(&s.team.leader).await;
    assert!(held.contains("2 on hold"), "{held}");

    let url = url_of_refused(&app, "ann@acme.example");
    assert_eq!(one_click(&url).await.0, 200);
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(app.run_sender_once().await, 1, "only Bob's retry goes out");
    app.smtp().wait_for("bob@globex.example", 1).await;
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);
    let held = billing_recipients(&s.team.leader).await;
    assert!(
        held.starts_with("1 / ") && !held.contains("on hold"),
        "Bob spent, Ann's hold released: {held}"
    );
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("Not sent: the recipient unsubscribed."),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_get_shows_one_button_and_unsubscribes_nobody() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    app.run_sender_once().await;
    let url = unsubscribe_url(&app.smtp().wait_for("ann@acme.example", 1).await);

    // A link scanner (or the recipient) opens the link: a page, nothing changes.
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    let path = path_of(&url);
    assert!(
        body.contains(&format!("<form method=\"post\" action=\"{path}\""))
            && body.contains(">Unsubscribe</button>"),
        "{body}"
    );
    let unknown = reqwest::get(format!("{}/u/nope", app.address))
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);

    app.clock.advance(a_day());
    assert_eq!(app.run_sender_once().await, 2, "Ann still gets step 2");
    app.smtp().wait_for("ann@acme.example", 2).await;
    let page = s.max.get("/prospects/do-not-email").await;
    assert!(page.contains("The list is empty."), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_unsubscribe_line_is_edited_per_campaign_and_must_hold_the_link() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains(
            "If you'd rather not hear from me again, unsubscribe here: {{unsubscribe_url}}"
        ),
        "present by default: {page:?}"
    );
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = option_value(&page.body, "list_id");
    let settings = |line: &'static str| {
        [
            ("name", "Fair follow-up"),
            ("sender_id", sender_id.as_str()),
            ("list_id", list_id.as_str()),
            ("unsubscribe_line", line),
        ]
        .map(|(k, v)| (k, v.to_string()))
    };
    let refused = settings("Reply STOP to stop.");
    let fields: Vec<(&str, &str)> = refused.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = s
        .max
        .post(&format!("{}/settings", s.campaign), &fields)
        .await;
    assert!(
        page.contains("The unsubscribe line must contain {{unsubscribe_url}}")
            && page.contains(">Reply STOP to stop.</textarea>"),
        "{page:?}"
    );
    let kept = settings("No more emails? {{unsubscribe_url}}");
    let fields: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = s
        .max
        .post(&format!("{}/settings", s.campaign), &fields)
        .await;
    assert!(page.contains("Campaign saved."), "{page:?}");

    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    app.run_sender_once().await;
    let email = app.smtp().wait_for("ann@acme.example", 1).await;
    let url = unsubscribe_url(&email);
    let raw = unfolded(&email);
    assert!(
        raw.contains(&format!("No more emails? {url}")) && !raw.contains("rather not hear"),
        "{raw}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_who_leaves_takes_their_unsubscribes_and_the_team_keeps_them() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    app.run_sender_once().await;
    let url = unsubscribe_url(&app.smtp().wait_for("ann@acme.example", 1).await);
    assert_eq!(one_click(&url).await.0, 200);

    let page = s.max.post("/account/team/leave", &[]).await;
    assert_eq!(page.status, 200, "{page:?}");
    let page = s.max.get("/prospects/do-not-email").await;
    assert!(
        page.contains(
            "<td><strong>ann@acme.example</strong></td><td data-label=\"Why\">Unsubscribed</td>"
        ) && !page.contains("Your team's list"),
        "Max's own list: {page:?}"
    );
    let page = s.team.leader.get("/prospects/do-not-email").await;
    assert!(
        page.contains("<td><strong>ann@acme.example</strong></td><td data-label=\"Why\">Unsubscribed</td><td data-label=\"Added by\">Max Member</td>"),
        "the team's list: {page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_already_on_the_list_is_still_marked_unsubscribed() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    app.run_sender_once().await;
    let url = unsubscribe_url(&app.smtp().wait_for("ann@acme.example", 1).await);
    s.team
        .leader
        .post("/prospects/do-not-email", &[("entry", "ann@acme.example")])
        .await;

    assert_eq!(one_click(&url).await.0, 200);
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("ann@acme.example</td><td>unsubscribed"),
        "{page:?}"
    );
    let page = s.team.leader.get("/prospects/do-not-email").await;
    assert!(
        page.contains(
            "<td><strong>ann@acme.example</strong></td><td data-label=\"Why\">Added by hand</td>"
        ),
        "the first entry stays: {page:?}"
    );
}
