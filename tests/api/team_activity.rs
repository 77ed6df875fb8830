//! Issue 16 item 4, Team activity a leader can use: exports, launches, pauses and resumes,
//! do-not-email changes and log-ins from a new browser are recorded; the leader's page
//! filters by member (former members included), kind and dates, pages with counts, and
//! downloads the filtered view as CSV by the product's CSV rules; members get neither.

use chrono::{NaiveDate, NaiveDateTime};
use dripteam::db::values::ActivityKind;
use dripteam::domain::UserId;

use crate::campaigns::setup;
use crate::helpers::{Browser, Export, PASSWORD, Plan, TestApp, View, form_action, spawn_app};

const ACTIVITY: &str = "/account/team/activity";

fn user_id(app: &TestApp, email: &str) -> UserId {
    dripteam::db::accounts::user_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .id
}

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2020, 3, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

/// Lines of Team activity written straight to the leader's team, as `actor` at `when`.
fn insert(
    app: &TestApp,
    actor: UserId,
    kind: ActivityKind,
    detail: &str,
    n: usize,
    when: NaiveDateTime,
) {
    let mut conn = app.conn();
    let lena = user_id(app, "lena@example.com");
    let team = dripteam::db::team::team_by_leader(&mut conn, lena)
        .unwrap()
        .unwrap()
        .id;
    for i in 0..n {
        dripteam::db::team::insert_activity(
            &mut conn,
            team,
            actor,
            &format!("line{i:02}@example.com"),
            kind,
            detail,
            when,
        )
        .unwrap();
    }
}

