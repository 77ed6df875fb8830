//! A reply pauses the team's sequences to that company (issue 16 item 2): Max's prospect
//! at acme.example replies; Mia's sequence to another acme.example address pauses (not her
//! gmail.com one), she resumes it per recipient, and the leader can turn the rule off.

use chrono::Duration;

use crate::campaigns::{add_sender, campaign_on, header, import_list, setup, spawn_app};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Browser, Export, Plan, TestApp, View, form_action};

/// `who`'s list of `csv` rows ("email,first_name") and a two-step campaign to it (the
/// second step a day later), launched; returns the campaign's path.
async fn launched_campaign(app: &TestApp, who: &Browser, imap_port: u16, csv: &str) -> String {
    let page = add_sender(app, who, imap_port, app.smtp().port).await;
    assert!(page.contains("added"), "{page:?}");
    let (_, list) = import_list(who, csv).await;
    let steps = [("Mia says hi", "x", "0"), ("Mia again", "x", "1")];
    let campaign = campaign_on(who, &list, "Mia's wave", &steps).await;
    let page = who.post(&format!("{campaign}/launch"), &[]).await;
    assert!(page.contains("Launched"), "{page:?}");
    campaign
}

/// Moves the clock a day on and runs one sender round.
async fn next_day(app: &TestApp) -> usize {
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    app.run_sender_once().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_from_a_company_pauses_a_teammates_sequence_to_it_not_to_free_mail() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let mia = s.team.join("Mia Member", View::Own, Export::On).await;
    let mias = launched_campaign(
        &app,
        &mia,
        imap_server.port,
        "carol@acme.example,Carol\ndave@gmail.com,Dave\n",
    )
    .await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 4, "two first emails each");

    // Ann at acme.example answers Max.
    let first = app.smtp().wait_for("ann@acme.example", 1).await;
    imap_server.deliver_reply(
        "ann@acme.example",
        header(&first, "Message-ID").trim_matches(['<', '>']),
    );
    app.poll_replies_once().await;

    let page = mia.get(&mias).await;
    assert!(
        page.contains("paused: a teammate got a reply from acme.example"),
        "{page:?}"
    );
    // Max cannot resume Mia's recipient; Mia's follow-up goes to Dave only.
    let resume = form_action(&page.body, "/recipients/");
    assert!(resume.contains("/recipients/"), "{resume}");
    assert_eq!(s.max.post(&resume, &[]).await.status, 404);
    assert_eq!(next_day(&app).await, 2, "Dave's and Bob's follow-ups");
    assert_eq!(app.smtp().to("carol@acme.example").len(), 1);
    assert_eq!(app.smtp().to("dave@gmail.com").len(), 2);

    // Mia resumes Carol: her follow-up goes at the next round.
    let page = mia.post(&resume, &[]).await;
    assert!(
        page.contains("carol@acme.example: their sequence goes on."),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 1);
    assert_eq!(app.smtp().to("carol@acme.example").len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_team_setting_off_a_reply_pauses_no_teammate() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let page = s.team.leader.get("/account/team").await;
    assert!(
        page.contains("A reply pauses the team&#x27;s sequences to that company")
            || page.contains("A reply pauses the team's sequences to that company"),
        "{page:?}"
    );
    // A member cannot change the setting; the leader turns it off (the box left unchecked).
    assert_eq!(s.max.post("/account/team/settings", &[]).await.status, 404);
    let page = s.team.leader.post("/account/team/settings", &[]).await;
    assert!(page.contains("Team settings saved"), "{page:?}");
    let log = s.team.leader.get("/account/team/activity").await;
    assert!(log.contains("team setting changed"), "{log:?}");
    let mia = s.team.join("Mia Member", View::Own, Export::On).await;
    let mias = launched_campaign(&app, &mia, imap_server.port, "carol@acme.example,Carol\n").await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 3);
    let first = app.smtp().wait_for("ann@acme.example", 1).await;
    imap_server.deliver_reply(
        "ann@acme.example",
        header(&first, "Message-ID").trim_matches(['<', '>']),
    );
    app.poll_replies_once().await;
    let page = mia.get(&mias).await;
    assert!(!page.contains("paused: a teammate"), "{page:?}");
    assert_eq!(next_day(&app).await, 2, "Carol's and Bob's follow-ups");
}
