//! The do-not-email list as CSV: the download (formula cells neutralised) and the import
//! (named or first column, optional header, bad rows reported by line, duplicates counted,
//! a file that is not CSV changes nothing).

use crate::campaigns::spawn_app;

#[tokio::test(flavor = "multi_thread")]
async fn the_list_downloads_as_csv_and_imports_back_with_bad_rows_reported() {
    let app = spawn_app().await;
    let ann = app.user("Ann Able", "ann@example.com").await;
    for entry in ["bob@globex.example", "@competitor.example"] {
        ann.post("/prospects/do-not-email", &[("entry", entry)])
            .await;
    }
    let response = ann
        .client
        .get(format!("{}/prospects/do-not-email.csv", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("entry,reason,added_by,added_at"));
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows[0].starts_with("bob@globex.example,Added by hand,Ann Able,"),
        "{csv}"
    );
    // A domain entry begins with "@", a formula character: neutralised.
    assert!(
        rows[1].starts_with("'@competitor.example,Added by hand,Ann Able,"),
        "{csv}"
    );

    // Into another user's list: the export, plus a bad row and a duplicate.
    let bea = app.user("Bea Busy", "bea@example.com").await;
    bea.post(
        "/prospects/do-not-email",
        &[("entry", "bob@globex.example")],
    )
    .await;
    let upload = format!("{csv}not an address,x,y,z\r\nCarl@Initech.example,,,\r\n");
    let page = bea
        .upload_csv("/prospects/do-not-email", "list.csv", upload.as_bytes())
        .await;
    assert!(
        page.contains("Imported: 2 added, 1 already on the list, 1 refused.")
            && page.contains("Line 4: “not an address” is not an address"),
        "{page:?}"
    );
    let page = bea.get("/prospects/do-not-email").await;
    for entry in ["@competitor.example", "carl@initech.example"] {
        assert!(
            page.contains(&format!("<td><strong>{entry}</strong></td>")),
            "{page:?}"
        );
    }
    assert!(!page.contains("not an address</strong>"), "{page:?}");

    // No header row: the first column; a file that is not CSV changes nothing.
    let page = bea
        .upload_csv(
            "/prospects/do-not-email",
            "plain.csv",
            b"dan@d.example\r\n@e.example\r\n",
        )
        .await;
    assert!(page.contains("Imported: 2 added"), "{page:?}");
    let page = bea
        .upload_csv("/prospects/do-not-email", "x.csv", b"\xff\xfe\x00bad")
        .await;
    assert!(
        page.contains("is not UTF-8") && page.contains("Nothing was imported"),
        "{page:?}"
    );
    let page = bea.get("/prospects/do-not-email").await;
    assert!(
        page.contains("5 entries") || page.contains("of 5"),
        "{page:?}"
    );
}