/// The rows of the activity table on a page (each `<tr>` of its body).
fn table_rows(body: &str) -> Vec<String> {
    body.split("<tbody>")
        .nth(1)
        .and_then(|rest| rest.split("</tbody>").next())
        .unwrap_or_default()
        .split("<tr")
        .skip(1)
        .map(String::from)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_launches_pauses_and_do_not_email_changes_are_recorded() {
    let app = crate::campaigns::spawn_app().await;
    let s = setup(&app, Plan::M, 1, 3).await;
    let lists = s.max.get("/prospects").await;
    let list = lists
        .body
        .split("href=\"/prospects/lists/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("Max's list")
        .to_string();
    let (status, _) = s
        .max
        .get_bytes(&format!("/prospects/lists/{list}/export.csv"))
        .await;
    assert_eq!(status, 200);
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched"), "{page:?}");
    s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    let page = s
        .max
        .post("/prospects/do-not-email", &[("entry", "@rival.example")])
        .await;
    assert!(page.contains("Added @rival.example"), "{page:?}");
    let page = s.team.leader.get("/prospects/do-not-email").await;
    let remove = form_action(&page.body, "/remove");
    let page = s.team.leader.post(&remove, &[]).await;
    assert!(page.contains("Removed @rival.example"), "{page:?}");

    let page = s.team.leader.get(ACTIVITY).await;
    assert_eq!(page.status, 200, "{page:?}");
    let rows = table_rows(&page.body);
    let find = |kind: &str| {
        rows.iter()
            .find(|r| r.contains(&format!("<strong>{kind}</strong>")))
            .unwrap_or_else(|| panic!("a {kind} line: {page:?}"))
            .clone()
    };
    let export = find("exported");
    assert!(export.contains("Max Member"), "{export}");
    assert!(
        export.contains("Fair") && export.contains("3 rows"),
        "{export}"
    );
    for kind in ["launched", "paused", "resumed"] {
        let line = find(kind);
        assert!(line.contains("Fair follow-up"), "{line}");
        assert!(line.contains("Max Member"), "{line}");
    }
    assert!(find("do-not-email added").contains("@rival.example"));
    assert!(find("do-not-email removed").contains("Lena Leader"));
    assert!(page.contains("UTC"), "the page says its dates are UTC");

    let my_team = s.team.leader.get("/account/team").await;
    assert!(my_team.contains("exported"), "My Team keeps a short list");
    assert!(
        my_team.contains(&format!("href=\"{ACTIVITY}\"")),
        "and links to the full page: {my_team:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_filters_by_member_kind_and_dates_and_pages_with_counts() {
    let app = spawn_app().await;
    let (team, [max, _mia]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .member("Mia Member", View::Own, Export::On)
        .build()
        .await;
    let (lena, max_id) = (
        user_id(&app, "lena@example.com"),
        user_id(&app, "max@example.com"),
    );
    insert(&app, lena, ActivityKind::Invited, "", 25, at(1, 9));
    insert(
        &app,
        max_id,
        ActivityKind::Exported,
        "list Fair: 3 rows",
        10,
        at(2, 9),
    );
    insert(
        &app,
        max_id,
        ActivityKind::Launched,
        "campaign C",
        5,
        at(3, 23),
    );
    // Max leaves: a former member's lines stay, and he can still be chosen.
    let page = max.post("/account/team/leave", &[]).await;
    assert_eq!(page.status, 200);

    let page = team.leader.get(ACTIVITY).await;
    let total = page
        .body
        .split("1–20 of ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a count")
        .to_string();
    let total: usize = total.parse().unwrap();
    assert!(total >= 40, "{total}");
    assert_eq!(table_rows(&page.body).len(), 20);
    assert!(
        page.contains(&format!("<option value=\"{max_id}\"")),
        "a former member is offered: {page:?}"
    );
    let page = team.leader.get(&format!("{ACTIVITY}?page=2")).await;
    assert!(page.contains(&format!("21–40 of {total}")), "{page:?}");
    assert!(page.contains("page=3"), "a Next link: {page:?}");

    let cases = [
        (format!("member={max_id}&kind=exported"), 10),
        ("kind=launched".to_string(), 5),
        ("from=2020-03-02&to=2020-03-02".to_string(), 10),
        ("from=2020-03-03&to=2020-03-03".to_string(), 5),
        (format!("member={lena}&from=2020-03-01&to=2020-03-03"), 25),
        (format!("member={lena}&kind=launched"), 0),
    ];
    for (query, n) in cases {
        let page = team.leader.get(&format!("{ACTIVITY}?{query}")).await;
        assert_eq!(page.status, 200, "{query}: {page:?}");
        let shown = n.min(20);
        let count = if n == 0 {
            "0 of 0".to_string()
        } else {
            format!("1–{shown} of {n}")
        };
        assert!(page.contains(&count), "{query}: {count}: {page:?}");
        assert_eq!(table_rows(&page.body).len(), shown, "{query}");
        assert!(
            page.body.contains(&format!("{ACTIVITY}.csv?")),
            "{query}: a Download CSV link"
        );
    }
    // A filtered page keeps its filter in the paging links.
    let page = team
        .leader
        .get(&format!(
            "{ACTIVITY}?member={lena}&from=2020-03-01&to=2020-03-03&page=2"
        ))
        .await;
    assert!(page.contains("21–25 of 25"), "{page:?}");
    let links = page.body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        links.contains(&format!(
            "member={lena}&kind=&from=2020-03-01&to=2020-03-03&page=1"
        )),
        "Previous keeps the filter: {page:?}"
    );

    let page = team
        .leader
        .get(&format!("{ACTIVITY}?from=2020-03-05&to=2020-03-01"))
        .await;
    assert_eq!(page.status, 200, "a refused range is said on the page");
    assert!(page.contains("ends before it starts"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_csv_holds_the_filtered_rows_with_formulas_neutralised() {
    let app = spawn_app().await;
    let (team, [_max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    let (lena, max_id) = (
        user_id(&app, "lena@example.com"),
        user_id(&app, "max@example.com"),
    );
    insert(
        &app,
        max_id,
        ActivityKind::Exported,
        "=HYPERLINK(\"http://x.example\")",
        3,
        at(2, 9),
    );
    insert(
        &app,
        lena,
        ActivityKind::Exported,
        "list Other: 1 row",
        2,
        at(2, 10),
    );
    insert(
        &app,
        max_id,
        ActivityKind::Launched,
        "campaign C",
        4,
        at(3, 9),
    );

    let (status, bytes) = team
        .leader
        .get_bytes(&format!("{ACTIVITY}.csv?member={max_id}&kind=exported"))
        .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("the BOM first");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "a header and the 3 filtered rows: {text}");
    assert!(lines[0].starts_with("at_utc,"), "{text}");
    for line in &lines[1..] {
        assert!(line.contains("Max Member"), "{line}");
        assert!(line.contains("exported"), "{line}");
        assert!(
            line.contains("\"'=HYPERLINK(\"\"http://x.example\"\")\""),
            "formula neutralised: {line}"
        );
        assert!(line.contains("2020-03-02 09:00:00"), "{line}");
    }
    assert!(!text.contains("campaign C") && !text.contains("Other"));

    let (status, bytes) = team
        .leader
        .get_bytes(&format!("{ACTIVITY}.csv?from=2020-03-03&to=2020-03-03"))
        .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(!text.contains("HYPERLINK"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_sees_neither_the_page_nor_the_csv() {
    let app = spawn_app().await;
    let (_team, [max]) = app
        .team(Plan::M)
        .member("Max Member", View::Team, Export::On)
        .build()
        .await;
    assert_eq!(max.get(ACTIVITY).await.status, 403);
    assert_eq!(max.get_bytes(&format!("{ACTIVITY}.csv")).await.0, 403);
    let outsider = app.user("Oscar Outsider", "oscar@example.com").await;
    assert_eq!(outsider.get(ACTIVITY).await.status, 404);
    assert_eq!(outsider.get_bytes(&format!("{ACTIVITY}.csv")).await.0, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_in_from_a_new_browser_is_recorded_once() {
    let app = spawn_app().await;
    let (team, [_max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    let browser = |agent: &str| Browser {
        base: app.address.clone(),
        client: reqwest::Client::builder()
            .cookie_store(true)
            .user_agent(agent)
            .build()
            .unwrap(),
    };
    let kind = format!("{ACTIVITY}?kind=new%20browser");
    let same = app.browser();
    assert!(
        same.login("max@example.com", PASSWORD)
            .await
            .contains("Log out")
    );
    assert!(
        team.leader.get(&kind).await.contains("0 of 0"),
        "the browser he signed up in"
    );
    for _ in 0..2 {
        let other = browser("Firefox/140 (Test)");
        assert!(
            other
                .login("max@example.com", PASSWORD)
                .await
                .contains("Log out")
        );
    }
    let page = team.leader.get(&kind).await;
    assert!(page.contains("1–1 of 1"), "recorded once: {page:?}");
    assert!(page.contains("Firefox/140 (Test)"), "{page:?}");
}
