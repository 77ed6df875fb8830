//! The prospect's own time zone (issue 15 item 1): a `timezone` standard field, edited on
//! the profile and imported from CSV (checked against the IANA database), exported with the
//! list; and the campaign setting "Send in the prospect's time zone when they have one",
//! which evaluates the sending window in the prospect's zone. The app's clock is moved to
//! chosen local times, the sender is run round by round.

use chrono_tz::Tz;

use crate::campaigns::{path_of, setup};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Browser, Plan, form_action, spawn_app};
use crate::schedules::{PARIS, at, paris_office_hours, spawn_app_with_office_hours};

const NEW_YORK: Tz = chrono_tz::America::New_York;

/// The profile path (`/prospects/<id>`) of the prospect `email` on a list page.
fn profile_of(list_page: &str, email: &str) -> String {
    let before = list_page
        .split(&format!("\">{email}</a>"))
        .next()
        .expect("the prospect's link");
    let id = before.rsplit("href=\"/prospects/").next().unwrap();
    format!("/prospects/{id}")
}

/// The path of the first prospect list on the Prospects page.
async fn first_list(who: &Browser) -> String {
    let page = who.get("/prospects").await;
    let at = page.body.find("href=\"/prospects/lists/").expect("a list");
    let rest = &page.body[at + "href=\"".len()..];
    rest.split('"').next().unwrap().to_string()
}

/// The profile's edit fields as posted: every standard field.
fn edit_fields<'a>(email: &'a str, company: &'a str, zone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("first_name", "Ann"),
        ("company", company),
        ("timezone", zone),
    ]
}

#[tokio::test]
async fn a_new_york_prospect_gets_the_paris_campaign_at_09_00_new_york_time() {
    let app = spawn_app_with_office_hours().await;
    let imap_server = ImapServer::start();
    let s = setup(&app, Plan::M, imap_server.port, 2).await;

    // Ann lives in New York; Bob has no zone and follows the campaign's (Paris).
    let list = first_list(&s.max).await;
    let ann = profile_of(&s.max.get(&list).await.body, "ann@acme.example");
    let page = s
        .max
        .post(
            &ann,
            &edit_fields("ann@acme.example", "Acme", "America/New_York"),
        )
        .await;
    assert!(page.contains("Prospect saved."), "{page:?}");

    let in_their_zone = [("in_prospect_zone", "on")];
    let page = paris_office_hours(&s.max, &s.campaign, &in_their_zone).await;
    assert!(
        page.contains("Campaign saved.")
            && page.contains(
                "Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Paris, in the prospect's time zone when they have one"
            )
            && page.contains("name=\"in_prospect_zone\" value=\"on\" checked"),
        "{page:?}"
    );

    // Tuesday 8 December 2026, 10:00 in Paris = 04:00 in New York.
    at(&app, PARIS, (2026, 12, 8), (10, 0));
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 1, "Bob only, in Paris hours");
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1);
    assert!(
        app.smtp().to("ann@acme.example").is_empty(),
        "04:00 for Ann"
    );
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("2026-12-08 09:00 America/New_York")
            && page
                .contains("outside the sending window (next opening Tue 09:00 America/New_York)"),
        "Ann waits for her own opening: {}",
        page.text()
    );

    at(&app, NEW_YORK, (2026, 12, 8), (8, 59));
    assert_eq!(
        app.run_sender_once().await,
        0,
        "not before 09:00 in New York"
    );
    at(&app, NEW_YORK, (2026, 12, 8), (9, 0));
    assert_eq!(app.run_sender_once().await, 1, "09:00 in New York");
    assert_eq!(app.smtp().to("ann@acme.example").len(), 1);
    // Her next step is one calendar day later in her zone; Bob's in Paris.
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("2026-12-09 09:00 America/New_York")
            && page.contains("2026-12-09 10:00 Europe/Paris"),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn the_profile_takes_an_iana_zone_and_keeps_a_bad_one_as_typed() {
    let app = spawn_app().await;
    let ann = app.user("Ann Owner", "ann@example.com").await;
    let list = path_of(&ann.post("/prospects/lists", &[("name", "Leads")]).await.url);
    let page = ann
        .post(
            &format!("{list}/prospects"),
            &[("email", "bob@acme.example"), ("timezone", "Europe/Berlin")],
        )
        .await;
    assert!(page.contains("Added bob@acme.example."), "{page:?}");
    let profile = profile_of(&page.body, "bob@acme.example");
    assert!(ann.get(&profile).await.contains("value=\"Europe/Berlin\""));

    let page = ann
        .post(
            &profile,
            &edit_fields("bob@acme.example", "Acme Typed", "Mars/Olympus"),
        )
        .await;
    let edit = page.text();
    let edit = edit.split("<h2>Edit</h2>").nth(1).expect("the edit form");
    assert!(
        edit.contains(
            "The time zone 'Mars/Olympus' is not an IANA time zone name; give one such as Europe/Paris, America/New_York or UTC, or leave it empty."
        ) && edit.contains("value=\"Mars/Olympus\"")
            && edit.contains("value=\"Acme Typed\""),
        "{edit}"
    );
    assert!(
        ann.get(&profile).await.contains("value=\"Europe/Berlin\""),
        "nothing changed"
    );

    let page = ann
        .post(
            &profile,
            &edit_fields("bob@acme.example", "Acme", " America/New_York "),
        )
        .await;
    assert!(page.contains("Prospect saved."), "{page:?}");
    assert!(page.contains("value=\"America/New_York\""), "{page:?}");
    let page = ann
        .post(&profile, &edit_fields("bob@acme.example", "Acme", ""))
        .await;
    assert!(page.contains("Prospect saved."), "an empty zone is none");
    assert!(page.contains("name=\"timezone\" value=\"\""), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_time_zone_column_is_imported_checked_and_exported() {
    let app = spawn_app().await;
    let ann = app.user("Ann Owner", "ann@example.com").await;
    let list = path_of(&ann.post("/prospects/lists", &[("name", "Leads")]).await.url);
    let csv = "email,first_name,Time zone\n\
               ann@acme.example,Ann,America/New_York\n\
               bob@globex.example,Bob,Mars/Olympus\n\
               cid@gamma.example,Cid,\n";
    let page = ann.upload_csv(&list, "people.csv", csv.as_bytes()).await;
    assert!(
        page.body
            .contains("<option value=\"timezone\" selected>Time zone</option>"),
        "the header is recognised: {page:?}"
    );
    let page = ann
        .post(
            &form_action(&page.body, "/start"),
            &[
                ("col_0", "email"),
                ("col_1", "first_name"),
                ("col_2", "timezone"),
            ],
        )
        .await;
    let report = ann.wait_for_import(&page.url).await;
    assert!(
        report.contains("2 prospects imported")
            && report.contains(
                "Line 3: the time zone 'Mars/Olympus' is not an IANA time zone name; give one such as Europe/Paris, America/New_York or UTC, or leave it empty."
            ),
        "{report:?}"
    );

    let (status, body) = ann.get_bytes(&format!("{list}/export.csv")).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "email,first_name,last_name,company,position,timezone,verification"
    );
    assert!(
        lines.contains(&"ann@acme.example,Ann,,,,America/New_York,")
            && lines.contains(&"cid@gamma.example,Cid,,,,,")
            && !text.contains("bob@globex.example"),
        "{lines:?}"
    );
    let page = ann.get(&list).await;
    assert!(page.contains("America/New_York"), "the list shows it");
}
