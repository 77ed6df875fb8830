//! Import errors say what was wrong, on which line, with the offending value (escaped in the
//! page, shortened when long) — not the add-prospect form's hint.

use crate::helpers::{Browser, form_action, spawn_app};

async fn list(browser: &Browser) -> String {
    let page = browser.post("/prospects/lists", &[("name", "Leads")]).await;
    assert!(page.url.contains("/prospects/lists/"), "{page:?}");
    let rest = page.url.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_rows_name_their_line_and_value() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = list(&ann).await;
    let long = "A".repeat(300);
    let csv = format!(
        "email,first_name,company\n\
         ann@acme.example,Ann,Acme\n\
         bob@@example,Bob,Beta\n\
         ,Nobody,Gamma\n\
         <b>x</b>@evil.example,Evil,Co\n\
         cid@gamma.example,Cid,{long}\n\
         dan@delta.example,\"Da\u{7}n\",Delta\n"
    );
    let page = ann.upload_csv(&list, "people.csv", csv.as_bytes()).await;
    let page = ann
        .post(
            &form_action(&page.body, "/start"),
            &[
                ("col_0", "email"),
                ("col_1", "first_name"),
                ("col_2", "company"),
            ],
        )
        .await;
    let report = ann.wait_for_import(&page.url).await;
    for said in [
        "Line 3: 'bob@@example' is not an email address.",
        "Line 4: the email address is empty.",
        "Line 5: '<b>x</b>@evil.example' is not an email address.",
        "Line 6: the company 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…' is longer than 200 characters (it has 300).",
        "Line 7: the first name 'Da\\u{7}n' contains a control character (a line break, tab or similar).",
    ] {
        assert!(report.contains(said), "{said}: {report:?}");
    }
    assert!(!report.body.contains("<b>x</b>"), "escaped in the page");
    assert!(!report.body.contains(&long), "shortened");
    assert!(
        !report.contains("Enter an email address"),
        "not the form's hint"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_files_name_the_line_and_what_is_on_it() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = list(&ann).await;
    let page = ann
        .upload_csv(
            &list,
            "bad.csv",
            b"email,name\na@x.example,Ann\nb@x.example,Bob,extra\n",
        )
        .await;
    assert!(
        page.contains("Line 3: 'b@x.example,Bob,extra' has 3 fields where the header line has 2."),
        "{page:?}"
    );
    let page = ann
        .upload_csv(&list, "latin1.csv", b"email,name\na@x.example,Jos\xe9\n")
        .await;
    assert!(
        page.contains("Line 2: the text after 'a@x.example,Jos' is not UTF-8"),
        "{page:?}"
    );
    let page = ann.upload_csv(&list, "empty.csv", b"email,name\n").await;
    assert!(
        page.contains("The file has only its header line ('email,name'): no rows to import."),
        "{page:?}"
    );

    let page = ann
        .upload_csv(
            &list,
            "ok.csv",
            b"Mail,Work mail,Name\na@x.example,b@x.example,Ann\n",
        )
        .await;
    let start = form_action(&page.body, "/start");
    let page = ann
        .post(
            &start,
            &[
                ("col_0", "skip"),
                ("col_1", "skip"),
                ("col_2", "first_name"),
            ],
        )
        .await;
    assert!(
        page.contains("No column goes to Email: choose the column that holds the addresses."),
        "{page:?}"
    );
    let page = ann
        .post(
            &start,
            &[
                ("col_0", "email"),
                ("col_1", "email"),
                ("col_2", "first_name"),
            ],
        )
        .await;
    assert!(
        page.contains("Columns 'Mail' and 'Work mail' both go to Email: choose one."),
        "{page:?}"
    );
    let page = ann
        .post(
            &start,
            &[
                ("col_0", "email"),
                ("col_1", "first_name"),
                ("col_2", "first_name"),
            ],
        )
        .await;
    assert!(
        page.contains("Columns 'Work mail' and 'Name' both go to First name: map each field once."),
        "{page:?}"
    );
    let page = ann
        .post(
            &start,
            &[
                ("col_0", "email"),
                ("col_1", "skip"),
                ("col_2", "new"),
                ("name_2", ""),
            ],
        )
        .await;
    assert!(
        page.contains("Column 'Name': name the new custom field (1 to 60 characters)."),
        "{page:?}"
    );
}
