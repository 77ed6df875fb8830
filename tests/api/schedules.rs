//! Sending schedules (issue 15 items 1, 4 and 6): a due email outside its campaign's window
//! waits for the next opening in the schedule's zone, "Launch at" sends nothing before its
//! time, the campaign page says when each recipient's next email is due and why it waits,
//! and a bad time zone is refused with the form as typed. The app's clock is moved to
//! chosen local times (`at`), the sender is run round by round.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::campaigns::{option_value, setup};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Browser, Options, Page, Plan, TestApp, spawn_app_with};

/// The app with the product's default window for new campaigns (Mon–Fri 09:00–17:00),
/// its sender run by the test.
pub(crate) async fn spawn_app_with_office_hours() -> TestApp {
    spawn_app_with(Options {
        extra: vec![("DEFAULT_SENDING_WINDOW", "weekdays".into())],
        ..Options::manual_rounds()
    })
    .await
}

/// Moves the app's clock to local time `y-m-d h:mi` in `zone`.
pub(crate) fn at(app: &TestApp, zone: Tz, (y, m, d): (i32, u32, u32), (h, mi): (u32, u32)) {
    let local = NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap();
    let target = zone
        .from_local_datetime(&local)
        .single()
        .unwrap()
        .naive_utc();
    // The clock moves in whole seconds: land in [target, target + 1 s).
    app.clock
        .advance(target - app.clock.now() + chrono::Duration::seconds(1));
}

pub(crate) const PARIS: Tz = chrono_tz::Europe::Paris;

/// Saves `campaign`'s settings with Monday to Friday 09:00–17:00 in Europe/Paris, plus
/// `extra` fields; the page it answers with.
pub(crate) async fn paris_office_hours(
    who: &Browser,
    campaign: &str,
    extra: &[(&str, &str)],
) -> Page {
    let page = who.get(campaign).await;
    let (sender_id, list_id) = (
        option_value(&page.body, "sender_id"),
        option_value(&page.body, "list_id"),
    );
    let mut fields = vec![
        ("name", "Fair follow-up"),
        ("sender_id", sender_id.as_str()),
        ("list_id", list_id.as_str()),
        ("window_start", "09:00"),
        ("window_end", "17:00"),
        ("time_zone", "Europe/Paris"),
    ];
    fields.extend(["day0", "day1", "day2", "day3", "day4"].map(|d| (d, "on")));
    fields.extend_from_slice(extra);
    who.post(&format!("{campaign}/settings"), &fields).await
}

#[tokio::test]
async fn an_email_due_at_20_00_in_paris_goes_out_at_09_00_the_next_weekday() {
    let app = spawn_app_with_office_hours().await;
    let imap_server = ImapServer::start();
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    // The owner's zone (Account page) is the schedule's when the campaign names none.
    let page = s
        .max
        .post("/account/time-zone", &[("time_zone", "Europe/Paris")])
        .await;
    assert!(page.contains("Time zone saved: Europe/Paris."), "{page:?}");

    // Tuesday 8 December 2026, 20:00 in Paris: launched, both first emails due now.
    at(&app, PARIS, (2026, 12, 8), (20, 0));
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(
        app.run_sender_once().await,
        0,
        "20:00 is outside 09:00–17:00"
    );
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("Sends Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Paris")
            && page.contains("2026-12-08 20:00 Europe/Paris")
            && page.contains("outside the sending window (next opening Wed 09:00 Europe/Paris)"),
        "{page:?}"
    );
    at(&app, PARIS, (2026, 12, 9), (8, 59));
    assert_eq!(app.run_sender_once().await, 0, "not before 09:00");
    at(&app, PARIS, (2026, 12, 9), (9, 0));
    assert_eq!(app.run_sender_once().await, 2, "at the opening");

    // Step 2 is due 1 calendar day later, Thursday 09:00 (run a little after, as the
    // real seconds of the first round count); step 3 two days after that, Saturday, so it
    // waits for Monday 09:00.
    at(&app, PARIS, (2026, 12, 10), (9, 5));
    assert_eq!(app.run_sender_once().await, 2);
    at(&app, PARIS, (2026, 12, 12), (9, 0));
    assert_eq!(app.run_sender_once().await, 0, "not on Saturday");
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("2026-12-14 09:00 Europe/Paris"),
        "due Monday: {page:?}"
    );
    at(&app, PARIS, (2026, 12, 14), (8, 59));
    assert_eq!(app.run_sender_once().await, 0);
    at(&app, PARIS, (2026, 12, 14), (9, 0));
    assert_eq!(app.run_sender_once().await, 2, "Monday 09:00");
}

