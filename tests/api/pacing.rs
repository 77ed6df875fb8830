//! Pacing per mailbox (issue 15 item 2): a random pause between two emails of one sender
//! account, its daily limit shared by all its campaigns, campaigns on one mailbox taking
//! turns, and two app instances on one database keeping both (the claim decides).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use dripteam::db::schema::campaign_messages;

use crate::campaigns::{SMTP_PASSWORD, campaign_on, option_value, setup, spawn_app};
use crate::helpers::imap;
use crate::helpers::{Browser, Plan, TestApp};

/// Saves Max's sender account again with a pause of `min`..=`max` seconds and a daily
/// limit; the page it answers with.
pub(crate) async fn pace(
    app: &TestApp,
    max: &Browser,
    min: &str,
    max_secs: &str,
    limit: &str,
) -> crate::helpers::Page {
    let page = max.get("/campaigns").await;
    let sender = option_value(&page.body, "sender_id");
    max.post(
        &format!("/senders/{sender}"),
        &[
            ("email", imap::USER),
            ("display_name", "Max at Acme"),
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &app.smtp().port.to_string()),
            ("smtp_security", "none"),
            ("smtp_user", ""),
            ("smtp_password", SMTP_PASSWORD),
            ("imap_host", "127.0.0.1"),
            ("imap_port", "1"),
            ("imap_security", "none"),
            ("imap_user", imap::USER),
            ("imap_password", imap::PASSWORD),
            ("daily_limit", limit),
            ("pause_min", min),
            ("pause_max", max_secs),
        ],
    )
    .await
}

/// Moves the app's clock to 10:00 UTC of the next day: the test's days do not change
/// under it, whatever the hour it runs at.
pub(crate) fn to_next_ten_oclock(app: &TestApp) {
    let now = app.clock.now();
    let target = (now.date() + Duration::days(1))
        .and_hms_opt(10, 0, 0)
        .unwrap();
    app.clock.advance(target - now);
}

/// The claim times (UTC) of every email, in order.
fn claim_times(app: &TestApp) -> Vec<NaiveDateTime> {
    let mut conn = app.pool.get().unwrap();
    campaign_messages::table
        .order(campaign_messages::claimed_at)
        .select(campaign_messages::claimed_at)
        .load(&mut *conn)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_keep_one_mailboxs_pause_and_daily_limit() {
    let mut app = spawn_app().await;
    app.another_instance();
    let s = setup(&app, Plan::M, 1, 40).await;
    let page = pace(&app, &s.max, "1", "2", "25").await;
    assert!(page.contains("saved"), "{page:?}");
    let page = s.max.get("/senders").await;
    assert!(page.contains("1–2 s"), "{page:?}");
    to_next_ten_oclock(&app);
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 40 recipients"), "{page:?}");

    // Both instances run their rounds at the same moments, a second apart.
    app.run_sender_once_everywhere().await;
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("pacing: the mailbox&#x27;s next email after")
            || page.contains("pacing: the mailbox's next email after"),
        "{page:?}"
    );
    for _ in 0..80 {
        app.clock.advance(Duration::seconds(1));
        app.run_sender_once_everywhere().await;
    }
    let first_day = claim_times(&app);
    assert_eq!(
        first_day.len(),
        25,
        "the daily limit holds across instances"
    );
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("daily limit of 25 emails is reached"),
        "{page:?}"
    );

    // The next days the other first emails go, among the follow-ups due then, still paced
    // and within the limit each day.
    let firsts = |app: &TestApp| -> Vec<String> {
        app.smtp()
            .all()
            .into_iter()
            .filter(|m| m.subject().starts_with("Hello"))
            .flat_map(|m| m.to)
            .collect()
    };
    for _ in 0..3 {
        to_next_ten_oclock(&app);
        for _ in 0..60 {
            app.run_sender_once_everywhere().await;
            app.clock.advance(Duration::seconds(1));
        }
    }
    let times = claim_times(&app);
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::seconds(1),
            "two claims less than 1 s apart: {pair:?}"
        );
    }
    for day in times.iter().map(|t| t.date()) {
        let that_day = times.iter().filter(|t| t.date() == day).count();
        assert!(that_day <= 25, "{that_day} claims on {day}");
    }
    let mut to = firsts(&app);
    assert_eq!(to.len(), 40, "every first email went out once");
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 40, "each recipient emailed once");
}

#[tokio::test(flavor = "multi_thread")]
async fn campaigns_sharing_a_mailbox_take_turns_within_its_daily_limit() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 20).await;
    let page = pace(&app, &s.max, "0", "0", "10").await;
    assert!(page.contains("saved"), "{page:?}");
    // A second campaign of Max on the same mailbox and list.
    let page = s.max.get("/campaigns").await;
    let list = format!("/prospects/lists/{}", option_value(&page.body, "list_id"));
    let second = campaign_on(&s.max, &list, "Second wave", &[("Wave", "x", "0")]).await;
    to_next_ten_oclock(&app);
    for campaign in [&s.campaign, &second] {
        let page = s.max.post(&format!("{campaign}/launch"), &[]).await;
        assert!(page.contains("Launched: 20 recipients"), "{page:?}");
    }

    assert_eq!(
        app.run_sender_once().await,
        10,
        "the daily limit is the mailbox's"
    );
    let subjects: Vec<String> = app.smtp().all().iter().map(|m| m.subject()).collect();
    let count = |start: &str| subjects.iter().filter(|s| s.starts_with(start)).count();
    assert_eq!((count("Hello"), count("Wave")), (5, 5), "{subjects:?}");
    assert_eq!(app.run_sender_once().await, 0, "nothing more today");
}

#[tokio::test(flavor = "multi_thread")]
async fn recipients_waiting_for_a_retry_do_not_hold_up_a_paced_campaign() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 7).await;
    let page = pace(&app, &s.max, "1", "1", "100").await;
    assert!(page.contains("saved"), "{page:?}");
    // The first five are greylisted: their emails wait for a retry minutes away.
    for address in [
        "ann@acme.example",
        "bob@globex.example",
        "p2@prospect.example",
        "p3@prospect.example",
        "p4@prospect.example",
    ] {
        app.smtp()
            .refuse_recipient(address, 451, "4.7.1 Greylisted, try again later");
    }
    to_next_ten_oclock(&app);
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 7 recipients"), "{page:?}");
    for _ in 0..12 {
        app.run_sender_once().await;
        app.clock.advance(Duration::seconds(2));
    }
    for address in ["p5@prospect.example", "p6@prospect.example"] {
        assert_eq!(app.smtp().to(address).len(), 1, "{address} was held up");
    }
}
