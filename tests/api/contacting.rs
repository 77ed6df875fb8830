//! One owner of a conversation (issue 16 item 1): a prospect in Max's active campaign is
//! reported on a teammate's import, add form and list, skipped at her launch by default,
//! and, with the team setting on, emailed once when two members launch at the same time.

use chrono::Duration;

use crate::campaigns::{add_sender, campaign_on, import_list, setup, spawn_app};
use crate::helpers::{Browser, Export, Plan, TestApp, View};

/// A draft one-step campaign of `who` on `list`, from a new sender account of theirs.
async fn draft(app: &TestApp, who: &Browser, list: &str) -> String {
    let page = add_sender(app, who, 1, app.smtp().port).await;
    assert!(page.contains("added"), "{page:?}");
    let steps = [("From Mia", "x", "0")];
    campaign_on(who, list, "Second opinion", &steps).await
}

/// The leader turns "Never contact a prospect a teammate is already contacting" on.
async fn never_contact_on(leader: &Browser) {
    let page = leader
        .post(
            "/account/team/settings",
            &[
                ("reply_pauses_company", "on"),
                ("never_contact_teammates", "on"),
            ],
        )
        .await;
    assert!(page.contains("Team settings saved"), "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prospect_in_a_teammates_campaign_is_reported_and_skipped_at_launch() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    let mia = s.team.join("Mia Member", View::Own, Export::On).await;
    let tia = s.team.join("Tia Team", View::Team, Export::On).await;

    // The import report, the list rows and the add form say so; names only with the
    // team records layer.
    let (report, list) = import_list(&mia, "ann@acme.example,Ann\ncarol@new.example,Carol\n").await;
    assert!(
        report.contains("1 already contacted by a teammate"),
        "{report:?}"
    );
    let rows = mia.get(&list).await;
    assert!(rows.contains("contacted by a teammate"), "{rows:?}");
    assert!(!rows.contains("Max Member"), "Only own records: no name");
    let (_, tias) = import_list(&tia, "ann@acme.example,Ann\n").await;
    let rows = tia.get(&tias).await;
    assert!(
        rows.contains("contacted by Max Member (“Fair follow-up”)"),
        "{rows:?}"
    );
    let added = mia
        .post(
            &format!("{list}/prospects"),
            &[("email", "bob@globex.example"), ("first_name", "Bob")],
        )
        .await;
    assert!(
        added.contains("Already contacted by a teammate"),
        "{added:?}"
    );

    // Mia's launch skips Ann and Bob by default.
    let campaign = draft(&app, &mia, &list).await;
    let confirm = mia.get(&format!("{campaign}/launch")).await;
    assert!(
        confirm.contains("2 of 3 prospects are in a teammate&#x27;s campaign")
            || confirm.contains("2 of 3 prospects are in a teammate's campaign"),
        "{confirm:?}"
    );
    assert!(confirm.contains("Include them anyway"), "{confirm:?}");
    let page = mia
        .post(&format!("{campaign}/launch"), &[("launch", "now")])
        .await;
    assert!(
        page.contains("Launched: 1 recipient. 2 skipped: 2 in a teammate"),
        "{page:?}"
    );
    app.run_sender_once().await;
    assert_eq!(
        app.smtp().to("ann@acme.example").len(),
        1,
        "Max's email only"
    );
    assert_eq!(app.smtp().to("carol@new.example").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_team_setting_two_concurrent_launches_email_the_person_once() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    never_contact_on(&s.team.leader).await;
    let mia = s.team.join("Mia Member", View::Own, Export::On).await;
    let (_, list) = import_list(&mia, "ann@acme.example,Ann\ndave@other.example,Dave\n").await;
    let campaign = draft(&app, &mia, &list).await;

    // Both launch at once; Mia even asks to include teammates' prospects.
    let max_launch = format!("{}/launch", s.campaign);
    let mia_launch = format!("{campaign}/launch");
    let (a, b) = tokio::join!(
        s.max.post(&max_launch, &[]),
        mia.post(
            &mia_launch,
            &[("launch", "now"), ("include_teammates", "on")]
        ),
    );
    assert!(
        a.contains("Launched") && b.contains("Launched"),
        "{a:?} {b:?}"
    );
    while app.run_sender_once_everywhere().await > 0 {}
    assert_eq!(
        app.smtp().to("ann@acme.example").len(),
        1,
        "one of them emails Ann, never both"
    );
    assert_eq!(app.smtp().to("dave@other.example").len(), 1);
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claim_its_mailbox_must_wait_for_takes_no_conversation() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    // Max's mailbox sends one email a minute; both launch with Bob, then the leader turns
    // "Never contact …" on.
    let page = crate::pacing::pace(&app, &s.max, "60", "60", "100").await;
    assert!(page.contains("saved"), "{page:?}");
    let mia = s.team.join("Mia Member", View::Own, Export::On).await;
    let (_, list) = import_list(&mia, "bob@globex.example,Bob\n").await;
    let campaign = draft(&app, &mia, &list).await;
    crate::pacing::to_next_ten_oclock(&app);
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    let page = mia
        .post(
            &format!("{campaign}/launch"),
            &[("launch", "now"), ("include_teammates", "on")],
        )
        .await;
    assert!(page.contains("Launched: 1 recipient"), "{page:?}");
    never_contact_on(&s.team.leader).await;

    // Max's mailbox sends Ann's email and must wait before Bob's: Bob's conversation stays
    // free, so Mia's email to him goes; Max's, a minute later, is skipped.
    app.run_sender_once().await;
    let to_bob: Vec<String> = app
        .smtp()
        .to("bob@globex.example")
        .iter()
        .map(|m| m.subject())
        .collect();
    assert_eq!(to_bob, ["From Mia"], "{to_bob:?}");
    app.clock.advance(Duration::seconds(61));
    app.run_sender_once().await;
    assert_eq!(app.smtp().to("bob@globex.example").len(), 1, "once, by Mia");
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("in a teammate&#x27;s campaign") || page.contains("in a teammate's campaign"),
        "{page:?}"
    );
}
