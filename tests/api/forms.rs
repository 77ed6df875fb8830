//! Forms keep what was typed, and creating forms are safe against double submission
//! (issue 13, faults 4 and 5): a refused form comes back with the typed values and the
//! message at the form; a creating form sent twice with its one-time token creates once.

use diesel::prelude::*;

use crate::helpers::{Browser, Page, TestApp, extract_form_token, spawn_app};

const ALREADY_SENT: &str = "This form was already sent, so nothing was created twice.";

fn count_lists(app: &TestApp) -> i64 {
    use dripteam::db::schema::prospect_lists;
    prospect_lists::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// The path of a page's URL (`/prospects/lists/3`).
fn path_of(page: &Page) -> String {
    let after_host = page.url.split("//").nth(1).unwrap();
    format!("/{}", after_host.split_once('/').unwrap().1)
}

#[tokio::test]
async fn create_list_sent_twice_with_one_token_makes_one_list() {
    let app = spawn_app().await;
    let ann = app.user("Ann Owner", "ann@example.com").await;
    let form = ann.get("/prospects").await;
    let token = extract_form_token(&form.body);

    let first = ann
        .post(
            "/prospects/lists",
            &[("name", "Leads"), ("form_token", &token)],
        )
        .await;
    assert!(first.contains("List created"), "{first:?}");
    let second = ann
        .post(
            "/prospects/lists",
            &[("name", "Leads"), ("form_token", &token)],
        )
        .await;
    assert_eq!(count_lists(&app), 1);
    assert_eq!(path_of(&second), path_of(&first), "sent to the first list");
    assert!(second.contains(ALREADY_SENT), "{second:?}");

    // Two clicks at once: one list.
    let form = ann.get("/prospects").await;
    let token = extract_form_token(&form.body);
    let fields = [("name", "Twice"), ("form_token", token.as_str())];
    let (a, b) = tokio::join!(
        ann.post("/prospects/lists", &fields),
        ann.post("/prospects/lists", &fields)
    );
    assert_eq!(count_lists(&app), 2, "{a:?}\n{b:?}");
    assert!(
        a.contains(ALREADY_SENT) || b.contains(ALREADY_SENT),
        "{a:?}\n{b:?}"
    );

    // A fresh page gives a fresh token: a second list of the same name is allowed.
    let again = ann.post("/prospects/lists", &[("name", "Leads")]).await;
    assert!(again.contains("List created"), "{again:?}");
    assert_eq!(count_lists(&app), 3);
}

#[tokio::test]
async fn a_creating_form_without_its_token_creates_nothing_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let ann: Browser = app.user("Ann Owner", "ann@example.com").await;
    let page = ann
        .post(
            "/prospects/lists",
            &[("name", "Kept name"), ("form_token", "")],
        )
        .await;
    assert_eq!(count_lists(&app), 0);
    assert!(page.contains("out-of-date page"), "{page:?}");
    assert!(page.contains("value=\"Kept name\""), "{page:?}");
}
