//! Email drip campaigns against real servers: the SMTP capture receives what the sender
//! accounts send, dovecot holds the replies, two app instances share one database.

use crate::helpers::imap::{self, ImapServer};
use crate::helpers::{
    Browser, Export, Member, Options, Plan, Team, TestApp, View, form_action, spawn_app_with,
};

pub(crate) const SMTP_PASSWORD: &str = "smtp-pass-never-in-db";

pub(crate) struct Setup<'a> {
    pub(crate) team: Team<'a>,
    pub(crate) max: Member,
    pub(crate) campaign: String,
}

/// The app with its campaign sender and reply poller run by the tests, round by round.
pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(Options::manual_rounds()).await
}

/// Adds a sender account on the test SMTP server (and IMAP server, if given).
pub(crate) async fn add_sender(
    app: &TestApp,
    who: &Browser,
    imap_port: u16,
    smtp_port: u16,
) -> crate::helpers::Page {
    let (smtp_port, imap_port) = (smtp_port.to_string(), imap_port.to_string());
    let _ = app;
    who.post(
        "/senders",
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
    .await
}

/// `who` imports `csv` rows ("email,first_name") into a new list; the finished import's
/// page and the list's path.
pub(crate) async fn import_list(who: &Browser, csv: &str) -> (crate::helpers::Page, String) {
    let page = who.post("/prospects/lists", &[("name", "Leads")]).await;
    let list = path_of(&page.url);
    let page = who
        .upload_csv(
            &list,
            "leads.csv",
            format!("email,first_name\n{csv}").as_bytes(),
        )
        .await;
    let start = form_action(&page.body, "/start");
    let page = who
        .post(&start, &[("col_0", "email"), ("col_1", "first_name")])
        .await;
    who.wait_for_import(&page.url).await;
    (who.get(&path_of(&page.url)).await, list)
}

/// `who`'s campaign `name` on the list at path `list`, from their first sender account,
/// with `steps` (subject, body, delay in days), each checked added; its path (a draft).
pub(crate) async fn campaign_on(
    who: &Browser,
    list: &str,
    name: &str,
    steps: &[(&str, &str, &str)],
) -> String {
    let page = who.get("/campaigns").await;
    let sender = option_value(&page.body, "sender_id");
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = who
        .post(
            "/campaigns",
            &[
                ("name", name),
                ("sender_id", &sender),
                ("list_id", &list_id),
            ],
        )
        .await;
    assert!(page.contains("Campaign created"), "{page:?}");
    let campaign = path_of(&page.url);
    for (subject, body, delay) in steps {
        let page = who
            .post(
                &format!("{campaign}/steps"),
                &[("subject", subject), ("body", body), ("delay_days", delay)],
            )
            .await;
        assert!(page.contains("added"), "{page:?}");
    }
    campaign
}

/// A leader on `plan` with member Max, who has a sender account, a list of `n` prospects
/// (the first two are Ann of Acme and Bob of Globex, with a Booth custom field) and a
/// campaign with three steps.
pub(crate) async fn setup(app: &TestApp, plan: Plan, imap_port: u16, n: usize) -> Setup<'_> {
    let (team, [max]) = app
        .team(plan)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;

    let page = add_sender(app, &max, imap_port, app.smtp().port).await;
    assert!(
        page.contains("Sender account sender@acme.example added."),
        "{page:?}"
    );
    let page = max.post("/prospects/lists", &[("name", "Fair")]).await;
    let list = path_of(&page.url);
    let mut csv = String::from(
        "email,first_name,company,Booth\nann@acme.example,Ann,Acme,A12\nbob@globex.example,Bob,Globex,B03\n",
    );
    for i in 2..n {
        csv.push_str(&format!("p{i}@prospect.example,P{i},Co{i},X{i}\n"));
    }
    let page = max.upload_csv(&list, "fair.csv", csv.as_bytes()).await;
    let start = form_action(&page.body, "/start");
    let page = max
        .post(
            &start,
            &[
                ("col_0", "email"),
                ("col_1", "first_name"),
                ("col_2", "company"),
                ("col_3", "new"),
                ("name_3", "Booth"),
            ],
        )
        .await;
    max.wait_for_import(&page.url).await;

    let page = max.get("/campaigns").await;
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = max
        .post(
            "/campaigns",
            &[
                ("name", "Fair follow-up"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    assert!(page.contains("Campaign created"), "{page:?}");
    let campaign = path_of(&page.url);
    let bad = max
        .post(
            &format!("{campaign}/steps"),
            &[
                ("subject", "Hi {{nickname}}"),
                ("body", "x"),
                ("delay_days", "0"),
            ],
        )
        .await;
    assert!(bad.contains("Unknown placeholder {{nickname}}"), "{bad:?}");
    for (subject, body, delay) in [
        (
            "Hello {{first_name}}",
            "Hi {{first_name}} from {{company}}, see you at booth {{Booth}}. Offer: https://acme.example/offer?id=7",
            "0",
        ),
        ("Following up", "Still interested, {{first_name}}?", "1"),
        ("Last note", "Bye {{first_name}}.", "2"),
    ] {
        let page = max
            .post(
                &format!("{campaign}/steps"),
                &[("subject", subject), ("body", body), ("delay_days", delay)],
            )
            .await;
        assert!(page.contains("added"), "{page:?}");
    }
    Setup {
        team,
        max,
        campaign,
    }
}

/// The path of an absolute URL on the app.
pub(crate) fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/".into(), |at| after_scheme[at..].to_string())
}

/// The first non-empty option value of the select named `select` (a "Choose …" option
/// has none).
pub(crate) fn option_value(html: &str, select: &str) -> String {
    let at = html.find(&format!("name=\"{select}\"")).expect("select");
    html[at..]
        .split("value=\"")
        .skip(1)
        .map(|v| v.split('"').next().unwrap())
        .find(|v| !v.is_empty())
        .expect("an option with a value")
        .to_string()
}

pub(crate) fn header(email: &crate::helpers::ReceivedEmail, name: &str) -> String {
    email
        .data
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_three_step_campaign_sends_tracks_and_stops_on_reply() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let senders = s.max.get("/senders").await;
    let page = s.max.post(&form_action(&senders.body, "/test"), &[]).await;
    assert!(page.contains("SMTP and IMAP connections work."), "{page:?}");
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("Preview for ann@acme.example")
            && page.contains("Hi Ann from Acme, see you at booth A12"),
        "{page:?}"
    );

    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2);
    let ann = app.smtp().wait_for("ann@acme.example", 1).await;
    let bob = app.smtp().wait_for("bob@globex.example", 1).await;
    assert!(
        ann.body()
            .contains("Hi Ann from Acme, see you at booth A12."),
        "{}",
        ann.body()
    );
    assert!(
        bob.body()
            .contains("Hi Bob from Globex, see you at booth B03.")
    );
    assert!(ann.subject().contains("Hello Ann"));
    let ann_id = header(&ann, "Message-ID");
    assert!(
        ann_id.starts_with('<') && ann_id.ends_with("@acme.example>"),
        "{ann_id}"
    );
    assert_ne!(ann_id, header(&bob, "Message-ID"));

    // Open and click, as the recipient's mail program would.
    let pixel = ann.link("/t/o/");
    let pixel = pixel.trim_end_matches('"');
    let response = reqwest::get(pixel).await.unwrap();
    assert_eq!(response.headers()["content-type"], "image/gif");
    let click = ann.link("/t/c/");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects.get(&click).send().await.unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "https://acme.example/offer?id=7"
    );
    assert_eq!(
        no_redirects
            .get(format!("{}/t/c/not-a-token", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("<div class=\"big\">2</div>"),
        "2 sent: {page:?}"
    );
    assert!(page.contains("50%"), "open and click rates");

    // Ann replies: her later steps stop.
    imap_server.deliver_reply("ann@acme.example", ann_id.trim_matches(['<', '>']));
    app.poll_replies_once().await;
    assert!(
        s.max.get(&s.campaign).await.contains("replied"),
        "the reply is found"
    );

    app.clock
        .advance(chrono::Duration::days(1) + chrono::Duration::minutes(1));
    assert_eq!(app.run_sender_once().await, 1, "Bob's follow-up only");
    let bob2 = app.smtp().wait_for("bob@globex.example", 2).await;
    assert!(bob2.body().contains("Still interested, Bob?"));
    assert_eq!(
        app.smtp().to("ann@acme.example").len(),
        1,
        "no follow-up after a reply"
    );

    // The leader sees the campaign and its figures, read only, without sender details.
    let page = s
        .team
        .leader
        .get(&format!("/campaigns?member={}", s.max.id))
        .await;
    assert!(page.contains("Fair follow-up"), "{page:?}");
    let page = s.team.leader.get(&s.campaign).await;
    assert!(page.contains("Max Member's campaign, read only"));
    assert!(
        !page.contains(imap::USER) && !page.contains("127.0.0.1:"),
        "no sender details"
    );
    assert!(!page.contains(">Pause<") && !page.contains(">Launch<"));
    assert_eq!(
        s.team
            .leader
            .post(&format!("{}/pause", s.campaign), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        s.team
            .leader
            .get(&format!(
                "/senders/{}",
                option_value(&s.max.get("/campaigns").await.body, "sender_id")
            ))
            .await
            .status,
        404
    );
    let team = s.team.leader.get("/account/team").await;
    assert!(
        team.contains("data-label=\"Unique contacts used\">2</td>"),
        "2 unique contacts on Max's row: {team:?}"
    );

    let page = s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    assert!(page.contains("Paused."));
    let page = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(page.contains("Resumed."));
}

#[tokio::test(flavor = "multi_thread")]
async fn sender_passwords_are_encrypted_and_the_accounts_private() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let stored = dripteam::db::senders::of_owner(&mut app.conn(), s.max.id).unwrap();
    assert!(!stored[0].smtp_password.contains(SMTP_PASSWORD));
    assert_eq!(
        app.secrets().open(&stored[0].smtp_password).unwrap(),
        SMTP_PASSWORD
    );
    if let Some(path) = app.database_url().strip_prefix("sqlite://") {
        drop(stored);
        for file in [path.to_string(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(SMTP_PASSWORD) && !text.contains(imap::PASSWORD),
                    "{file} holds a password"
                );
            }
        }
    }
    let page = s.max.get("/senders").await;
    assert!(page.contains(imap::USER) && !page.contains(SMTP_PASSWORD));
    let leaders = s.team.leader.get("/senders").await;
    assert!(
        !leaders.contains(imap::USER),
        "the leader does not see Max's sender accounts"
    );
    let edit = form_action(&page.body, "/test").replace("/test", "");
    assert_eq!(s.team.leader.get(&edit).await.status, 404);
    assert_eq!(
        s.team
            .leader
            .post(&format!("{edit}/delete"), &[])
            .await
            .status,
        404
    );
    // Deleting a sender used by a campaign is refused with a reason.
    let page = s.max.post(&format!("{edit}/delete"), &[]).await;
    assert!(page.contains("used by 1 campaign"), "{page:?}");
    // "Test connection" names what failed (nothing listens on IMAP port 1).
    let page = s.max.post(&format!("{edit}/test"), &[]).await;
    assert!(
        page.contains("SMTP works; IMAP failed: connection refused."),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_between_claim_and_send_reports_instead_of_resending() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    // A worker claims both emails and dies before its SMTP calls.
    let now = app.clock.now();
    let claimed = dripteam::domain::campaigns::sending::claim_due(
        &mut app.conn(),
        &app.secrets(),
        &app.address,
        now,
    )
    .unwrap();
    assert_eq!(claimed.len(), 2);
    drop(claimed);
    app.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(app.run_sender_once().await, 0);
    assert!(app.smtp().all().iter().all(|m| {
        !m.to
            .iter()
            .any(|t| t.ends_with(".example") && t != "lena@example.com")
    }));
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("2 emails were interrupted while sending and are not resent"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_app_instances_send_each_email_exactly_once() {
    let mut app = spawn_app().await;
    let second = app.another_instance();
    let s = setup(&app, Plan::M, 1, 40).await;
    // The second instance shares the session key: the same browser works on both.
    let on_second = s.max.get(&format!("{second}{}", s.campaign)).await;
    assert!(on_second.contains("Fair follow-up"), "{on_second:?}");
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 40 recipients"), "{page:?}");
    // Both instances' senders run their rounds at the same moment until nothing is due.
    let mut sent = 0;
    loop {
        let round = app.run_sender_once_everywhere().await;
        if round == 0 {
            break;
        }
        sent += round;
    }
    assert_eq!(sent, 40, "each email claimed by one instance");
    let firsts: Vec<_> = app
        .smtp()
        .all()
        .into_iter()
        .filter(|m| m.subject().starts_with("Hello"))
        .collect();
    assert_eq!(firsts.len(), 40, "each recipient once");
    let mut to: Vec<String> = firsts.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn smtp_failures_are_retried_then_shown() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    point_sender_at_a_closed_port(&s).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    for _ in 0..3 {
        assert_eq!(app.run_sender_once().await, 0);
        app.clock.advance(chrono::Duration::minutes(20));
    }
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("emails failed after retries"), "{page:?}");
    assert!(
        page.contains("Connection refused") || page.contains("connection"),
        "{page:?}"
    );
    let attempts: Vec<i32> = dripteam::db::messages::for_recipients(&mut app.conn(), &[1, 2])
        .unwrap()
        .iter()
        .map(|m| m.attempts)
        .collect();
    assert_eq!(attempts, [3, 3], "{}", s.max.id);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exhausted_recipient_pool_pauses_the_campaign() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::Free, 1, 2).await;
    for i in 0..100 {
        dripteam::domain::billing::record_recipient(
            &mut app.conn(),
            s.max.id,
            &format!("earlier{i}@x.example"),
            app.clock.now(),
        )
        .unwrap();
    }
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("Paused automatically"), "the campaign pauses");
    assert!(
        page.contains("recipients for this billing period are used up"),
        "{page:?}"
    );
    assert!(app.smtp().to("ann@acme.example").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn teammates_see_campaigns_by_their_records_layer() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let tia = s.team.join("Tia", View::Own, Export::On).await;
    assert_eq!(tia.get(&s.campaign).await.status, 404, "Only own records");
    s.team.set_permissions(&tia, View::Team, Export::Off).await;
    let page = tia.get(&s.campaign).await;
    assert_eq!(page.status, 200);
    assert!(page.contains("read only") && !page.contains(imap::USER));
    assert_eq!(
        tia.post(&format!("{}/launch", s.campaign), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        tia.post(
            &format!("{}/steps", s.campaign),
            &[("subject", "x"), ("body", "y"), ("delay_days", "0")]
        )
        .await
        .status,
        403
    );
}

/// The pool figure on the leader's Billing page: "used / total".
pub(crate) async fn billing_recipients(leader: &Browser) -> String {
    let page = leader.get("/account/billing").await;
    let at = page
        .body
        .find("Recipients (unique contacts) this period")
        .expect("recipients figure");
    let rest = &page.body[at..];
    let big = rest.find("<div class=\"big\">").unwrap() + 17;
    let left = rest.find("left").unwrap();
    let end = rest[left..].find("</div>").unwrap() + left;
    format!(
        "{} | {}",
        rest[big..].split('<').next().unwrap(),
        &rest[rest[..left].rfind('>').unwrap() + 1..end]
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paused_campaign_makes_no_smtp_call_until_resumed() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let leader = &s.team.leader;
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);
    assert_eq!(app.smtp().attempts_to("bob@globex.example"), 1);
    // Held while they wait for their retry, not used.
    assert_eq!(
        billing_recipients(leader).await,
        "0 / 10,000 | 9,998 left · 2 on hold (emails being sent or retried)"
    );

    let page = s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    assert!(page.contains("Paused. No more emails go out"), "{page:?}");
    app.clock.advance(chrono::Duration::minutes(30));
    app.smtp().refuse(false);
    assert_eq!(app.run_sender_once().await, 0);
    app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(
        app.smtp().attempts_to("ann@acme.example"),
        1,
        "no SMTP call while paused"
    );
    assert_eq!(app.smtp().attempts_to("bob@globex.example"), 1);

    // Resume: the due retries go, and each accepted email spends its recipient.
    let page = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(page.contains("Resumed."), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2);
    assert_eq!(app.smtp().to("ann@acme.example").len(), 1);
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1);
    assert_eq!(billing_recipients(leader).await, "2 / 10,000 | 9,998 left");
    let team = s.max.get("/account/team").await;
    assert!(team.contains("2 used · 9,998 unused"), "{team:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_campaign_paused_between_claim_and_send_is_not_sent() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    // A worker claims both emails; the owner pauses before its SMTP calls.
    let claimed = dripteam::domain::campaigns::sending::claim_due(
        &mut app.conn(),
        &app.secrets(),
        &app.address,
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(claimed.len(), 2);
    s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    for outgoing in &claimed {
        assert!(
            !dripteam::domain::campaigns::sending::still_sendable(
                &mut app.conn(),
                outgoing.message_row
            )
            .unwrap(),
            "the worker asks just before its SMTP call"
        );
    }
    assert_eq!(
        billing_recipients(&s.team.leader).await,
        "0 / 10,000 | 10,000 left",
        "the claims' holds are released"
    );
    s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    assert_eq!(app.smtp().to("ann@acme.example").len(), 1);
    let page = s.max.get(&s.campaign).await;
    assert!(!page.contains("interrupted"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_teams_campaign_makes_no_smtp_call() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);
    // The leader's plan lapses: the team is locked while the retries fall due.
    app.clock.advance(chrono::Duration::days(40));
    app.smtp().refuse(false);
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);
    assert_eq!(app.smtp().attempts_to("bob@globex.example"), 1);
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("Paused automatically"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn four_failed_sends_use_no_recipients() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 4).await;
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    for _ in 0..3 {
        assert_eq!(app.run_sender_once().await, 0);
        app.clock.advance(chrono::Duration::minutes(20));
    }
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("emails failed after retries"), "{page:?}");
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 3);
    assert_eq!(
        billing_recipients(&s.team.leader).await,
        "0 / 10,000 | 10,000 left",
        "no email was accepted, no hold is left"
    );
    let team = s.max.get("/account/team").await;
    assert!(team.contains("0 used · 10,000 unused"), "{team:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn holds_and_spends_together_reach_the_pool() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::Free, 1, 3).await;
    for i in 0..98 {
        dripteam::domain::billing::record_recipient(
            &mut app.conn(),
            s.max.id,
            &format!("earlier{i}@x.example"),
            app.clock.now(),
        )
        .unwrap();
    }
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    // Two holds fill the pool of 100: the third recipient is not claimed, and the next
    // round pauses the campaign.
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);
    assert_eq!(app.smtp().attempts_to("bob@globex.example"), 1);
    assert_eq!(app.smtp().attempts_to("p2@prospect.example"), 0);
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("p2@prospect.example"), 0);
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("recipients for this billing period are used up"),
        "{page:?}"
    );
    let refused = dripteam::domain::billing::record_recipient(
        &mut app.conn(),
        s.max.id,
        "one-more@x.example",
        app.clock.now(),
    );
    assert!(
        matches!(
            refused,
            Err(dripteam::domain::DomainError::PoolExhausted { .. })
        ),
        "holds count against the pool: {refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn holds_count_against_a_members_recipient_cap() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let team = s.team.leader.get("/account/team").await;
    let page = s
        .team
        .leader
        .post(
            &form_action(&team.body, "/caps"),
            &[("credit_cap", ""), ("recipient_cap", "1")],
        )
        .await;
    assert!(page.contains("recipients 1"), "{page:?}");
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);
    assert_eq!(
        app.smtp().attempts_to("bob@globex.example"),
        0,
        "the hold on Ann fills Max's cap of 1"
    );
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("bob@globex.example"), 0);
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("Paused automatically"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_campaign_moved_by_a_removal_retries_only_from_its_new_owners_account() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let leader = &s.team.leader;
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().attempts_to("ann@acme.example"), 1);

    // Max is removed and his records go to Lena: the campaign pauses, its retries wait.
    let lena = dripteam::db::accounts::user_by_email(&mut app.conn(), "lena@example.com")
        .unwrap()
        .unwrap();
    let team = leader.get("/account/team").await;
    let remove = crate::helpers::link_href(&team.body, "/remove");
    let lena_id = lena.id.to_string();
    let page = leader.post(&remove, &[("records", &lena_id)]).await;
    assert!(page.contains("Max Member was removed"), "{page:?}");
    app.smtp().refuse(false);
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(
        app.smtp().attempts_to("ann@acme.example"),
        1,
        "no retry over the former owner's account"
    );

    // Lena chooses her own sender account and resumes: the retries go from it.
    let page = add_sender(&app, leader, 1, app.smtp().port).await;
    assert!(page.contains("added"), "{page:?}");
    let page = leader.get(&s.campaign).await;
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = option_value(&page.body, "list_id");
    let page = leader
        .post(
            &format!("{}/settings", s.campaign),
            &[
                ("name", "Fair follow-up"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    assert!(page.contains("saved"), "{page:?}");
    let page = leader.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(page.contains("Resumed"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2);
    let sent: Vec<i64> = dripteam::db::messages::for_recipients(&mut app.conn(), &[1, 2])
        .unwrap()
        .iter()
        .map(|m| m.sender_id)
        .collect();
    assert_eq!(sent, [sender_id.parse::<i64>().unwrap(); 2]);
}

/// Points the sender account of `s.max` at a local port where nothing listens, so every
/// SMTP call fails with "connection refused"; returns that port.
pub(crate) async fn point_sender_at_a_closed_port(s: &Setup<'_>) -> u16 {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let page = s.max.get("/senders").await;
    let edit = form_action(&page.body, "/test").replace("/test", "");
    let port = closed.to_string();
    let page = s
        .max
        .post(
            &edit,
            &[
                ("email", imap::USER),
                ("display_name", "Max"),
                ("smtp_host", "127.0.0.1"),
                ("smtp_port", &port),
                ("smtp_security", "none"),
                ("imap_host", "127.0.0.1"),
                ("imap_port", "1"),
                ("imap_security", "none"),
                ("imap_user", imap::USER),
                ("daily_limit", "100"),
            ],
        )
        .await;
    assert!(page.contains("saved"), "{page:?}");
    closed
}
