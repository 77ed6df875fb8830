//! Forms keep what was typed, and creating forms are safe against double submission
//! (issue 13, faults 4 and 5): a refused form comes back with the typed values and the
//! message at the form; a creating form sent twice with its one-time token creates once.

use diesel::prelude::*;

use crate::helpers::{Browser, Page, Plan, TestApp, extract_form_token, spawn_app};

const ALREADY_SENT: &str = "This form was already sent, so nothing was created twice.";

/// How many rows `table` holds.
macro_rules! rows {
    ($app:expr, $table:ident) => {{
        use dripteam::db::schema::$table;
        $table::table
            .count()
            .get_result::<i64>(&mut *$app.conn())
            .unwrap()
    }};
}

fn count_lists(app: &TestApp) -> i64 {
    rows!(app, prospect_lists)
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
    // One list. The click that created it ends on it; the other ends on it too, or on the
    // lists page when it came while the first was still creating (nothing to name yet).
    // Which of them shows "already sent" is not asserted: the two answers share one session
    // cookie, and the flash message kept in it by one can be overwritten by the other's
    // before its redirect is followed.
    assert_eq!(count_lists(&app), 2, "{a:?}\n{b:?}");
    let list = [&a, &b]
        .into_iter()
        .map(path_of)
        .find(|p| p.starts_with("/prospects/lists/"))
        .expect("one click ends on the new list");
    for page in [&a, &b] {
        assert_eq!(page.status, 200);
        assert!(
            path_of(page) == list || path_of(page) == "/prospects",
            "{page:?}"
        );
    }

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

/// Loads `form_page`, takes its form token and posts `fields` to `action` twice with it.
async fn post_twice(
    who: &Browser,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (Page, Page) {
    let page = who.get(form_page).await;
    let token = extract_form_token(&page.body);
    let mut all = fields.to_vec();
    all.push(("form_token", &token));
    let first = who.post(action, &all).await;
    let second = who.post(action, &all).await;
    (first, second)
}

/// The value of the first option of `select` in a page.
fn option_value(html: &str, select: &str) -> String {
    let at = html.find(&format!("name=\"{select}\"")).expect("select");
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..].split('"').next().unwrap().to_string()
}

fn sender_fields<'a>(email: &'a str, smtp_port: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("display_name", "Ann at Acme"),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", smtp_port),
        ("smtp_security", "none"),
        ("smtp_user", "ann-smtp"),
        ("smtp_password", "smtp-secret"),
        ("imap_host", "imap.acme.example"),
        ("imap_port", "1993"),
        ("imap_security", "none"),
        ("imap_user", "ann-imap"),
        ("imap_password", "imap-secret"),
        ("daily_limit", "77"),
    ]
}

/// Ann with a sender account and a list of one prospect; returns (list path, sender id).
async fn owner_with_sender_and_list(app: &TestApp) -> (Browser, String, String) {
    let ann = app.user("Ann Owner", "ann@example.com").await;
    let page = ann
        .post("/senders", &sender_fields("ann@acme.example", "2525"))
        .await;
    assert!(page.contains("added"), "{page:?}");
    let page = ann.post("/prospects/lists", &[("name", "Leads")]).await;
    let list = path_of(&page);
    let page = ann
        .post(
            &format!("{list}/prospects"),
            &[("email", "bob@globex.example")],
        )
        .await;
    assert!(page.contains("Added"), "{page:?}");
    let sender_id = option_value(&ann.get("/campaigns").await.body, "sender_id");
    (ann, list, sender_id)
}

