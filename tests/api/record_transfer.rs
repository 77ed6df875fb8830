//! The record-transfer model (README, "Record transfer"), over HTTP: Lena removes Max and
//! moves his records to herself. History stays with whoever made it, custom fields follow
//! the lists that use them, the moved campaign asks for one of Lena's sender accounts, Max
//! can delete his own, and recipients Max's mailbox already wrote to are finished.

use crate::campaigns::{SMTP_PASSWORD, Setup, option_value, path_of, setup, spawn_app};
use crate::helpers::imap;
use crate::helpers::{Browser, Page, Plan, TestApp, form_action, link_href};

/// Lena removes Max from My Team, choosing to move his records to herself.
async fn move_maxs_records_to_lena(app: &TestApp, leader: &Browser) {
    let lena = dripteam::db::accounts::user_by_email(&mut app.conn(), "lena@example.com")
        .unwrap()
        .unwrap();
    let team = leader.get("/account/team").await;
    let remove = link_href(&team.body, "/remove");
    let page = leader
        .post(&remove, &[("records", &lena.id.to_string())])
        .await;
    assert!(
        page.contains("Max Member was removed") && page.contains("Moved 1 prospect list"),
        "{page:?}"
    );
}

/// Lena adds her own sender account ("Lena at Acme") on the test SMTP server.
async fn add_lenas_sender(app: &TestApp, leader: &Browser) {
    let port = app.smtp().port.to_string();
    let page = leader
        .post(
            "/senders",
            &[
                ("email", "lena@acme.example"),
                ("display_name", "Lena at Acme"),
                ("smtp_host", "127.0.0.1"),
                ("smtp_port", &port),
                ("smtp_security", "none"),
                ("smtp_user", ""),
                ("smtp_password", SMTP_PASSWORD),
                ("imap_host", "127.0.0.1"),
                ("imap_port", "1"),
                ("imap_security", "none"),
                ("imap_user", "lena"),
                ("imap_password", "x"),
                ("daily_limit", "100"),
            ],
        )
        .await;
    assert!(
        page.contains("Sender account lena@acme.example added."),
        "{page:?}"
    );
}

