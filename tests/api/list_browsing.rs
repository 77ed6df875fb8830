//! Issue 13, look and feel of a prospect list and of Team activity: a labelled rename
//! field, custom field columns, search by email / name / company, sort by a column and
//! pagination with counts done in SQL ("101–200 of 250"), hostile parameters that change
//! nothing, and Team activity a page at a time ("1–20 of 120", on its own page since
//! issue 16; My Team keeps the newest ten).

use chrono::NaiveDate;
use dripteam::db::models::ProspectFields;
use dripteam::db::values::ActivityKind;
use dripteam::domain::UserId;

use crate::helpers::{Browser, Export, Plan, TestApp, View, spawn_app};

async fn create_list(browser: &Browser, name: &str) -> String {
    let page = browser.post("/prospects/lists", &[("name", name)]).await;
    assert!(page.contains("List created"), "{page:?}");
    let path = page.url.split("127.0.0.1").nth(1).unwrap();
    format!("/{}", path.split_once('/').unwrap().1)
}

fn user_id(app: &TestApp, email: &str) -> UserId {
    dripteam::db::accounts::user_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .id
}

fn list_id(list: &str) -> i64 {
    list.rsplit('/').next().unwrap().parse().unwrap()
}

/// `n` prospects p001@example.com … inserted directly, in that order: first name
/// "First001", company "Company001" (bulk data; the pages are driven over HTTP).
fn insert_prospects(app: &TestApp, owner: UserId, list: &str, n: usize) -> Vec<i64> {
    let mut conn = app.conn();
    let now = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    (1..=n)
        .map(|i| {
            let fields = ProspectFields {
                email: format!("p{i:03}@example.com"),
                first_name: format!("First{i:03}"),
                last_name: "Person".into(),
                company: format!("Company{i:03}"),
                position: String::new(),
                timezone: String::new(),
            };
            let at = now + chrono::Duration::minutes(i as i64);
            dripteam::db::prospects::insert_prospect(&mut conn, list_id(list), owner, &fields, at)
                .unwrap()
        })
        .collect()
}

/// The page's links as written in an href, `&` unescaped.
fn hrefs(body: &str) -> String {
    body.replace("&#38;", "&").replace("&amp;", "&")
}

/// The prospect emails of a list page, in the order shown.
fn emails_shown(body: &str) -> Vec<String> {
    body.split("<a href=\"/prospects/")
        .skip(1)
        .filter_map(|rest| {
            let text = rest.split_once('>')?.1.split_once('<')?.0;
            text.contains('@').then(|| text.to_string())
        })
        .collect()
}