#[tokio::test]
async fn a_friday_evening_email_goes_out_monday_morning_not_saturday() {
    let app = spawn_app_with_office_hours().await;
    let imap_server = ImapServer::start();
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    // The campaign's own zone this time (the owner's stays UTC).
    let page = paris_office_hours(&s.max, &s.campaign, &[]).await;
    assert!(page.contains("Campaign saved."), "{page:?}");

    at(&app, PARIS, (2026, 12, 4), (20, 0));
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 0, "Friday 20:00");
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("next opening Mon 09:00 Europe/Paris"),
        "{page:?}"
    );
    at(&app, PARIS, (2026, 12, 5), (9, 0));
    assert_eq!(app.run_sender_once().await, 0, "not on Saturday");
    at(&app, PARIS, (2026, 12, 7), (8, 59));
    assert_eq!(app.run_sender_once().await, 0);
    at(&app, PARIS, (2026, 12, 7), (9, 0));
    assert_eq!(app.run_sender_once().await, 2, "Monday 09:00");
    assert_eq!(app.smtp().to("ann@acme.example").len(), 1);
}

#[tokio::test]
async fn a_scheduled_launch_sends_nothing_before_its_time_and_sends_at_it() {
    // The tests' default window: every day, all day; only the launch time holds them back.
    let app = crate::campaigns::spawn_app().await;
    let imap_server = ImapServer::start();
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    at(&app, Tz::UTC, (2026, 12, 8), (12, 0));
    let page = s.max.get(&format!("{}/launch", s.campaign)).await;
    assert!(
        page.contains("Launch now") && page.contains("name=\"launch_at\""),
        "{page:?}"
    );
    let launch = format!("{}/launch", s.campaign);
    let page = s
        .max
        .post(&launch, &[("launch_at", "2026-12-08 11:00")])
        .await;
    assert!(page.contains("Choose a launch time after now"), "{page:?}");
    let page = s
        .max
        .post(&launch, &[("launch_at", "2026-12-09T10:00")])
        .await;
    assert!(
        page.contains("Launched: 2 recipients.")
            && page.contains("Scheduled for 2026-12-09 10:00 UTC"),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 0);
    at(&app, Tz::UTC, (2026, 12, 9), (9, 59));
    assert_eq!(app.run_sender_once().await, 0, "not before its time");
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("Scheduled for 2026-12-09 10:00 UTC"),
        "{page:?}"
    );
    at(&app, Tz::UTC, (2026, 12, 9), (10, 0));
    let sent = app.run_sender_once().await;
    let page = s.max.get(&s.campaign).await;
    assert_eq!(sent, 2, "at its time: {}", page.text());
    let page = s.max.get(&s.campaign).await;
    assert!(!page.contains("Scheduled for"), "{page:?}");
}

#[tokio::test]
async fn a_bad_time_zone_is_refused_with_the_form_as_typed() {
    let app = crate::campaigns::spawn_app().await;
    let imap_server = ImapServer::start();
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let page = s.max.get(&s.campaign).await;
    let (sender_id, list_id) = (
        option_value(&page.body, "sender_id"),
        option_value(&page.body, "list_id"),
    );
    let page = s
        .max
        .post(
            &format!("{}/settings", s.campaign),
            &[
                ("name", "Renamed while wrong"),
                ("sender_id", sender_id.as_str()),
                ("list_id", list_id.as_str()),
                ("window_start", "08:30"),
                ("window_end", "18:15"),
                ("time_zone", "Mars/Olympus"),
                ("day1", "on"),
            ],
        )
        .await;
    assert!(
        page.contains("is not an IANA time zone name")
            && page.contains("value=\"Mars/Olympus\"")
            && page.contains("value=\"08:30\"")
            && page.contains("value=\"18:15\"")
            && page.contains("value=\"Renamed while wrong\""),
        "{page:?}"
    );
    let page = s.max.get(&s.campaign).await;
    assert!(!page.contains("Renamed while wrong"), "nothing saved");

    let page = s
        .max
        .post("/account/time-zone", &[("time_zone", "Europe/Pariss")])
        .await;
    assert!(
        page.contains("is not an IANA time zone name") && page.contains("value=\"Europe/Pariss\""),
        "{page:?}"
    );
    let page = s.max.get("/account").await;
    assert!(page.contains("value=\"UTC\""), "{page:?}");
}
