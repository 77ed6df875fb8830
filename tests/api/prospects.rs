//! Prospects and team records over HTTP: lists, CSV import with private custom fields,
//! verification on shared credits, the member picker, export, and who may do what.

use crate::helpers::{Browser, Export, Member, Plan, TestApp, View, form_action, spawn_app};

/// The first link to a prospect's profile (`/prospects/<id>`).
fn prospect_link(html: &str) -> String {
    html.split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .find(|href| {
            href.strip_prefix("/prospects/")
                .is_some_and(|id| id.chars().all(|c| c.is_ascii_digit()))
        })
        .expect("a prospect link")
        .to_string()
}

async fn create_list(browser: &Browser, name: &str) -> String {
    let page = browser.post("/prospects/lists", &[("name", name)]).await;
    assert!(page.contains("List created"), "{page:?}");
    page.url
        .split("127.0.0.1")
        .nth(1)
        .unwrap()
        .split_once('/')
        .map(|(_, p)| format!("/{p}"))
        .unwrap()
}

/// Uploads, maps and runs an import; returns the finished import page.
async fn import(
    browser: &Browser,
    list: &str,
    csv: &str,
    mapping: &[(&str, &str)],
) -> crate::helpers::Page {
    let page = browser.upload_csv(list, "people.csv", csv.as_bytes()).await;
    assert!(page.url.contains("/imports/"), "{page:?}");
    let start = form_action(&page.body, "/start");
    let page = browser.post(&start, mapping).await;
    assert!(page.contains("The import has started"), "{page:?}");
    browser.wait_for_import(&page.url).await
}

const PEOPLE: &str = "email,first_name,company,Industry,Plan tier\n\
ann@acme.example,Ann,Acme,Steel,Gold\n\
bob@beta.example,Bob,Beta,Retail,Silver\n\
cid@gamma.example,Cid,Gamma,Food,Bronze\n";

const PEOPLE_MAPPING: &[(&str, &str)] = &[
    ("col_0", "email"),
    ("col_1", "first_name"),
    ("col_2", "company"),
    ("col_3", "new"),
    ("name_3", "Industry"),
    ("col_4", "new"),
    ("name_4", "Plan tier"),
];

struct Team {
    leader: Browser,
    member: Member,
    teammate: Member,
}

