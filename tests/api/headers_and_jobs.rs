//! Untrusted text never reaches an email header, one bad item never stops a background job
//! (campaign sender, outbox deliverer, invitation reminders), and tracked links lead
//! exactly where the email's text said.

use std::time::Duration;

use diesel::prelude::*;
use dripteam::db::schema::{campaign_messages, outbox, prospects, sender_accounts, users};

use crate::helpers::{Browser, Options, SmtpCapture, TestApp, form_action, spawn_app_with};

/// An app whose background campaign sender does not run: the test runs its rounds.
async fn app_driven_by_hand() -> TestApp {
    spawn_app_with(Options::manual_rounds()).await
}

fn sender_fields<'a>(
    email: &'a str,
    display_name: &'a str,
    smtp_port: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("display_name", display_name),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", smtp_port),
        ("smtp_security", "none"),
        ("smtp_user", ""),
        ("smtp_password", ""),
        ("imap_host", "127.0.0.1"),
        ("imap_port", "1"),
        ("imap_security", "none"),
        ("imap_user", ""),
        ("imap_password", ""),
        ("daily_limit", "100"),
    ]
}

fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/".into(), |at| after_scheme[at..].to_string())
}

fn option_value(html: &str, select: &str) -> String {
    let at = html.find(&format!("name=\"{select}\"")).expect("select");
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..].split('"').next().unwrap().to_string()
}