#[tokio::test]
async fn create_campaign_is_made_once_and_a_missing_choice_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (ann, list, sender_id) = owner_with_sender_and_list(&app).await;
    let list_id = list.rsplit('/').next().unwrap();

    // No sender chosen: the page again, with the name and the list as typed.
    let page = ann
        .post(
            "/campaigns",
            &[
                ("name", "Spring push"),
                ("sender_id", ""),
                ("list_id", list_id),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.contains("Choose one of your sender accounts."),
        "{page:?}"
    );
    assert!(page.contains("value=\"Spring push\""), "{page:?}");
    assert!(
        page.contains(&format!("<option value=\"{list_id}\" selected>")),
        "{page:?}"
    );
    // A name too long: the choices stay as typed.
    let long = "n".repeat(101);
    let page = ann
        .post(
            "/campaigns",
            &[
                ("name", &long),
                ("sender_id", &sender_id),
                ("list_id", list_id),
            ],
        )
        .await;
    assert!(page.contains("1 to 100 characters"), "{page:?}");
    assert!(page.contains(&format!("value=\"{long}\"")), "{page:?}");
    assert!(
        page.contains(&format!("<option value=\"{sender_id}\" selected>")),
        "{page:?}"
    );
    assert_eq!(rows!(app, campaigns), 0);

    let fields = [
        ("name", "Spring push"),
        ("sender_id", sender_id.as_str()),
        ("list_id", list_id),
    ];
    let (first, second) = post_twice(&ann, "/campaigns", "/campaigns", &fields).await;
    assert!(first.contains("Campaign created"), "{first:?}");
    assert_eq!(rows!(app, campaigns), 1);
    assert_eq!(path_of(&second), path_of(&first));
    assert!(second.contains(ALREADY_SENT), "{second:?}");

    // Settings refused: the typed name comes back on the campaign page.
    let campaign = path_of(&first);
    let page = ann
        .post(
            &format!("{campaign}/settings"),
            &[("name", ""), ("sender_id", &sender_id), ("list_id", "")],
        )
        .await;
    assert!(page.contains("Give the campaign a name"), "{page:?}");
    let page = ann
        .post(
            &format!("{campaign}/settings"),
            &[
                ("name", "Renamed push"),
                ("sender_id", &sender_id),
                ("list_id", "x"),
            ],
        )
        .await;
    assert!(
        page.contains("Choose one of your prospect lists."),
        "{page:?}"
    );
    assert!(page.contains("value=\"Renamed push\""), "{page:?}");
}

