//! Issue 13, look and feel: numbers with thousands separators and things said once on
//! Billing, the import mapping's "new field name" tied to its select, and a demo team that
//! looks real.

use crate::helpers::{Plan, spawn_app};

/// Billing's plan cards carry thousands separators, and the missing payment provider is
/// said once above the cards, not on each.
#[tokio::test(flavor = "multi_thread")]
async fn billing_numbers_carry_separators_and_the_provider_note_is_said_once() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::M).build().await;
    let page = team.leader.get("/account/billing").await;
    assert_eq!(page.status, 200);
    for figure in [
        "5,000 credits",
        "10,000 recipients",
        "0 / 5,000",
        "5,000 left",
    ] {
        assert!(page.contains(figure), "{figure}: {page:?}");
    }
    assert_eq!(
        page.body.matches("no payment provider").count(),
        1,
        "{page:?}"
    );
}

/// The mapping page's "new field name" input is in the page without JavaScript and is tied
/// to its select, so static/app.js shows it only while "New custom field" is chosen.
#[tokio::test(flavor = "multi_thread")]
async fn the_new_field_name_is_revealed_by_its_select_and_present_without_js() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let page = ann.post("/prospects/lists", &[("name", "Leads")]).await;
    let list = format!(
        "/{}",
        page.url
            .split("127.0.0.1")
            .nth(1)
            .unwrap()
            .split_once('/')
            .unwrap()
            .1
    );
    let page = ann
        .upload_csv(&list, "people.csv", b"email,Booth\r\nann@x.example,B12\r\n")
        .await;
    assert!(page.url.contains("/imports/"), "{page:?}");
    for wiring in [
        "data-reveals=\"name_0\" data-reveals-when=\"new\"",
        "data-reveals=\"name_1\" data-reveals-when=\"new\"",
        "id=\"name_1\" name=\"name_1\" value=\"Booth\"",
    ] {
        assert!(page.contains(wiring), "{wiring}: {page:?}");
    }
    assert!(
        !page.body.contains(" hidden"),
        "usable without JavaScript: {page:?}"
    );
}

/// Sender accounts show their daily limit with thousands separators.
#[tokio::test(flavor = "multi_thread")]
async fn a_daily_limit_carries_separators() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let page = ann
        .post(
            "/senders",
            &[
                ("email", "ann@acme.example"),
                ("display_name", "Ann at Acme"),
                ("smtp_host", "127.0.0.1"),
                ("smtp_port", "2525"),
                ("smtp_security", "none"),
                ("smtp_user", "ann"),
                ("smtp_password", "smtp-secret"),
                ("imap_host", "127.0.0.1"),
                ("imap_port", "1993"),
                ("imap_security", "none"),
                ("imap_user", "ann"),
                ("imap_password", "imap-secret"),
                ("daily_limit", "1500"),
            ],
        )
        .await;
    assert!(page.contains("added"), "{page:?}");
    let page = ann.get("/senders").await;
    assert!(page.contains("<td class=\"num\">1,500</td>"), "{page:?}");
}

/// The figures of the statistics page's "Total" row.
fn total_row(html: &str) -> Vec<String> {
    let start = html.find("<strong>Total</strong>").expect("a Total row");
    let row = &html[start..html[start..].find("</tr>").unwrap() + start];
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect()
}

/// `dripteam demo` spreads uneven activity over 90 days (each period of Team statistics
/// shows other figures), and has a former member with history, a pending and an expired
/// invitation, and a locked team.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_team_looks_used_over_ninety_days() {
    let app = spawn_app().await;
    dripteam::demo::run(
        &mut app.conn(),
        &app.secrets(),
        &app.address,
        4,
        app.clock.now(),
    )
    .unwrap();
    let leader = app.browser();
    leader
        .login("leader@demo.dripteam.test", dripteam::demo::DEMO_PASSWORD)
        .await;
    let mut totals = Vec::new();
    for period in ["7", "30", "90"] {
        let page = leader
            .get(&format!("/account/team/statistics?period={period}"))
            .await;
        assert_eq!(page.status, 200);
        totals.push(total_row(&page.body));
    }
    assert!(
        totals[0] != totals[1] && totals[1] != totals[2] && totals[0] != totals[2],
        "{totals:?}"
    );
    let team = leader.get("/account/team").await.text();
    for shown in [
        "Finn Berger",
        "Former",
        "ola@demo.dripteam.test",
        "Pending",
        "ivan.petrov@demo.dripteam.test",
        "Expired",
    ] {
        assert!(team.contains(shown), "{shown}: {team}");
    }
    let kai = app.browser();
    kai.login("kai@demo.dripteam.test", dripteam::demo::DEMO_PASSWORD)
        .await;
    let billing = kai.get("/account/billing").await;
    assert!(billing.contains("The team is locked"), "{billing:?}");
}

/// The large demo gives each member their own amount of work: emails and prospects are not
/// split evenly, and the totals still add up.
#[tokio::test(flavor = "multi_thread")]
async fn the_large_demo_varies_activity_per_member() {
    use diesel::prelude::*;
    use dripteam::db::schema::{campaign_messages as m, prospects as p};
    let app = spawn_app().await;
    let sizes = dripteam::demo::large_team::Sizes {
        members: 6,
        prospects: 60,
        emails: 300,
    };
    dripteam::demo::large_team::build(
        &mut app.conn(),
        &app.secrets(),
        &sizes,
        4,
        app.clock.now(),
        &mut |_| {},
    )
    .unwrap();
    let mut emails: Vec<i64> = m::table
        .group_by(m::owner_id)
        .select(diesel::dsl::count_star())
        .load(&mut app.conn())
        .unwrap();
    let mut prospects: Vec<i64> = p::table
        .group_by(p::owner_id)
        .select(diesel::dsl::count_star())
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(emails.iter().sum::<i64>(), 300);
    assert_eq!(prospects.iter().sum::<i64>(), 60);
    emails.sort();
    prospects.sort();
    assert!(emails[0] < emails[5], "{emails:?}");
    assert!(prospects[0] < prospects[5], "{prospects:?}");
}