/// `who` adds a sender account `sender` on the test SMTP server, a list with `prospects`
/// (email, first name) and a one-step campaign; returns the campaign's path (not launched).
async fn campaign(
    app: &TestApp,
    who: &Browser,
    sender: &str,
    prospects: &[(&str, &str)],
    subject: &str,
    body: &str,
) -> String {
    let port = app.smtp().port.to_string();
    let page = who
        .post("/senders", &sender_fields(sender, "Sales", &port))
        .await;
    assert!(page.contains("added"), "{page:?}");
    let page = who.post("/prospects/lists", &[("name", "Fair")]).await;
    let list = path_of(&page.url);
    for (email, first) in prospects {
        let page = who
            .post(
                &format!("{list}/prospects"),
                &[("email", email), ("first_name", first)],
            )
            .await;
        assert!(!page.contains("flash error"), "{page:?}");
    }
    let page = who.get("/campaigns").await;
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = who
        .post(
            "/campaigns",
            &[
                ("name", "Spring"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    let campaign = path_of(&page.url);
    let page = who
        .post(
            &format!("{campaign}/steps"),
            &[("subject", subject), ("body", body), ("delay_days", "0")],
        )
        .await;
    assert!(page.contains("Step 1 added."), "{page:?}");
    campaign
}

/// (status, last error) of the campaign email to `to`.
fn message_outcome(app: &TestApp, to: &str) -> (String, String) {
    campaign_messages::table
        .filter(campaign_messages::recipient_email.eq(to))
        .select((campaign_messages::status, campaign_messages::last_error))
        .first(&mut app.conn())
        .unwrap()
}

/// A campaign's name goes into the subjects of the launch-approval emails: a line break
/// is refused when the campaign is created or renamed, and nothing is saved.
#[tokio::test(flavor = "multi_thread")]
async fn a_campaign_name_with_a_line_break_is_refused() {
    let app = app_driven_by_hand().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let c = campaign(&app, &ann, "sales@ann.example", &[], "Hello", "Hi").await;
    let page = ann.get("/campaigns").await;
    let (sender, list) = (
        crate::campaigns::option_value(&page.body, "sender_id"),
        crate::campaigns::option_value(&page.body, "list_id"),
    );
    let name = "Spring\r\nBcc: x@evil.example.test";
    for path in ["/campaigns".to_string(), format!("{c}/settings")] {
        let page = ann
            .post(
                &path,
                &[("name", name), ("sender_id", &sender), ("list_id", &list)],
            )
            .await;
        assert!(
            page.contains("The campaign&#x27;s name cannot contain line breaks")
                || page.contains("The campaign's name cannot contain line breaks"),
            "{path}: {page:?}"
        );
    }
    let page = ann.get("/campaigns").await;
    assert!(!page.contains("Bcc:"), "nothing saved: {page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sender_name_with_a_line_break_is_refused_and_the_form_keeps_what_was_typed() {
    let app = app_driven_by_hand().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let port = app.smtp().port.to_string();
    for name in [
        "Sales\r\nBcc: x@evil.example.test",
        "Sales\nBcc: x@evil.example.test",
    ] {
        let page = ann
            .post("/senders", &sender_fields("sales@ann.example", name, &port))
            .await;
        assert!(
            page.contains("The name recipients see cannot contain line breaks"),
            "{page:?}"
        );
        assert!(
            page.contains("value=\"sales@ann.example\""),
            "the form keeps the address typed: {page:?}"
        );
    }
    let stored: i64 = sender_accounts::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(stored, 0, "nothing saved");

    // Editing an existing account is refused the same way and changes nothing.
    let page = ann
        .post(
            "/senders",
            &sender_fields("sales@ann.example", "Sales", &port),
        )
        .await;
    assert!(page.contains("added"), "{page:?}");
    let edit = form_action(&page.body, "/test").replace("/test", "");
    let page = ann
        .post(
            &edit,
            &sender_fields("sales@ann.example", "Sales\rX", &port),
        )
        .await;
    assert!(page.contains("cannot contain line breaks"), "{page:?}");
    let name: String = sender_accounts::table
        .select(sender_accounts::display_name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(name, "Sales");
}

#[tokio::test(flavor = "multi_thread")]
async fn subjects_and_the_values_that_fill_them_are_refused_with_line_breaks() {
    let app = app_driven_by_hand().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let c = campaign(&app, &ann, "sales@ann.example", &[], "Hello", "Hi").await;
    let page = ann
        .post(
            &format!("{c}/steps"),
            &[
                ("subject", "Hi\r\nBcc: x@evil.example.test"),
                ("body", "The body I wrote"),
                ("delay_days", "4"),
            ],
        )
        .await;
    assert!(
        page.contains("The subject cannot contain line breaks"),
        "{page:?}"
    );
    assert!(!page.contains("Step 2"), "nothing saved: {page:?}");
    assert!(
        page.contains(">The body I wrote</textarea>") && page.contains("value=\"4\""),
        "the form keeps what was typed: {page:?}"
    );

    // A prospect's first name fills {{first_name}} in subjects.
    let lists = ann.get("/prospects").await;
    let list = crate::helpers::link_href(&lists.body, "/prospects/lists/");
    let page = ann
        .post(
            &format!("{list}/prospects"),
            &[
                ("email", "bob@globex.example"),
                ("first_name", "Bob\r\nBcc: x@evil.example.test"),
            ],
        )
        .await;
    assert!(
        page.contains("First name cannot contain line breaks"),
        "{page:?}"
    );
    assert!(
        page.contains("value=\"bob@globex.example\""),
        "the form keeps what was typed: {page:?}"
    );
    let stored: i64 = prospects::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(stored, 0, "nothing saved");
    // The same on a prospect's profile.
    ann.post(
        &format!("{list}/prospects"),
        &[("email", "bob@globex.example"), ("first_name", "Bob")],
    )
    .await;
    let id: i64 = prospects::table
        .select(prospects::id)
        .first(&mut app.conn())
        .unwrap();
    let page = ann
        .post(
            &format!("/prospects/{id}"),
            &[
                ("email", "bob@globex.example"),
                ("first_name", "Bob"),
                ("company", "Globex\nBcc: x@evil.example.test"),
                ("position", "Buyer"),
            ],
        )
        .await;
    assert!(
        page.contains("Company cannot contain line breaks"),
        "{page:?}"
    );
    assert!(page.contains("value=\"Buyer\""), "kept: {page:?}");
    let company: String = prospects::table
        .select(prospects::company)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(company, "");

    // A person's name goes into invitation subjects.
    let page = app
        .browser()
        .signup(
            "Eve\nBcc: x@evil.example.test",
            "eve@example.com",
            "long enough pass",
        )
        .await;
    assert!(
        page.contains("Your name cannot contain line breaks"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poisoned_campaign_email_is_recorded_as_failed_and_the_others_still_go_out() {
    let app = app_driven_by_hand().await;
    let mallory = app.user("Mallory", "mallory@example.com").await;
    let bea = app.user("Bea", "bea@example.com").await;
    let m = campaign(
        &app,
        &mallory,
        "sales@mallory.example",
        &[("victim@target.example", "Vic")],
        "Hello",
        "Hi",
    )
    .await;
    let b = campaign(
        &app,
        &bea,
        "sales@bea.example",
        &[
            ("ok@client.example", "Olga"),
            ("crlf@client.example", "Carl"),
        ],
        "Hello {{first_name}}",
        "Hi {{first_name}}",
    )
    .await;
    // Stored before the parse-time checks existed: a sender name and a first name with
    // line breaks.
    diesel::update(
        sender_accounts::table.filter(sender_accounts::email.eq("sales@mallory.example")),
    )
    .set(sender_accounts::display_name.eq("Sales\r\nBcc: x@evil.example.test"))
    .execute(&mut app.conn())
    .unwrap();
    diesel::update(prospects::table.filter(prospects::email.eq("crlf@client.example")))
        .set(prospects::first_name.eq("Carl\r\nBcc: x@evil.example.test"))
        .execute(&mut app.conn())
        .unwrap();
    for c in [&m, &b] {
        let who = if c == &m { &mallory } else { &bea };
        let page = who.post(&format!("{c}/launch"), &[]).await;
        assert!(page.contains("Launched"), "{page:?}");
    }

    assert_eq!(app.run_sender_once().await, 1, "Olga's email went out");
    let olga = app.smtp().wait_for("ok@client.example", 1).await;
    assert!(olga.subject().contains("Hello Olga"), "{}", olga.subject());
    assert!(app.smtp().to("victim@target.example").is_empty());
    assert!(app.smtp().to("crlf@client.example").is_empty());
    assert!(app.smtp().to("x@evil.example.test").is_empty());

    let (status, error) = message_outcome(&app, "victim@target.example");
    assert_eq!(status, "failed");
    assert!(
        error.contains("The sender's name cannot contain line breaks"),
        "{error}"
    );
    let (status, error) = message_outcome(&app, "crlf@client.example");
    assert_eq!(status, "failed");
    assert!(
        error.contains("The subject, with this prospect's values filled in, cannot contain"),
        "{error}"
    );
    // Nothing is left claimed, and the owners see why on the campaign page.
    let claimed: i64 = campaign_messages::table
        .filter(campaign_messages::status.eq("claimed"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(claimed, 0);
    let page = mallory.get(&m).await;
    assert!(
        page.contains("1 email failed") && page.contains("The sender's name cannot contain"),
        "{page:?}"
    );
    let page = bea.get(&b).await;
    assert!(
        page.contains("this prospect's values filled in"),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 0, "no retry of a failed email");
}

/// The raw email with quoted-printable and base64 parts decoded, as text.
fn decoded(email: &crate::helpers::ReceivedEmail) -> String {
    use base64::Engine;
    let mut out = String::new();
    for part in email.data.split("\r\n--") {
        let Some((headers, body)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let bytes = if headers.contains("Content-Transfer-Encoding: base64") {
            base64::engine::general_purpose::STANDARD
                .decode(body.split("\r\n").collect::<String>().trim())
                .unwrap_or_default()
        } else if headers.contains("quoted-printable") {
            let soft = body.replace("=\r\n", "");
            let (raw, mut bytes) = (soft.as_bytes(), Vec::new());
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'='
                    && let Some(Ok(b)) = soft.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
                {
                    bytes.push(b);
                    i += 3;
                    continue;
                }
                bytes.push(raw[i]);
                i += 1;
            }
            bytes
        } else {
            body.as_bytes().to_vec()
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        out.push('\n');
    }
    out
}

/// (href, shown text) of every anchor in an HTML text.
fn anchors(html: &str) -> Vec<(String, String)> {
    html.split("<a href=\"")
        .skip(1)
        .map(|rest| {
            let (href, after) = rest.split_once("\">").unwrap();
            let shown = after.split_once("</a>").unwrap().0;
            (href.to_string(), shown.replace("&amp;", "&"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_link_is_its_own_anchor_and_redirects_exactly_to_its_url() {
    let app = app_driven_by_hand().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let body = "Shop: https://shop.example.test and https://shop.example.test/p?a=1&b=2.\n\
                Copied: https://shop.example.test/q?x=1&amp;y=2\n\
                Anchor: https://shop.example.test/docs#pricing, café: https://shop.example.test/café/ü?q=ä\n\
                Write to mailto:sales@shop.example.test";
    let c = campaign(
        &app,
        &ann,
        "sales@ann.example",
        &[("bob@globex.example", "Bob")],
        "Links",
        body,
    )
    .await;
    ann.post(&format!("{c}/launch"), &[]).await;
    assert_eq!(app.run_sender_once().await, 1);
    let email = app.smtp().wait_for("bob@globex.example", 1).await;
    let text = decoded(&email);
    // The unsubscribe line's link (README, "Unsubscribe") is not a tracked one.
    let (found, unsubscribe): (Vec<_>, Vec<_>) = anchors(&text)
        .into_iter()
        .partition(|(href, _)| !href.starts_with(&format!("{}/u/", app.address)));
    assert_eq!(unsubscribe.len(), 1, "{text}");
    let expected = [
        ("https://shop.example.test", "https://shop.example.test"),
        (
            "https://shop.example.test/p?a=1&b=2",
            "https://shop.example.test/p?a=1&b=2",
        ),
        (
            "https://shop.example.test/q?x=1&y=2",
            "https://shop.example.test/q?x=1&y=2",
        ),
        (
            "https://shop.example.test/docs#pricing",
            "https://shop.example.test/docs#pricing",
        ),
        (
            "https://shop.example.test/café/ü?q=ä",
            "https://shop.example.test/caf%C3%A9/%C3%BC?q=%C3%A4",
        ),
    ];
    assert_eq!(
        found
            .iter()
            .map(|(_, shown)| shown.as_str())
            .collect::<Vec<_>>(),
        expected.iter().map(|(shown, _)| *shown).collect::<Vec<_>>(),
        "one anchor per URL, none nested: {text}"
    );
    assert!(!text.contains("<a href=\"mailto"), "{text}");
    assert!(text.contains("mailto:sales@shop.example.test"), "{text}");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut tokens = Vec::new();
    for ((href, _), (_, location)) in found.iter().zip(expected) {
        assert!(href.starts_with(&format!("{}/t/c/", app.address)), "{href}");
        tokens.push(href.clone());
        let response = no_redirects.get(href).send().await.unwrap();
        assert_eq!(response.status(), 302, "{href}");
        assert_eq!(response.headers()["location"], location);
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(
        tokens.len(),
        expected.len(),
        "a token of its own for each link"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poisoned_outbox_email_is_recorded_as_failed_and_the_others_still_go_out() {
    let app = spawn_app_with(Options {
        smtp: false,
        ..Default::default()
    })
    .await;
    let smtp = SmtpCapture::start();
    let now = app.clock.now();
    let rows = [
        ("ok@example.com", "Reset your dripteam password"),
        (
            "eve@example.com",
            "Lena\r\nBcc: x@evil.example.test invited you",
        ),
        ("Eve\r\n <eve@example.com>", "Hello"),
        ("also-ok@example.com", "Your team"),
    ];
    for (to, subject) in rows {
        diesel::insert_into(outbox::table)
            .values((
                outbox::to_address.eq(to),
                outbox::subject.eq(subject),
                outbox::text_body.eq("text"),
                outbox::html_body.eq("<p>html</p>"),
                outbox::created_at.eq(now),
                outbox::next_attempt_at.eq(now),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    let settings = dripteam::mail::deliverer::DeliverySettings {
        smtp_url: format!("smtp://127.0.0.1:{}", smtp.port).into(),
        from: "dripteam <noreply@dripteam.test>".parse().unwrap(),
        poll_every: Duration::from_secs(3600),
        retry_base: Duration::from_secs(60),
    };
    let mailer = dripteam::mail::deliverer::transport_builder(
        secrecy::ExposeSecret::expose_secret(&settings.smtp_url),
    )
    .unwrap()
    .build();
    let sent = dripteam::mail::deliverer::deliver_due(&app.pool, &app.clock, &mailer, &settings)
        .await
        .unwrap();
    assert_eq!(sent, 2);
    assert_eq!(smtp.to("ok@example.com").len(), 1);
    assert_eq!(smtp.to("also-ok@example.com").len(), 1);
    assert!(smtp.to("eve@example.com").is_empty());
    assert!(smtp.to("x@evil.example.test").is_empty());
    let failed: Vec<(String, Option<String>)> = outbox::table
        .filter(outbox::failed_at.is_not_null())
        .order(outbox::id)
        .select((outbox::to_address, outbox::last_error))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed[0]
            .1
            .as_deref()
            .unwrap()
            .contains("The subject cannot contain")
    );
    assert!(
        failed[1]
            .1
            .as_deref()
            .unwrap()
            .contains("The address cannot contain")
    );
    // Failed for good: not tried again, and nothing else is pending.
    app.clock.advance(chrono::Duration::days(1));
    let sent = dripteam::mail::deliverer::deliver_due(&app.pool, &app.clock, &mailer, &settings)
        .await
        .unwrap();
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poisoned_reminder_is_recorded_and_the_others_still_go_out() {
    let app = app_driven_by_hand().await;
    let lena = app.user("Lena", "lena@example.com").await;
    let mark = app.user("Mark", "mark@example.com").await;
    lena.post("/account/team/invitations", &[("email", "max@example.com")])
        .await;
    mark.post("/account/team/invitations", &[("email", "mia@example.com")])
        .await;
    diesel::update(users::table.filter(users::email.eq("lena@example.com")))
        .set(users::name.eq("Lena\r\nBcc: x@evil.example.test"))
        .execute(&mut app.conn())
        .unwrap();
    app.clock
        .advance(chrono::Duration::days(2) + chrono::Duration::minutes(1));
    let now = app.clock.now();
    let sent = dripteam::jobs::invitation_reminders::tick(&app.pool, &app.address, now)
        .await
        .unwrap();
    assert_eq!(sent, 1, "Mark's reminder");
    let queued: Vec<(String, String)> = outbox::table
        .filter(outbox::subject.like("Reminder:%"))
        .select((outbox::to_address, outbox::subject))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        queued,
        [(
            "mia@example.com".to_string(),
            "Reminder: Mark invited you to their team on dripteam".to_string()
        )]
    );
    // Lena sees why on My Team, and the reminder is not tried round after round.
    let page = lena.get("/account/team").await;
    assert!(
        page.contains("reminder not sent") && page.contains("The email's subject cannot contain"),
        "{page:?}"
    );
    let again = dripteam::jobs::invitation_reminders::tick(&app.pool, &app.address, now)
        .await
        .unwrap();
    assert_eq!(again, 0);
}