#[tokio::test]
async fn add_step_add_prospect_and_upload_are_made_once() {
    let app = spawn_app().await;
    let (ann, list, sender_id) = owner_with_sender_and_list(&app).await;
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = ann
        .post(
            "/campaigns",
            &[
                ("name", "Spring"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    let campaign = path_of(&page);

    let step = [
        ("subject", "Hello"),
        ("body", "Hi {{first_name}}"),
        ("delay_days", "0"),
    ];
    let (first, second) = post_twice(&ann, &campaign, &format!("{campaign}/steps"), &step).await;
    assert!(first.contains("Step 1 added."), "{first:?}");
    assert!(second.contains(ALREADY_SENT), "{second:?}");
    assert_eq!(rows!(app, campaign_steps), 1);

    // A step sent from a page that is out of date (the campaign was launched meanwhile):
    // the refusal is shown although the page no longer has the step form.
    let launched = ann.post(&format!("{campaign}/launch"), &[]).await;
    assert!(!launched.contains("flash error"), "{launched:?}");
    let page = ann
        .post(
            &format!("{campaign}/steps"),
            &[
                ("subject", "Late"),
                ("body", "Too late"),
                ("delay_days", "1"),
            ],
        )
        .await;
    assert!(
        page.contains("Pause the campaign before changing it."),
        "{page:?}"
    );
    assert_eq!(rows!(app, campaign_steps), 1);

    let prospect = [("email", "carl@initech.example"), ("first_name", "Carl")];
    let (first, second) = post_twice(&ann, &list, &format!("{list}/prospects"), &prospect).await;
    assert!(first.contains("Added carl@initech.example"), "{first:?}");
    assert!(second.contains(ALREADY_SENT), "{second:?}");
    assert!(!second.contains("already in this list"), "{second:?}");
    assert_eq!(rows!(app, prospects), 2);

    // The same upload twice with one token: one import, the second sent to it.
    let upload_page = ann.get(&format!("{list}/import")).await;
    let token = extract_form_token(&upload_page.body);
    let csrf = ann.csrf_token().await;
    let mut pages = Vec::new();
    for _ in 0..2 {
        let part = reqwest::multipart::Part::bytes(b"email\ndan@acme.example\n".to_vec())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf.clone())
            .text("form_token", token.clone())
            .part("file", part);
        let response = ann
            .client
            .post(format!("{}{list}/import", ann.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        pages.push((
            response.url().path().to_string(),
            response.text().await.unwrap(),
        ));
    }
    assert_eq!(rows!(app, imports), 1);
    assert_eq!(pages[0].0, pages[1].0, "{pages:?}");
    assert!(pages[1].1.contains(ALREADY_SENT), "{pages:?}");
}

#[tokio::test]
async fn add_sender_is_made_once_and_a_bad_port_keeps_every_field_but_passwords() {
    let app = spawn_app().await;
    let ann = app.user("Ann Owner", "ann@example.com").await;
    let page = ann
        .post("/senders", &sender_fields("ann@acme.example", "99999"))
        .await;
    assert!(page.contains("port"), "{page:?}");
    for typed in [
        "ann@acme.example",
        "Ann at Acme",
        "127.0.0.1",
        "99999",
        "ann-smtp",
        "imap.acme.example",
        "1993",
        "ann-imap",
        "77",
    ] {
        assert!(
            page.contains(&format!("value=\"{typed}\"")),
            "{typed}: {page:?}"
        );
    }
    assert!(!page.contains("smtp-secret") && !page.contains("imap-secret"));
    assert_eq!(rows!(app, sender_accounts), 0);

    let fields = sender_fields("ann@acme.example", "2525");
    let (first, second) = post_twice(&ann, "/senders", "/senders", &fields).await;
    assert!(first.contains("added"), "{first:?}");
    assert!(second.contains(ALREADY_SENT), "{second:?}");
    assert_eq!(rows!(app, sender_accounts), 1);
}

#[tokio::test]
async fn invite_is_sent_once_and_refused_team_forms_keep_what_was_typed() {
    let app = spawn_app().await;
    let (team, []) = app.team(Plan::M).build().await;
    let lena = &team.leader;

    let page = lena
        .post("/account/team/invitations", &[("email", "not an address")])
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.contains("value=\"not an address\""), "{page:?}");
    assert_eq!(rows!(app, invitations), 0);

    let fields = [("email", "nia@example.com")];
    let (first, second) =
        post_twice(lena, "/account/team", "/account/team/invitations", &fields).await;
    assert!(first.contains("nia@example.com"), "{first:?}");
    assert!(second.contains(ALREADY_SENT), "{second:?}");
    assert!(!second.contains("already pending"), "{second:?}");
    assert_eq!(rows!(app, invitations), 1);
}

#[tokio::test]
async fn refused_caps_rename_and_forgot_password_keep_what_was_typed() {
    let app = spawn_app().await;
    let (team, [_max]) = app
        .team(Plan::M)
        .member(
            "Max Member",
            crate::helpers::View::Own,
            crate::helpers::Export::On,
        )
        .build()
        .await;
    let lena = &team.leader;
    let my_team = lena.get("/account/team").await;
    let caps = crate::helpers::form_action(&my_team.body, "/caps");
    let page = lena
        .post(&caps, &[("credit_cap", "12x"), ("recipient_cap", "40")])
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.contains("value=\"12x\""), "{page:?}");
    assert!(page.contains("value=\"40\""), "{page:?}");

    let page = lena.post("/prospects/lists", &[("name", "Leads")]).await;
    let list = path_of(&page);
    let long = "r".repeat(101);
    let page = lena
        .post(&format!("{list}/rename"), &[("name", &long)])
        .await;
    assert!(page.contains("100 characters"), "{page:?}");
    assert!(page.contains(&format!("value=\"{long}\"")), "{page:?}");

    let stranger = app.browser();
    let page = stranger
        .post("/password/forgot", &[("email", "lena at example")])
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.contains("value=\"lena at example\""), "{page:?}");
}

/// Issue 13, fault 4: a refused edit of a prospect comes back as typed with the message at
/// the edit form, not at the top of the page.
#[tokio::test]
async fn a_refused_prospect_edit_keeps_what_was_typed_and_says_why_at_the_form() {
    let app = spawn_app().await;
    let ann = app.user("Ann Owner", "ann@example.com").await;
    let list = ann.post("/prospects/lists", &[("name", "Leads")]).await;
    let list = path_of(&list);
    let page = ann
        .post(
            &format!("{list}/prospects"),
            &[("email", "bob@acme.example"), ("first_name", "Bob")],
        )
        .await;
    let profile = page
        .body
        .split("href=\"/prospects/")
        .filter_map(|rest| rest.split('"').next())
        .find(|id| id.chars().all(|c| c.is_ascii_digit()))
        .map(|id| format!("/prospects/{id}"))
        .expect("a prospect link");
    let page = ann
        .post(
            &profile,
            &[
                ("email", "not an address"),
                ("first_name", "Robert"),
                ("company", "Acme Typed"),
            ],
        )
        .await;
    let edit = page
        .body
        .split("<h2>Edit</h2>")
        .nth(1)
        .expect("the edit form");
    assert!(
        edit.contains("role=\"alert\""),
        "the message at the form: {edit}"
    );
    assert!(edit.contains("value=\"not an address\""), "{edit}");
    assert!(edit.contains("value=\"Acme Typed\""), "{edit}");
    let top = page.body.split("<h2>Edit</h2>").next().unwrap();
    assert!(!top.contains("flash error"), "no message at the top: {top}");
}