async fn ann_with_list(app: &TestApp, n: usize) -> (Browser, String) {
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    insert_prospects(app, user_id(app, "ann@example.com"), &list, n);
    (ann, list)
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_by_email_name_and_company_and_shows_the_count() {
    let app = spawn_app().await;
    let (ann, list) = ann_with_list(&app, 250).await;
    let page = ann.get(&format!("{list}?q=P017@EXAMPLE")).await;
    assert_eq!(page.status, 200);
    assert_eq!(emails_shown(&page.body), ["p017@example.com"]);
    assert!(page.contains("1–1 of 1"), "{page:?}");
    assert!(
        page.contains("value=\"P017@EXAMPLE\""),
        "the search box keeps q"
    );
    let page = ann.get(&format!("{list}?q=first12")).await;
    assert_eq!(
        emails_shown(&page.body),
        (120..=129)
            .map(|i| format!("p{i:03}@example.com"))
            .collect::<Vec<_>>()
    );
    assert!(page.contains("1–10 of 10"), "{page:?}");
    let page = ann.get(&format!("{list}?q=company2")).await;
    assert!(page.contains("1–51 of 51"), "{page:?}");
    let page = ann.get(&format!("{list}?q=first200%20person")).await;
    assert_eq!(emails_shown(&page.body), ["p200@example.com"], "full name");
    let page = ann.get(&format!("{list}?q=%25")).await;
    assert!(
        page.contains("No prospects match"),
        "% is a character: {page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sort_orders_rows_by_the_chosen_column() {
    let app = spawn_app().await;
    let (ann, list) = ann_with_list(&app, 5).await;
    let page = ann.get(&format!("{list}?sort=email&dir=desc")).await;
    assert_eq!(
        emails_shown(&page.body),
        (1..=5)
            .rev()
            .map(|i| format!("p{i:03}@example.com"))
            .collect::<Vec<_>>()
    );
    let page = ann.get(&format!("{list}?sort=company&dir=asc")).await;
    assert_eq!(emails_shown(&page.body)[0], "p001@example.com");
    let page = ann.get(&format!("{list}?sort=added&dir=desc")).await;
    assert_eq!(emails_shown(&page.body)[0], "p005@example.com");
    assert!(
        hrefs(&page.body).contains("sort=email&dir=asc&page=1\""),
        "column headers link to sorting: {page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn page_two_of_250_shows_101_to_200_and_links_keep_search_and_sort() {
    let app = spawn_app().await;
    let (ann, list) = ann_with_list(&app, 250).await;
    let page = ann.get(&list).await;
    assert!(page.contains("1–100 of 250"), "{page:?}");
    assert_eq!(emails_shown(&page.body).len(), 100);
    let page = ann.get(&format!("{list}?page=2")).await;
    assert!(page.contains("101–200 of 250"), "{page:?}");
    let shown = emails_shown(&page.body);
    assert_eq!(shown.len(), 100);
    assert_eq!(shown[0], "p101@example.com");
    assert_eq!(shown[99], "p200@example.com");
    assert!(page.contains("page=1\">Previous"), "{page:?}");
    assert!(page.contains("page=3\">Next"), "{page:?}");
    let page = ann
        .get(&format!("{list}?q=example&sort=email&dir=desc&page=3"))
        .await;
    assert!(page.contains("201–250 of 250"), "{page:?}");
    assert_eq!(emails_shown(&page.body)[0], "p050@example.com");
    assert!(
        hrefs(&page.body).contains("?q=example&sort=email&dir=desc&page=2\">Previous"),
        "{page:?}"
    );
    assert!(!page.contains(">Next"), "no page 4");
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_sort_and_page_values_change_nothing_and_never_fail() {
    let app = spawn_app().await;
    let (ann, list) = ann_with_list(&app, 150).await;
    let plain = ann.get(&list).await;
    for query in [
        "sort=email%3B%20DROP%20TABLE%20prospects&dir=up",
        "sort=id&dir=desc%2C%20email",
        "page=-3",
        "page=abc",
        "page=99999999999999999999",
        "page=0&sort=",
    ] {
        let page = ann.get(&format!("{list}?{query}")).await;
        assert_eq!(page.status, 200, "{query}: {page:?}");
        assert_eq!(
            emails_shown(&page.body),
            emails_shown(&plain.body),
            "{query}"
        );
        assert!(page.contains("1–100 of 150"), "{query}: {page:?}");
    }
    let page = ann.get(&format!("{list}?page=9")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains("101–150 of 150"),
        "past the end: last page {page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_field_columns_show_their_values() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = ann
        .upload_csv(
            &list,
            "people.csv",
            b"email,booth\nann.b@example.com,B12\ncarl@example.com,\n",
        )
        .await;
    let page = ann
        .post(
            &crate::helpers::form_action(&page.body, "/start"),
            &[("col_0", "email"), ("col_1", "new"), ("name_1", "Booth")],
        )
        .await;
    assert!(page.contains("The import has started"), "{page:?}");
    ann.wait_for_import(&page.url).await;
    let page = ann.get(&list).await;
    assert!(page.contains("<th scope=\"col\">Booth</th>"), "{page:?}");
    assert!(page.contains("<td>B12</td>"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rename_field_has_a_visible_label() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = ann.get(&list).await;
    assert!(
        page.contains("<label for=\"list-name\">List name</label>"),
        "{page:?}"
    );
    assert!(page.contains("id=\"list-name\""), "{page:?}");
    assert!(page.contains("<label for=\"q\">Search</label>"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn team_activity_is_paginated_with_counts() {
    let app = spawn_app().await;
    let (team, [_max]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .build()
        .await;
    let lena = user_id(&app, "lena@example.com");
    let mut conn = app.conn();
    let team_id = dripteam::db::team::team_by_leader(&mut conn, lena)
        .unwrap()
        .unwrap()
        .id;
    let all = dripteam::db::activity::ActivityFilter::default();
    let before = dripteam::db::activity::count(&mut conn, team_id, &all).unwrap() as usize;
    let now = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    for i in 0..(120 - before) {
        dripteam::db::team::insert_activity(
            &mut conn,
            team_id,
            lena,
            &format!("someone{i:03}@example.com"),
            ActivityKind::Invited,
            "",
            now,
        )
        .unwrap();
    }
    drop(conn);
    let newest = format!("someone{:03}@example.com", 120 - before - 1);
    let page = team.leader.get("/account/team").await;
    assert!(page.contains(&newest), "My Team shows the newest lines");
    let page = team.leader.get("/account/team/activity").await;
    assert!(page.contains("1–20 of 120"), "{page:?}");
    assert!(page.contains("page=2\">Next"), "{page:?}");
    assert!(page.contains(&newest), "newest first");
    let page = team.leader.get("/account/team/activity?page=6").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("101–120 of 120"), "{page:?}");
    assert!(page.contains("page=5\">Previous"), "{page:?}");
    assert!(!page.contains(&newest));
    let page = team.leader.get("/account/team/activity?page=x%27").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("1–20 of 120"), "{page:?}");
}