/// Lena chooses her sender account in the moved campaign's settings and resumes it.
async fn choose_lenas_sender_and_resume(s: &Setup<'_>) -> Page {
    let leader = &s.team.leader;
    let page = leader.get(&s.campaign).await;
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = option_value(&page.body, "list_id");
    let page = leader
        .post(
            &format!("{}/settings", s.campaign),
            &[
                ("name", "Fair follow-up"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    assert!(page.contains("Campaign saved."), "{page:?}");
    leader.post(&format!("{}/resume", s.campaign), &[]).await
}

/// The "prospects added" figure of `email`'s row in Team statistics' CSV.
async fn prospects_added(leader: &Browser, email: &str) -> String {
    let (status, body) = leader.get_bytes("/account/team/statistics.csv").await;
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&body).to_string();
    let row = text
        .lines()
        .find(|l| l.contains(&format!(",{email},")))
        .unwrap_or_else(|| panic!("no row for {email}: {text}"));
    row.split(',').nth(3).unwrap().to_string()
}

/// The moved campaign's list id.
fn list_of(app: &TestApp, campaign: &str) -> i64 {
    let id = campaign.rsplit('/').next().unwrap().parse().unwrap();
    dripteam::db::campaigns::by_id(&mut app.conn(), id)
        .unwrap()
        .unwrap()
        .list_id
}

#[tokio::test(flavor = "multi_thread")]
async fn statistics_keep_prospects_added_with_whoever_added_them() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let leader = &s.team.leader;
    assert_eq!(prospects_added(leader, "max@example.com").await, "2");
    move_maxs_records_to_lena(&app, leader).await;
    assert_eq!(
        prospects_added(leader, "max@example.com").await,
        "2",
        "Max added them; the move changes their owner, not their history"
    );
    assert_eq!(prospects_added(leader, "lena@example.com").await, "0");
    // Ownership did move: the list is Lena's to edit now.
    let list = format!("/prospects/lists/{}", list_of(&app, &s.campaign));
    let page = leader
        .post(
            &format!("{list}/prospects"),
            &[("email", "cy@initech.example"), ("first_name", "Cy")],
        )
        .await;
    assert!(page.contains("Added cy@initech.example."), "{page:?}");
    assert_eq!(prospects_added(leader, "lena@example.com").await, "1");
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_fields_used_by_a_moved_list_move_with_it() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let leader = &s.team.leader;
    // Lena has a Booth field of her own: Max's merges into it by name.
    let page = leader.post("/prospects/lists", &[("name", "Mine")]).await;
    let mine = path_of(&page.url);
    let page = leader
        .upload_csv(&mine, "mine.csv", b"email,Booth\nzed@own.example,Z99\n")
        .await;
    let page = leader
        .post(
            &form_action(&page.body, "/start"),
            &[("col_0", "email"), ("col_1", "new"), ("name_1", "Booth")],
        )
        .await;
    leader.wait_for_import(&page.url).await;

    move_maxs_records_to_lena(&app, leader).await;

    let moved = format!("/prospects/lists/{}", list_of(&app, &s.campaign));
    let (status, csv) = leader.get_bytes(&format!("{moved}/export.csv")).await;
    assert_eq!(status, 200);
    let csv = String::from_utf8_lossy(&csv).to_string();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("Booth"), "the Booth column stays: {csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("ann@acme.example,") && l.contains(",A12")),
        "{csv}"
    );
    let (_, own) = leader.get_bytes(&format!("{mine}/export.csv")).await;
    let own = String::from_utf8_lossy(&own).to_string();
    assert!(own.contains("Booth") && own.contains(",Z99"), "{own}");

    // Saving the moved step unchanged: {{Booth}} is one of Lena's fields now.
    let page = leader.get(&s.campaign).await;
    let step = form_action(&page.body, "/steps/");
    let page = leader
        .post(
            &step,
            &[
                ("subject", "Hello {{first_name}}"),
                (
                    "body",
                    "Hi {{first_name}} from {{company}}, see you at booth {{Booth}}. Offer: https://acme.example/offer?id=7",
                ),
                ("delay_days", "0"),
            ],
        )
        .await;
    assert!(page.contains("Step 1 saved."), "{page:?}");
    assert!(
        page.contains("booth A12"),
        "the preview still fills it: {page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_moved_campaign_asks_for_one_of_the_new_owners_sender_accounts() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let leader = &s.team.leader;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    move_maxs_records_to_lena(&app, leader).await;

    let page = leader.get(&s.campaign).await;
    assert!(
        !page.contains("Max at Acme") && !page.contains(imap::USER),
        "the leader never sees Max's sender account: {page:?}"
    );
    assert!(
        page.contains("Choose one of your sender accounts"),
        "{page:?}"
    );
    let page = leader.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(
        page.contains("Choose one of your own sender accounts in the settings before resuming."),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 0, "still paused");

    add_lenas_sender(&app, leader).await;
    let page = choose_lenas_sender_and_resume(&s).await;
    assert!(page.contains("Resumed"), "{page:?}");
    assert!(
        page.contains("Lena at Acme") && !page.contains("Max at Acme"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_former_member_can_delete_their_own_sender_account() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    s.max.post(&format!("{}/pause", s.campaign), &[]).await;
    move_maxs_records_to_lena(&app, &s.team.leader).await;

    let senders = s.max.get("/senders").await;
    let page = s
        .max
        .post(&form_action(&senders.body, "/delete"), &[])
        .await;
    assert!(
        page.contains(&format!("Sender account {} deleted.", imap::USER)),
        "{page:?}"
    );
    assert!(
        !s.max.get("/senders").await.contains(imap::USER),
        "his SMTP password is no longer stored"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn recipients_contacted_from_the_former_mailbox_are_finished_the_others_continue() {
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, 1, 2).await;
    let leader = &s.team.leader;
    // Max's account sends one email a day: Ann gets step 1, Bob waits.
    let senders = s.max.get("/senders").await;
    let edit = form_action(&senders.body, "/test").replace("/test", "");
    let page = save_maxs_sender_with_limit(&app, &s.max, &edit, "1").await;
    assert!(page.contains("saved"), "{page:?}");
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 1);
    assert_eq!(app.smtp().to("ann@acme.example").len(), 1);

    move_maxs_records_to_lena(&app, leader).await;
    add_lenas_sender(&app, leader).await;
    let page = choose_lenas_sender_and_resume(&s).await;
    assert!(page.contains("Resumed"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 1, "Bob's first email");
    let bob = app.smtp().to("bob@globex.example");
    assert_eq!(bob.len(), 1);
    assert!(bob[0].data.contains("lena@acme.example"), "{:?}", bob[0]);

    app.clock.advance(chrono::Duration::days(4));
    app.run_sender_once().await;
    app.run_sender_once().await;
    assert_eq!(
        app.smtp().to("ann@acme.example").len(),
        1,
        "Ann's replies go to Max's mailbox: no later step from Lena's"
    );
    assert!(app.smtp().to("bob@globex.example").len() > 1);
    let page = leader.get(&s.campaign).await;
    assert!(
        page.contains("Finished: contacted from the former owner's mailbox"),
        "{page:?}"
    );

    // Lena may restart Ann explicitly: her next step goes from Lena's account.
    let page = leader
        .post(&form_action(&page.body, "/restart-former-recipients"), &[])
        .await;
    assert!(
        page.contains("Restarted 1 recipient in a new thread from your sender account."),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 1);
    let ann = app.smtp().to("ann@acme.example");
    assert_eq!(ann.len(), 2);
    assert!(
        ann[1].data.contains("lena@acme.example") && ann[1].subject() == "Following up",
        "{:?}",
        ann[1]
    );
}

/// Max's sender form saved again with another daily limit (passwords left empty: kept).
async fn save_maxs_sender_with_limit(
    app: &TestApp,
    max: &Browser,
    edit: &str,
    limit: &str,
) -> Page {
    let port = app.smtp().port.to_string();
    max.post(
        edit,
        &[
            ("email", imap::USER),
            ("display_name", "Max at Acme"),
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &port),
            ("smtp_security", "none"),
            ("smtp_user", ""),
            ("smtp_password", ""),
            ("imap_host", "127.0.0.1"),
            ("imap_port", "1"),
            ("imap_security", "none"),
            ("imap_user", imap::USER),
            ("imap_password", ""),
            ("daily_limit", limit),
        ],
    )
    .await
}
