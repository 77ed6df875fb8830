//! Team statistics over HTTP, on a small data set made through the domain functions at
//! known times, checked against figures worked out by hand.

use crate::helpers::{Export, Options, Plan, TestApp, View, spawn_app_with};
use chrono::{Duration, NaiveDateTime};
use dripteam::db::models::User;
use dripteam::domain::campaigns::{self, events, outcomes, senders, sending};
use dripteam::domain::prospects;

/// The app with its campaign sender asleep: the tests send by hand at chosen times.
async fn spawn_app() -> TestApp {
    spawn_app_with(Options {
        sender_poll: std::time::Duration::from_secs(3600),
        ..Default::default()
    })
    .await
}

fn user(app: &TestApp, email: &str) -> User {
    dripteam::db::accounts::user_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
}

/// A list of `n` prospects and a launched one-step campaign for `owner`, at `now`.
fn launched_campaign(app: &TestApp, owner: &User, n: usize, now: NaiveDateTime) {
    let conn = &mut app.conn();
    let slug = owner.email.split('@').next().unwrap();
    let list = prospects::create_list(
        conn,
        owner,
        prospects::ListName::parse("Leads").unwrap(),
        now,
    )
    .unwrap();
    for i in 0..n {
        let fields = prospects::parse_prospect(
            &format!("{slug}{i}@prospect.example"),
            "P",
            "",
            "Co",
            "",
            "",
        )
        .unwrap();
        prospects::add_prospect(conn, owner, list, fields, now).unwrap();
    }
    let email = format!("{slug}@sender.example");
    let input = senders::SenderInput {
        email: &email,
        display_name: "S",
        smtp_host: "127.0.0.1",
        smtp_port: "1",
        smtp_security: "none",
        smtp_user: "",
        smtp_password: "",
        imap_host: "127.0.0.1",
        imap_port: "1",
        imap_security: "none",
        imap_user: "",
        imap_password: "",
        daily_limit: "100",
        dkim_selector: "",
        pause_min: "0",
        pause_max: "0",
        default_pause: dripteam::domain::campaigns::pacing::Pacing::default(),
    };
    senders::add(conn, &app.secrets(), owner, &input, now).unwrap();
    let sender = dripteam::db::senders::of_owner(conn, owner.id)
        .unwrap()
        .pop()
        .unwrap();
    let campaign = campaigns::create(
        conn,
        owner,
        campaigns::CampaignSettings {
            name: campaigns::CampaignName::parse("C").unwrap(),
            sender_id: sender.id,
            list_id: list,
            unsubscribe_line: None,
            bounce_limit: None,
            auto_reply_pause_days: None,
            schedule: None,
        },
        now,
    )
    .unwrap();
    let step =
        campaigns::StepInput::parse("Hi", "Hello, see https://x.example/a", "0", false).unwrap();
    campaigns::add_step(conn, owner, campaign, step, now).unwrap();
    campaigns::launch(conn, owner, campaign, now).unwrap();
}

/// Sends every due email (without SMTP) at `now`; returns (owner, message row) pairs.
fn send_all(app: &TestApp, now: NaiveDateTime) -> Vec<(dripteam::domain::UserId, i64)> {
    let conn = &mut app.conn();
    let due = sending::claim_due(conn, &app.secrets(), &app.address, now).unwrap();
    due.iter()
        .map(|email| {
            outcomes::record_sent(conn, email.message_row, now).unwrap();
            let message = dripteam::db::messages::by_id(conn, email.message_row)
                .unwrap()
                .unwrap();
            (message.owner_id, message.id)
        })
        .collect()
}

fn open(app: &TestApp, message: i64, now: NaiveDateTime) {
    let conn = &mut app.conn();
    let token = dripteam::db::messages::by_id(conn, message)
        .unwrap()
        .unwrap()
        .tracking_token;
    events::record_open(conn, &token, now).unwrap();
}

fn click(app: &TestApp, message: i64, now: NaiveDateTime) {
    let conn = &mut app.conn();
    let link = dripteam::db::tracking::link_tokens_of(conn, message)
        .unwrap()
        .remove(0);
    events::record_click(conn, &link, now).unwrap();
}