/// A leader on plan M with two members: `member` Max (Only own records, export on) and
/// `teammate` Tia (View team records, export `tia_export`).
async fn team(app: &TestApp, tia_export: Export) -> Team {
    let (team, [member, teammate]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .member("Tia Teammate", View::Team, tia_export)
        .build()
        .await;
    Team {
        leader: team.leader,
        member,
        teammate,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn import_with_private_custom_fields_seen_on_profiles_by_the_team() {
    let app = spawn_app().await;
    let t = team(&app, Export::On).await;
    let list = create_list(&t.member, "Fair leads").await;
    let report = import(&t.member, &list, PEOPLE, PEOPLE_MAPPING).await;
    assert!(report.contains("3 prospects imported"), "{report:?}");

    // The teammate picks Max on Prospects and opens a profile.
    let max = t.member.id;
    let page = t.teammate.get("/prospects").await;
    assert!(
        page.contains("Max Member") && page.contains("Lena Leader (team leader)"),
        "picker: {page:?}"
    );
    let page = t.teammate.get(&format!("/prospects?member={max}")).await;
    assert!(
        page.contains("Fair leads") && page.contains("read only"),
        "{page:?}"
    );
    let page = t.teammate.get(&list).await;
    assert!(
        !page.contains("Import CSV")
            && !page.contains("Verify list")
            && !page.contains("Add a prospect")
    );
    let profile = prospect_link(&page.body);
    let page = t.teammate.get(&profile).await;
    assert!(
        page.contains("Industry") && page.contains("Steel") && page.contains("Plan tier"),
        "{page:?}"
    );

    // The fields are Max's: they are not in the teammate's own mapping.
    let own = create_list(&t.teammate, "Mine").await;
    let mapping = t
        .teammate
        .upload_csv(&own, "x.csv", b"email,Industry\nz@z.example,Tech\n")
        .await;
    assert!(!mapping.contains("My field: Industry"), "{mapping:?}");
    assert!(!mapping.contains("My field: Plan tier"));
    // …but they are in Max's.
    let mapping = t
        .member
        .upload_csv(&list, "y.csv", b"email,Industry\nq@q.example,Tech\n")
        .await;
    assert!(mapping.contains("My field: Industry"));
    assert!(
        mapping.contains("selected>My field: Industry"),
        "an existing field is suggested by name"
    );

    // The leader exports the list, with Max's custom fields as columns.
    let page = t.leader.get(&format!("/prospects?member={max}")).await;
    assert!(page.contains("Fair leads"));
    let export = t
        .leader
        .client
        .get(format!("{}{list}/export.csv", t.leader.base))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = export.text().await.unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a UTF-8 BOM first");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "email,first_name,last_name,company,position,timezone,verification,Industry,Plan tier"
    );
    assert!(
        csv.contains("ann@acme.example,Ann,,Acme,,,,Steel,Gold"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_off_means_no_export_at_all() {
    let app = spawn_app().await;
    // Tia: View team records, export off.
    let t = team(&app, Export::Off).await;
    let list = create_list(&t.member, "Leads").await;
    t.member
        .post(&format!("{list}/prospects"), &[("email", "a@acme.example")])
        .await;
    let own = create_list(&t.teammate, "Own").await;

    let page = t.teammate.get(&list).await;
    assert!(page.contains("Leads") && !page.contains("Export CSV"));
    assert_eq!(
        t.teammate.get(&format!("{list}/export.csv")).await.status,
        403
    );
    assert!(!t.teammate.get(&own).await.contains("Export CSV"));
    assert_eq!(
        t.teammate.get(&format!("{own}/export.csv")).await.status,
        403
    );
    // The member with export on exports their own list.
    assert_eq!(
        t.member.get(&format!("{list}/export.csv")).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_and_oversize_files_are_refused_and_import_nothing() {
    let app = spawn_app_small_uploads().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let page = ann
        .upload_csv(
            &list,
            "bad.csv",
            b"email,name\n\"a@x.example,Ann\nb@x.example,Bob\n",
        )
        .await;
    assert!(
        page.contains("Line 2: '\"a@x.example,Ann' has 1 field where the header line has 2.")
            && page.contains("Check its quotes"),
        "{page:?}"
    );
    let page = ann
        .upload_csv(&list, "bad.csv", b"email,name\na@x.example,Ann,extra\n")
        .await;
    assert!(
        page.contains("Line 2: 'a@x.example,Ann,extra' has 3 fields")
            && page.contains("Nothing was imported"),
        "{page:?}"
    );
    let page = ann
        .upload_csv(&list, "latin1.csv", b"email,name\na@x.example,Jos\xe9\n")
        .await;
    assert!(page.contains("not UTF-8"), "{page:?}");
    let big = format!("email\n{}", "someone@example.com\n".repeat(60_000));
    let page = ann.upload_csv(&list, "big.csv", big.as_bytes()).await;
    assert!(page.contains("larger than 1 MB"), "{page:?}");
    assert!(ann.get(&list).await.contains("0 prospects"));

    // A mapping without an email column starts nothing.
    let page = ann
        .upload_csv(&list, "ok.csv", b"email,name\na@x.example,Ann\n")
        .await;
    let start = form_action(&page.body, "/start");
    let page = ann
        .post(&start, &[("col_0", "skip"), ("col_1", "first_name")])
        .await;
    assert!(
        page.contains("No column goes to Email: choose the column that holds the addresses."),
        "{page:?}"
    );
    assert!(ann.get(&list).await.contains("0 prospects"));
}

async fn spawn_app_small_uploads() -> TestApp {
    crate::helpers::spawn_app_with(crate::helpers::Options {
        extra: vec![("IMPORT_MAX_MB", "1".into())],
        ..Default::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_import_report_names_duplicates_and_invalid_rows() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    ann.post(&format!("{list}/prospects"), &[("email", "old@x.example")])
        .await;
    let csv = "\u{feff}E-mail;Vorname\nnew@x.example;Neu\nOLD@x.example;Alt\nnot-an-address;Nope\nnew@x.example;Again\n;Empty\n";
    let report = import(
        &ann,
        &list,
        csv,
        &[("col_0", "email"), ("col_1", "first_name")],
    )
    .await;
    assert!(
        report.contains(
            "1 prospect imported, 2 duplicates within the list skipped, 2 invalid rows skipped"
        ),
        "{report:?}"
    );
    assert!(
        report.contains("Line 4: 'not-an-address' is not an email address."),
        "{report:?}"
    );
    assert!(report.contains("Line 6: the email address is empty."));
    let page = ann.get(&list).await;
    assert!(page.contains("2 prospects") && page.contains("new@x.example") && page.contains("Neu"));
}

#[tokio::test(flavor = "multi_thread")]
async fn verification_spends_one_shared_credit_per_address() {
    let app = spawn_app().await;
    let t = team(&app, Export::On).await;
    let list = create_list(&t.member, "Leads").await;
    let csv =
        "email\nok@acme.example\nx@nomx.test\ny@nowhere.test\nz@mailinator.com\nw@slow.test\n";
    import(&t.member, &list, csv, &[("col_0", "email")]).await;
    let page = t.member.post(&format!("{list}/verify"), &[]).await;
    assert!(page.contains("Verifying 5 addresses"), "{page:?}");
    app.run_verifications_once(None).await;
    let page = t.member.get(&list).await;
    assert!(
        page.contains("<strong>Verification:</strong> 1 valid, 3 invalid, 1 unknown."),
        "{page:?}"
    );
    assert!(page.contains("verdict-valid") && page.contains("verdict-unknown"));
    let profile = prospect_link(&page.body);
    let page = t.member.get(&profile).await;
    assert!(
        page.contains("mail server found") && page.contains("UTC"),
        "{page:?}"
    );
    let page = t.member.post(&format!("{profile}/verify"), &[]).await;
    assert!(page.contains("Verified: valid"), "{page:?}");

    let team_page = t.leader.get("/account/team").await;
    assert!(
        team_page.contains("data-label=\"Credits used\">6</td>"),
        "6 credits on Max's row: {team_page:?}"
    );
    assert!(t.leader.get("/account/billing").await.contains("6 / 5,000"));

    // A teammate cannot spend credits on someone else's list.
    assert_eq!(
        t.teammate.post(&format!("{list}/verify"), &[]).await.status,
        403
    );
    assert!(
        t.leader.get("/account/billing").await.contains("6 / 5,000"),
        "nothing spent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exhausted_pool_verifies_nothing_and_says_so() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = create_list(&ann, "Leads").await;
    let rows: String = (0..48).map(|n| format!("p{n}@acme.example\n")).collect();
    import(
        &ann,
        &list,
        &format!("email\n{rows}"),
        &[("col_0", "email")],
    )
    .await;
    let page = ann.post(&format!("{list}/verify"), &[]).await;
    assert!(page.contains("Verifying 48 addresses"), "{page:?}");
    app.run_verifications_once(None).await;
    let page = ann.post(&format!("{list}/verify"), &[]).await;
    assert!(
        page.contains("Verifying needs 48 credits, but only 2 are left"),
        "{page:?}"
    );
    assert!(page.contains("Nothing was verified. Credits renew on"));
    assert!(ann.get("/account/billing").await.contains("48 / 50"));
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_and_prospects_are_created_edited_and_deleted_by_their_owner() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    assert!(
        ann.post("/prospects/lists", &[("name", "  ")])
            .await
            .contains("Give the list a name.")
    );
    let list = create_list(&ann, "Leads").await;
    let page = ann
        .post(
            &format!("{list}/prospects"),
            &[("email", "Bob@Acme.example"), ("first_name", "Bob")],
        )
        .await;
    assert!(page.contains("Added bob@acme.example."));
    let page = ann
        .post(
            &format!("{list}/prospects"),
            &[("email", "bob@acme.example")],
        )
        .await;
    assert!(page.contains("already in this list"));
    assert!(
        ann.post(&format!("{list}/prospects"), &[("email", "nope")])
            .await
            .contains("Enter an email address")
    );
    let page = ann
        .post(&format!("{list}/rename"), &[("name", "Hot leads")])
        .await;
    assert!(page.contains("Renamed to “Hot leads”."));

    let profile = prospect_link(&page.body);
    let page = ann
        .post(
            &profile,
            &[
                ("email", "bob@acme.example"),
                ("first_name", "Robert"),
                ("company", "Acme"),
            ],
        )
        .await;
    assert!(page.contains("Prospect saved.") && page.contains("Robert"));
    let page = ann.post(&format!("{profile}/delete"), &[]).await;
    assert!(page.contains("Deleted bob@acme.example."));
    assert!(page.contains("0 prospects"));

    let page = ann.get(&format!("{list}/delete")).await;
    assert!(page.contains("Delete “Hot leads”?"));
    let page = ann.post(&format!("{list}/delete"), &[]).await;
    assert!(page.contains("Deleted the list"));
    assert_eq!(ann.get(&list).await.status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn basic_plans_have_no_picker_and_team_urls_answer_404() {
    let app = spawn_app().await;
    let t = team(&app, Export::On).await;
    let list = create_list(&t.member, "Leads").await;
    let max = t.member.id;
    app.downgrade(&t.leader, Plan::S).await;
    let page = t.leader.get("/prospects").await;
    assert!(!page.contains("Team member"), "no picker on S");
    assert_eq!(
        t.leader
            .get(&format!("/prospects?member={max}"))
            .await
            .status,
        404
    );
    assert_eq!(t.leader.get(&list).await.status, 404);
    assert_eq!(t.teammate.get(&list).await.status, 404);
}

/// Who may do what to Max's list and prospect, checked over HTTP.
#[tokio::test(flavor = "multi_thread")]
async fn the_record_permission_table_holds_over_http() {
    let app = spawn_app().await;
    // Extra roles: export off, a former member (Fay, who leaves below), an outsider,
    // anonymous.
    let (team, [member, teammate, export_off, former]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .member("Tia Teammate", View::Team, Export::On)
        .member("Eli", View::Team, Export::Off)
        .member("Fay", View::Team, Export::On)
        .build()
        .await;
    let t = Team {
        leader: team.leader,
        member,
        teammate,
    };
    let list = create_list(&t.member, "Leads").await;
    let page = t
        .member
        .post(&format!("{list}/prospects"), &[("email", "a@acme.example")])
        .await;
    let prospect = prospect_link(&page.body);

    let formers_list = create_list(&former, "Fay's own").await;
    assert_eq!(
        t.leader.get(&formers_list).await.status,
        200,
        "visible while Fay is a member"
    );
    former.post("/account/team/leave", &[]).await;
    assert_eq!(
        t.leader.get(&formers_list).await.status,
        404,
        "a former member's records leave the team"
    );
    assert_eq!(
        former.get(&formers_list).await.status,
        200,
        "and stay with Fay"
    );
    let outsider = app.user("Oz", "oz@example.com").await;
    let anonymous = app.browser();

    // (who, view list, view prospect, export, rename, verify) → status
    let table: Vec<(&str, &Browser, [u16; 5])> = vec![
        ("owner", &t.member.browser, [200, 200, 200, 200, 200]),
        ("leader", &t.leader, [200, 200, 200, 403, 403]),
        (
            "member with View team records",
            &t.teammate.browser,
            [200, 200, 200, 403, 403],
        ),
        (
            "member with export off",
            &export_off.browser,
            [200, 200, 403, 403, 403],
        ),
        ("former member", &former.browser, [404, 404, 404, 404, 404]),
        ("outsider", &outsider, [404, 404, 404, 404, 404]),
    ];
    for (who, browser, expected) in &table {
        let got = [
            browser.get(&list).await.status,
            browser.get(&prospect).await.status,
            browser.get(&format!("{list}/export.csv")).await.status,
            first_status(browser, &format!("{list}/rename"), &[("name", who)]).await,
            first_status(browser, &format!("{list}/verify"), &[]).await,
        ];
        assert_eq!(&got, expected, "{who}");
    }
    let page = anonymous.get(&list).await;
    assert!(
        page.url.contains("/login?next="),
        "anonymous is sent to log in"
    );
    let page = t.member.get(&list).await;
    assert!(
        page.contains("<h1>owner</h1>"),
        "renamed by its owner only: {page:?}"
    );

    // A locked team: members see only their own records again.
    app.clock.advance(chrono::Duration::days(40));
    assert_eq!(t.teammate.get(&list).await.status, 404);
    assert_eq!(t.leader.get(&list).await.status, 404);
    assert_eq!(t.member.get(&list).await.status, 200);
}

/// The status of a POST as the user sees it: refusals by flash come back as a 200 page
/// on the list with the message, so a refused form answers 403 here when it says so.
async fn first_status(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> u16 {
    let page = browser.post(path, fields).await;
    if page.status == 200
        && (page.contains("read only: only their owner") || page.contains("cannot export"))
    {
        403
    } else {
        page.status
    }
}
