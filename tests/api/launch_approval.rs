//! Launch approval (issue 16 item 3): a member whose campaigns need approval cannot launch
//! by any route; they request it, the leader is emailed and sees the campaign read only in
//! "Waiting for approval" on My Team, then approves (it launches as the member's campaign
//! and sends) or rejects it with a reason the member sees. A change after approval, or
//! while waiting, needs a new approval.

use crate::campaigns::{Setup, setup, spawn_app};
use crate::helpers::{Plan, TestApp, form_action};

const LEADER_EMAIL: &str = "lena@example.com";

/// The leader switches "Campaigns need approval" for Max (the team's only member).
async fn needs_approval(s: &Setup<'_>, on: bool) {
    let team = s.team.leader.get("/account/team").await;
    let action = form_action(&team.body, "/approval");
    let fields: &[(&str, &str)] = if on { &[("needs_approval", "on")] } else { &[] };
    let page = s.team.leader.post(&action, fields).await;
    assert!(page.contains("class=\"flash success\""), "{page:?}");
}

/// Max asks for approval of his campaign; returns the leader's approval page path.
async fn request(s: &Setup<'_>) -> String {
    let page = s.max.post(&format!("{}/approval", s.campaign), &[]).await;
    assert!(
        page.contains("Asked Lena Leader to approve"),
        "{:?}",
        page.text()
    );
    assert!(page.contains("Waiting for approval"), "{:?}", page.text());
    let id = s.campaign.rsplit('/').next().unwrap();
    format!("/account/team/approvals/{id}")
}

fn nothing_sent(app: &TestApp) {
    assert!(
        app.smtp()
            .all()
            .iter()
            .all(|e| !e.data.contains("Hi Ann from Acme")),
        "a campaign email went out"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_under_approval_cannot_launch_by_any_route() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    needs_approval(&s, true).await;

    let page = s.max.get(&format!("{}/launch", s.campaign)).await;
    assert!(
        page.contains("Request approval") && !page.contains("Launch now"),
        "{:?}",
        page.text()
    );
    let launch = format!("{}/launch", s.campaign);
    assert_eq!(s.max.post(&launch, &[]).await.status, 403);
    let later = s
        .max
        .post(&launch, &[("launch_at", "2031-01-06T10:00")])
        .await;
    assert_eq!(later.status, 403, "{later:?}");
    assert_eq!(app.run_sender_once().await, 0);
    assert!(s.max.get(&s.campaign).await.contains("draft"));

    // Launched before the rule, paused: resuming it is a launch never approved.
    needs_approval(&s, false).await;
    assert!(s.max.post(&launch, &[]).await.contains("Launched"));
    s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    needs_approval(&s, true).await;
    let resumed = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert_eq!(resumed.status, 403, "{resumed:?}");
    assert_eq!(app.run_sender_once().await, 0);
    nothing_sent(&app);
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("Request approval"), "{:?}", page.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_leader_is_emailed_sees_the_from_address_not_the_server_and_rejects_with_a_reason() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    needs_approval(&s, true).await;
    let approval = request(&s).await;
    app.deliver_outbox().await;
    let email = app
        .smtp()
        .take(LEADER_EMAIL, "Max Member asks you to approve")
        .await;
    assert!(email.body().contains(&approval), "{}", email.body());

    let team = s.team.leader.get("/account/team").await;
    assert!(
        team.contains("Waiting for approval") && team.contains(&approval),
        "{:?}",
        team.text()
    );
    let page = s.team.leader.get(&approval).await;
    assert_eq!(page.status, 200);
    for shown in [
        "Fair follow-up",
        "From Max at Acme &lt;sender@acme.example&gt;",
        "2 recipients",
        "Following up",
        "Sends every day, at any hour, UTC",
        "Approve",
    ] {
        assert!(page.contains(shown), "{shown:?} in {:?}", page.text());
    }
    assert!(
        !page.contains("127.0.0.1") && !page.contains("SMTP"),
        "sender account details: {:?}",
        page.text()
    );
    // The leader still cannot launch or edit it.
    let launch = format!("{}/launch", s.campaign);
    assert_eq!(s.team.leader.post(&launch, &[]).await.status, 403);

    let page = s
        .team
        .leader
        .post(
            &format!("{approval}/reject"),
            &[("reason", "Tone down the offer, please.")],
        )
        .await;
    assert!(
        page.contains("class=\"flash success\""),
        "{:?}",
        page.text()
    );
    assert!(
        !page.contains(&approval),
        "left the queue: {:?}",
        page.text()
    );
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("Tone down the offer, please.") && page.contains("draft"),
        "{:?}",
        page.text()
    );
    app.deliver_outbox().await;
    let email = app.smtp().take(&s.max.email, "was not approved").await;
    assert!(
        email.body().contains("Tone down the offer, please."),
        "{}",
        email.body()
    );
    assert_eq!(app.run_sender_once().await, 0);
    let activity = s.team.leader.get("/account/team/activity").await;
    assert!(
        activity.contains("approval requested") && activity.contains("rejected"),
        "{:?}",
        activity.text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_approved_campaign_sends_and_a_change_needs_a_new_approval() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    needs_approval(&s, true).await;

    // A step changed while waiting: the request is void.
    let approval = request(&s).await;
    let edit = s.max.get(&s.campaign).await;
    let step = form_action(&edit.body, "/steps/");
    let changed = s
        .max
        .post(
            &step,
            &[
                ("subject", "Hello {{first_name}}"),
                ("body", "Hi {{first_name}}, a shorter note."),
                ("delay_days", "0"),
            ],
        )
        .await;
    assert!(changed.contains("saved"), "{:?}", changed.text());
    let page = s
        .team
        .leader
        .post(&format!("{approval}/approve"), &[])
        .await;
    assert!(
        page.contains("not waiting for approval"),
        "{:?}",
        page.text()
    );
    assert_eq!(app.run_sender_once().await, 0);

    // Asked again and approved: launched as Max's campaign, and it sends.
    request(&s).await;
    let page = s
        .team
        .leader
        .post(&format!("{approval}/approve"), &[])
        .await;
    assert!(page.contains("Approved"), "{:?}", page.text());
    assert!(s.max.get(&s.campaign).await.contains("active"));
    assert_eq!(app.run_sender_once().await, 2);
    let activity = s.team.leader.get("/account/team/activity").await;
    assert!(
        activity.contains("approved") && activity.contains("launched"),
        "{:?}",
        activity.text()
    );

    // Paused and changed after approval: resuming needs a new approval.
    s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    let changed = s
        .max
        .post(
            &step,
            &[
                ("subject", "Hello {{first_name}}"),
                ("body", "Changed after approval."),
                ("delay_days", "0"),
            ],
        )
        .await;
    assert!(changed.contains("saved"), "{:?}", changed.text());
    let resumed = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert_eq!(resumed.status, 403, "{resumed:?}");
}
