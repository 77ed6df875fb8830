//! Verifying a list in the background (issue 14 item 5): the request only queues a run, the
//! job verifies a batch at a time and spends a credit per result as it is stored, the list
//! page shows progress and then the verdict counts, a run cut short resumes without
//! verifying or charging anything twice, and role addresses are "risky".

use crate::helpers::{Browser, Options, TestApp, form_action, spawn_app_with};

/// The app with the verification job checking `batch` addresses per transaction.
async fn app_with_batch(batch: usize) -> TestApp {
    spawn_app_with(Options {
        extra: vec![("VERIFY_BATCH", batch.to_string())],
        ..Options::default()
    })
    .await
}

/// A new list of `browser`'s holding `emails` (imported); returns its path.
async fn list_with(browser: &Browser, name: &str, emails: &[&str]) -> String {
    let page = browser.post("/prospects/lists", &[("name", name)]).await;
    let list = page.url.split_once("://").unwrap().1;
    let list = list[list.find('/').unwrap()..].to_string();
    let csv = format!("email\n{}\n", emails.join("\n"));
    let page = browser.upload_csv(&list, "l.csv", csv.as_bytes()).await;
    let page = browser
        .post(&form_action(&page.body, "/start"), &[("col_0", "email")])
        .await;
    browser.wait_for_import(&page.url).await;
    list
}

/// Credits used this period, as the billing page shows them ("12 / 50").
async fn credits_used(browser: &Browser) -> String {
    let page = browser.get("/account/billing").await;
    let at = page.body.find(" / 50</div>").expect("the credits figure");
    page.body[..at].rsplit('>').next().unwrap().to_string()
}

const FIVE: [&str; 5] = [
    "ann@acme.example",
    "info@acme.example",
    "x@nomx.test",
    "z@mailinator.com",
    "w@slow.test",
];

#[tokio::test(flavor = "multi_thread")]
async fn a_list_is_verified_in_the_background_with_progress_and_credits_spent_as_stored() {
    let app = app_with_batch(2).await;
    let ann = app.user("Ann", "ann@example.com").await;
    let list = list_with(&ann, "Leads", &FIVE).await;

    let page = ann.post(&format!("{list}/verify"), &[]).await;
    assert!(page.contains("Verifying 5 addresses"), "{page:?}");
    assert!(page.contains("Verification queued: 0 of 5"), "{page:?}");
    assert!(
        !page.contains("Verify list"),
        "no second run while one is queued"
    );
    assert_eq!(credits_used(&ann).await, "0", "no credit spent up front");
    let again = ann.post(&format!("{list}/verify"), &[]).await;
    assert!(
        again.contains("This list is already being verified (0 of 5 done)"),
        "{again:?}"
    );

    assert_eq!(app.run_verifications_once(Some(1)).await, 1);
    let page = ann.get(&list).await;
    assert!(page.contains("Verifying: 2 of 5."), "{page:?}");
    assert!(
        page.contains("<progress value=\"2\" max=\"5\">"),
        "{page:?}"
    );
    assert_eq!(
        credits_used(&ann).await,
        "2",
        "credits follow the stored results"
    );

    app.run_verifications_once(None).await;
    let page = ann.get(&list).await;
    assert!(
        page.contains("<strong>Verification:</strong> 1 valid, 1 risky, 2 invalid, 1 unknown."),
        "{page:?}"
    );
    assert!(page.contains("verdict-risky") && page.contains("Verify list"));
    assert_eq!(credits_used(&ann).await, "5");
    assert_eq!(
        app.run_verifications_once(None).await,
        0,
        "nothing left to do"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_cut_short_resumes_and_verifies_and_charges_each_address_once() {
    let app = app_with_batch(2).await;
    let ann = app.user("Ann", "ann@example.com").await;
    let emails: Vec<String> = (0..7).map(|n| format!("p{n}@acme.example")).collect();
    let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
    let list = list_with(&ann, "Leads", &emails).await;
    ann.post(&format!("{list}/verify"), &[]).await;

    // The process stops between batches, as a restart would stop it.
    assert_eq!(app.run_verifications_once(Some(1)).await, 1);
    assert!(ann.get(&list).await.contains("Verifying: 2 of 7."));
    // After the restart two processes' rounds take the same run up at once.
    let (a, b) = tokio::join!(
        app.run_verifications_once(None),
        app.run_verifications_once(None)
    );
    assert!(a + b >= 3, "the rest in batches of two: {a} + {b}");

    let page = ann.get(&list).await;
    assert!(
        page.contains("<strong>Verification:</strong> 7 valid."),
        "{page:?}"
    );
    assert_eq!(
        credits_used(&ann).await,
        "7",
        "one credit per address, once"
    );
    use diesel::prelude::*;
    use dripteam::db::schema::usage_ledger;
    let spends: Vec<i32> = usage_ledger::table
        .filter(usage_ledger::kind.eq("credit"))
        .select(usage_ledger::amount)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(spends.iter().sum::<i32>(), 7, "{spends:?}");
    assert!(
        spends.iter().all(|n| *n <= 2),
        "spent per batch: {spends:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_whose_credits_run_out_stops_keeping_what_it_verified_and_paid_for() {
    let app = app_with_batch(10).await;
    let ann = app.user("Ann", "ann@example.com").await;
    let a: Vec<String> = (0..30).map(|n| format!("a{n}@acme.example")).collect();
    let b: Vec<String> = (0..30).map(|n| format!("b{n}@acme.example")).collect();
    let first = list_with(
        &ann,
        "First",
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    let second = list_with(
        &ann,
        "Second",
        &b.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    // Each fits the 50 credits of the free plan on its own; not both.
    assert!(
        ann.post(&format!("{first}/verify"), &[])
            .await
            .contains("Verifying 30")
    );
    assert!(
        ann.post(&format!("{second}/verify"), &[])
            .await
            .contains("Verifying 30")
    );

    app.run_verifications_once(None).await;
    assert!(
        ann.get(&first)
            .await
            .contains("Verification:</strong> 30 valid.")
    );
    let page = ann.get(&second).await;
    assert!(
        page.contains("Verification:</strong> 20 valid, 10 not verified."),
        "{page:?}"
    );
    assert!(
        page.contains("Stopped after 20 of 30 addresses: Verifying needs 10 credits, but only 0 are left this billing period."),
        "{page:?}"
    );
    assert_eq!(
        credits_used(&ann).await,
        "50",
        "never more than was verified"
    );
}