fn reply(app: &TestApp, message: i64, now: NaiveDateTime) {
    let conn = &mut app.conn();
    let row = dripteam::db::messages::by_id(conn, message)
        .unwrap()
        .unwrap();
    let inbox = [dripteam::domain::campaigns::incoming::InboxMessage::reply(
        1,
        vec![row.message_id],
    )];
    events::record_replies(conn, row.sender_id, &inbox, "http://127.0.0.1", now).unwrap();
}

/// The cells of the table row that starts with `name`.
pub(crate) fn row(html: &str, name: &str) -> Vec<String> {
    let start = html
        .find(&format!("<strong>{name}</strong>"))
        .unwrap_or_else(|| panic!("no row {name}"));
    let row = &html[start..html[start..].find("</tr>").unwrap() + start];
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn figures_of_a_known_team_match_the_hand_count_and_the_csv() {
    let app = spawn_app().await;
    let (team, [_max, _mia, fay]) = app
        .team(Plan::M)
        .member("Max", View::Own, Export::On)
        .member("Mia", View::Own, Export::On)
        .member("Fay", View::Own, Export::On)
        .build()
        .await;
    let leader = &team.leader;
    let now = app.clock.now();
    let (max, mia, fay_user) = (
        user(&app, "max@example.com"),
        user(&app, "mia@example.com"),
        user(&app, "fay@example.com"),
    );
    launched_campaign(&app, &max, 3, now);
    launched_campaign(&app, &mia, 1, now);
    launched_campaign(&app, &fay_user, 2, now);
    dripteam::domain::billing::spend_credits(&mut app.conn(), max.id, 4, now).unwrap();
    let sent = send_all(&app, now);
    assert_eq!(sent.len(), 6);
    let of = |owner: dripteam::domain::UserId| {
        sent.iter()
            .filter(|(o, _)| *o == owner)
            .map(|(_, m)| *m)
            .collect::<Vec<_>>()
    };
    let (max_emails, fay_emails) = (of(max.id), of(fay_user.id));
    open(&app, max_emails[0], now);
    open(&app, max_emails[1], now);
    click(&app, max_emails[0], now);
    reply(&app, max_emails[2], now);
    open(&app, fay_emails[0], now);
    fay.post("/account/team/leave", &[]).await;

    let page = leader.get("/account/team/statistics").await;
    assert_eq!(page.status, 200, "{page:?}");
    // prospects, sent, open, click, reply, auto-replied, bounce rate, credits, contacts
    assert_eq!(
        row(&page.body, "Max"),
        ["3", "3", "66.7%", "33.3%", "33.3%", "0", "0.0%", "4", "3"]
    );
    assert_eq!(
        row(&page.body, "Mia"),
        ["1", "1", "0.0%", "0.0%", "0.0%", "0", "0.0%", "0", "1"]
    );
    assert_eq!(
        row(&page.body, "Fay"),
        ["2", "2", "50.0%", "0.0%", "0.0%", "0", "0.0%", "0", "2"]
    );
    assert!(page.contains("Former member"));
    assert_eq!(
        row(&page.body, "Lena Leader"),
        ["0", "0", "—", "—", "—", "0", "—", "0", "0"]
    );
    assert_eq!(
        row(&page.body, "Total"),
        ["6", "6", "50.0%", "16.7%", "16.7%", "0", "0.0%", "4", "6"]
    );
    assert!(
        page.contains("<svg") && page.contains("2 opened"),
        "the chart labels its bars"
    );

    let csv = leader
        .get("/account/team/statistics.csv?period=billing")
        .await;
    assert_eq!(csv.status, 200);
    let body = csv
        .body
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 BOM first");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "member,email,role,prospects added,emails sent,open rate,click rate,reply rate,auto-replied,bounced,bounce rate,credits used,unique contacts used"
    );
    assert!(
        lines.contains(&"Max,max@example.com,Active,3,3,66.7%,33.3%,33.3%,0,0,0.0%,4,3"),
        "{lines:?}"
    );
    assert!(lines.contains(&"Fay,fay@example.com,Former member,2,2,50.0%,0.0%,0.0%,0,0,0.0%,0,2"));
    assert_eq!(
        *lines.last().unwrap(),
        "Total,,,6,6,50.0%,16.7%,16.7%,0,0,0.0%,4,6"
    );

    // Another period: nothing happened in a range before everything.
    let day = (now - Duration::days(3)).date();
    let page = leader
        .get(&format!(
            "/account/team/statistics?period=range&from={day}&to={day}"
        ))
        .await;
    assert_eq!(
        row(&page.body, "Total"),
        ["0", "0", "—", "—", "—", "0", "—", "0", "0"]
    );
    let page = leader.get("/account/team/statistics?period=7").await;
    assert_eq!(row(&page.body, "Total")[1], "6");
    assert!(
        leader
            .get("/account/team/statistics?period=range&from=2026-12-31&to=2026-01-01")
            .await
            .contains("ends before it starts")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn events_on_the_first_and_last_second_of_a_period_count() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::M).build().await;
    let leader = &team.leader;
    let lena = user(&app, "lena@example.com");
    let day = app.clock.now().date() - Duration::days(10);
    let first = day.and_hms_opt(0, 0, 0).unwrap();
    let last = day.and_hms_opt(23, 59, 59).unwrap();
    let conn = &mut app.conn();
    let list = prospects::create_list(
        conn,
        &lena,
        prospects::ListName::parse("Edges").unwrap(),
        first,
    )
    .unwrap();
    for (i, at) in [
        first - Duration::seconds(1),
        first,
        last,
        last + Duration::seconds(1),
    ]
    .into_iter()
    .enumerate()
    {
        let fields =
            prospects::parse_prospect(&format!("e{i}@x.example"), "", "", "", "", "").unwrap();
        prospects::add_prospect(conn, &lena, list, fields, at).unwrap();
    }
    let page = leader
        .get(&format!(
            "/account/team/statistics?period=range&from={day}&to={day}"
        ))
        .await;
    assert_eq!(
        row(&page.body, "Lena Leader")[0],
        "2",
        "first and last second in, the seconds around out"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn members_outsiders_and_basic_plans_are_refused_and_an_empty_team_shows_dashes() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::Free).build().await;
    let leader = &team.leader;
    let page = leader.get("/account/team/statistics").await;
    assert_eq!(page.status, 403);
    assert!(page.contains("Team statistics are available from plan M"));
    assert!(
        leader
            .get("/account/team")
            .await
            .contains("Team statistics are available from plan M")
    );

    leader.post("/account/billing/plan", &[("plan", "l")]).await;
    let page = leader.get("/account/team/statistics").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        row(&page.body, "Total"),
        ["0", "0", "—", "—", "—", "0", "—", "0", "0"]
    );
    assert!(page.contains("No emails were sent in this period."));
    assert!(
        leader
            .get("/account/team")
            .await
            .contains("href=\"/account/team/statistics\"")
    );

    let member = team.join("Max", View::Own, Export::On).await;
    let page = member.get("/account/team/statistics").await;
    assert_eq!(page.status, 403);
    assert!(page.contains("for the team leader"));
    assert_eq!(member.get("/account/team/statistics.csv").await.status, 403);
    let outsider = app.user("Oz", "oz@example.com").await;
    assert_eq!(outsider.get("/account/team/statistics").await.status, 403);
    assert!(
        app.browser()
            .get("/account/team/statistics")
            .await
            .url
            .contains("/login")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_large_demo_team_builds_on_this_database_and_its_statistics_add_up() {
    let app = spawn_app().await;
    let sizes = dripteam::demo::large_team::Sizes {
        members: 4,
        prospects: 40,
        emails: 100,
    };
    let mut lines = Vec::new();
    let leader = dripteam::demo::large_team::build(
        &mut app.conn(),
        &app.secrets(),
        &sizes,
        4,
        app.clock.now(),
        &mut |l| lines.push(l),
    )
    .unwrap();
    assert!(
        lines
            .last()
            .unwrap()
            .contains("members 4/4, prospects 40/40, emails 100/100"),
        "{lines:?}"
    );
    let browser = app.browser();
    browser.login(&leader, dripteam::demo::DEMO_PASSWORD).await;
    let page = browser.get("/account/team/statistics?period=90").await;
    assert_eq!(row(&page.body, "Total")[0..2], ["40", "100"], "{page:?}");
    assert!(
        page.body
            .matches("<span class=\"hint\">Active</span>")
            .count()
            == 4
    );
    // The pool's usage is what those emails spent: each address once per billing period.
    let bea = user(&app, &leader);
    let sent: Vec<(String, Option<NaiveDateTime>)> = {
        use diesel::prelude::*;
        use dripteam::db::schema::campaign_messages as m;
        m::table
            .filter(m::sent_at.is_not_null())
            .select((m::recipient_email, m::sent_at))
            .load(&mut app.conn())
            .unwrap()
    };
    let period_of = |at| dripteam::domain::billing::period_containing(bea.period_anchor, at).start;
    let current = period_of(app.clock.now());
    let per_period: std::collections::HashSet<_> = sent
        .iter()
        .map(|(email, at)| (period_of(at.unwrap()), email))
        .collect();
    let this_period = per_period.iter().filter(|(p, _)| *p == current).count();
    assert!(this_period > 0 && per_period.len() > this_period);
    assert_eq!(
        row(&page.body, "Total").last().unwrap(),
        &per_period.len().to_string(),
        "unique contacts over 90 days"
    );
    let billing = browser.get("/account/billing").await;
    assert!(
        billing.contains(&format!(
            "{} / 100,000",
            dripteam::text::number(this_period)
        )),
        "{this_period}: {billing:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_uses_the_recipients_its_emails_went_to() {
    let app = spawn_app().await;
    dripteam::demo::run(
        &mut app.conn(),
        &app.secrets(),
        &app.address,
        4,
        app.clock.now(),
    )
    .unwrap();
    let leader = user(&app, "leader@demo.dripteam.test");
    let period =
        dripteam::domain::billing::period_containing(leader.period_anchor, app.clock.now());
    let mut emailed = 0;
    for email in ["max@demo.dripteam.test", "mia@demo.dripteam.test"] {
        let member = user(&app, email);
        let sent_to: std::collections::HashSet<String> = {
            use diesel::prelude::*;
            use dripteam::db::schema::campaign_messages as m;
            m::table
                .filter(m::owner_id.eq(member.id))
                .filter(m::sent_at.ge(period.start))
                .select(m::recipient_email)
                .load(&mut app.conn())
                .unwrap()
                .into_iter()
                .collect()
        };
        emailed += sent_to.len();
        let browser = app.browser();
        browser.login(email, dripteam::demo::DEMO_PASSWORD).await;
        let page = browser.get("/account/team").await;
        let recipients = &page.body[page
            .body
            .find("<div class=\"muted\">Recipients</div>")
            .unwrap()..];
        assert!(
            recipients.contains(&format!("you used {}</div>", sent_to.len())),
            "{email}: {sent_to:?} {page:?}"
        );
    }
    assert!(emailed > 0, "a member emailed this billing period");
}

/// Issue 13, look and feel: the date inputs are shown, and sent, only for "Date range", so
/// the URL carries only the chosen period.
#[tokio::test(flavor = "multi_thread")]
async fn the_dates_belong_to_date_range_only() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::M).build().await;
    let page = team.leader.get("/account/team/statistics?period=7").await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains("<fieldset id=\"range-dates\" class=\"dates\" hidden disabled>"),
        "{page:?}"
    );
    let page = team
        .leader
        .get("/account/team/statistics?period=range&from=2026-11-01&to=2026-11-20")
        .await;
    assert!(page.contains("<fieldset id=\"range-dates\" class=\"dates\">"));
    assert!(page.contains("value=\"2026-11-01\"") && page.contains("value=\"2026-11-20\""));
    assert!(page.contains("data-reveals=\"range-dates\" data-reveals-when=\"range\""));
}
