//! Launching through a confirmation page that says who is skipped and why; archiving a
//! campaign (hidden from the list, history kept, nothing sent) and deleting a draft; all of
//! it for the campaign's owner only.

use crate::helpers::{
    Browser, Export, Member, Options, Plan, TestApp, View, link_href, spawn_app_with,
};

/// Sent to at launch (the test DNS finds a mail server for them): a person's address,
/// verified valid, and a role address, verified "risky" (issue 14 item 5).
const VALID: [&str; 2] = ["ann@acme.example", "sales@globex.example"];
/// Verified invalid: no mail server, or no such domain.
const INVALID: [&str; 3] = ["x1@nomx.test", "x2@nowhere.test", "x3@nomx.test"];
const DISPOSABLE: &str = "dee@mailinator.com";

struct Setup {
    max: Member,
    mia: Member,
    tia: Member,
    leader: Browser,
    /// `/campaigns/{id}` of Max's two-step draft on his verified list.
    campaign: String,
}

/// The path of an absolute URL on the app.
fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/".into(), |at| after_scheme[at..].to_string())
}

fn option_value(html: &str, select: &str) -> String {
    let at = html.find(&format!("name=\"{select}\"")).expect("select");
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..].split('"').next().unwrap().to_string()
}

/// Max's campaign named `name` on a new list of his, without steps; its path.
async fn draft(max: &Browser, name: &str, list_id: &str) -> String {
    let page = max.get("/campaigns").await;
    let sender_id = option_value(&page.body, "sender_id");
    let page = max
        .post(
            "/campaigns",
            &[
                ("name", name),
                ("sender_id", &sender_id),
                ("list_id", list_id),
            ],
        )
        .await;
    assert!(page.contains("Campaign created"), "{page:?}");
    path_of(&page.url)
}

/// Leader Lena with Max (own records), Mia (own records) and Tia (team records). Max has a
/// sender account on the test SMTP server, a list of six verified prospects (two valid,
/// three invalid, one disposable) and a two-step draft campaign on it.
async fn setup(app: &TestApp) -> Setup {
    let (team, [max, mia, tia]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::On)
        .member("Mia Member", View::Own, Export::On)
        .member("Tia Teammate", View::Team, Export::On)
        .build()
        .await;
    let smtp_port = app.smtp().port.to_string();
    let page = max
        .post(
            "/senders",
            &[
                ("email", "max@acme.example"),
                ("display_name", "Max at Acme"),
                ("smtp_host", "127.0.0.1"),
                ("smtp_port", &smtp_port),
                ("smtp_security", "none"),
                ("smtp_user", ""),
                ("smtp_password", "pw"),
                ("imap_host", "127.0.0.1"),
                ("imap_port", "1"),
                ("imap_security", "none"),
                ("imap_user", ""),
                ("imap_password", ""),
                ("daily_limit", "100"),
            ],
        )
        .await;
    assert!(page.contains("added"), "{page:?}");
    let page = max.post("/prospects/lists", &[("name", "Fair")]).await;
    let list = path_of(&page.url);
    for email in VALID.iter().chain(&INVALID).chain(&[DISPOSABLE]) {
        let page = max
            .post(&format!("{list}/prospects"), &[("email", email)])
            .await;
        assert!(page.status == 200, "{page:?}");
    }
    let page = max.post(&format!("{list}/verify"), &[]).await;
    assert!(page.contains("Verifying 6 addresses"), "{page:?}");
    app.run_verifications_once(None).await;
    let page = max.get(&list).await;
    assert!(
        page.contains("<strong>Verification:</strong> 1 valid, 1 risky, 4 invalid."),
        "{page:?}"
    );
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let campaign = draft(&max, "Fair follow-up", &list_id).await;
    for (subject, delay) in [("Hello {{first_name}}", "0"), ("Following up", "2")] {
        let page = max
            .post(
                &format!("{campaign}/steps"),
                &[
                    ("subject", subject),
                    ("body", "Hi there."),
                    ("delay_days", delay),
                ],
            )
            .await;
        assert!(page.contains("added"), "{page:?}");
    }
    Setup {
        max,
        mia,
        tia,
        leader: team.leader,
        campaign,
    }
}

async fn spawn_app() -> TestApp {
    spawn_app_with(Options::manual_rounds()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_launch_confirmation_page_lists_steps_sender_recipients_and_skips() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let page = s.max.get(&s.campaign).await;
    let confirm = format!("{}/launch", s.campaign);
    assert_eq!(
        link_href(&page.body, "/launch"),
        confirm,
        "Launch is a link"
    );

    let page = s.max.get(&confirm).await;
    assert_eq!(page.status, 200, "{page:?}");
    for shown in [
        "Launch “Fair follow-up”?",
        "Hello {{first_name}}",
        "Following up",
        "2 days after the previous step",
        "To 2 recipients",
        "3 skipped: address verified invalid",
        "1 skipped: disposable address",
        "Launch now",
    ] {
        assert!(page.contains(shown), "{shown}: {page:?}");
    }
    assert!(
        page.body
            .contains("From Max at Acme &lt;max@acme.example&gt;"),
        "{page:?}"
    );
    assert!(
        page.contains(&format!(
            "<a class=\"button secondary\" href=\"{}\">Back</a>",
            s.campaign
        )),
        "{page:?}"
    );
    assert_eq!(
        app.run_sender_once().await,
        0,
        "showing the page sends nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_skips_invalid_and_disposable_addresses_and_counts_them() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(
        page.contains("Launched: 2 recipients. 4 skipped: 3 invalid, 1 disposable."),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 2);
    for email in VALID {
        assert_eq!(app.smtp().attempts_to(email), 1, "{email}");
    }
    for email in INVALID.iter().chain(&[DISPOSABLE]) {
        assert_eq!(app.smtp().attempts_to(email), 0, "{email} is skipped");
    }
    // Later steps do not reach them either.
    app.clock.advance(chrono::Duration::days(3));
    assert_eq!(app.run_sender_once().await, 2);
    for email in INVALID.iter().chain(&[DISPOSABLE]) {
        assert_eq!(app.smtp().attempts_to(email), 0, "{email} is skipped");
    }
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("4 skipped: 3 invalid, 1 disposable"),
        "{page:?}"
    );
    assert!(page.contains("2 of 2 recipients done"), "{page:?}");
    assert!(
        page.contains("skipped: address verified invalid"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_refusals_are_shown_and_a_draft_without_steps_cannot_launch() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let page = s.max.post("/prospects/lists", &[("name", "Empty")]).await;
    let empty_list = path_of(&page.url).rsplit('/').next().unwrap().to_string();
    let bare = draft(&s.max, "Bare", &empty_list).await;

    let page = s.max.get(&bare).await;
    assert!(
        page.contains("<button type=\"button\" disabled>Launch</button>"),
        "{page:?}"
    );
    assert!(
        page.contains("Add at least one step before launching."),
        "{page:?}"
    );
    let page = s.max.get(&format!("{bare}/launch")).await;
    assert!(
        page.contains("Add at least one step before launching."),
        "{page:?}"
    );
    assert!(!page.contains("Launch now"), "{page:?}");
    s.max
        .post(
            &format!("{bare}/steps"),
            &[("subject", "S"), ("body", "B"), ("delay_days", "0")],
        )
        .await;
    let page = s.max.get(&format!("{bare}/launch")).await;
    assert!(
        page.contains("The campaign's prospect list is empty. Add prospects first."),
        "{page:?}"
    );
    assert!(!page.contains("Launch now"), "{page:?}");

    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    let page = s.max.get(&format!("{}/launch", s.campaign)).await;
    assert!(
        page.contains("This campaign has already been launched."),
        "{page:?}"
    );
    assert!(!page.contains("Launch now"), "{page:?}");
}

/// Max's row of the Team statistics download: the emails he sent this billing period.
async fn emails_sent_by_max(leader: &Browser) -> String {
    let csv = leader
        .get("/account/team/statistics.csv?period=billing")
        .await;
    csv.body
        .lines()
        .find(|l| l.starts_with("Max Member,"))
        .and_then(|l| l.split(',').nth(4))
        .unwrap_or_else(|| panic!("{csv:?}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_archived_campaign_leaves_the_list_keeps_its_history_and_sends_nothing() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
    assert_eq!(emails_sent_by_max(&s.leader).await, "2");

    let page = s.max.post(&format!("{}/archive", s.campaign), &[]).await;
    assert!(
        page.contains("Archived. It is paused and hidden from the campaign list."),
        "{page:?}"
    );
    let list = s.max.get("/campaigns").await;
    assert!(!list.contains("Fair follow-up"), "{list:?}");
    assert!(list.contains("Archived (1)"), "{list:?}");
    let archived = s.max.get("/campaigns?archived=true").await;
    assert!(archived.contains("Fair follow-up"), "{archived:?}");

    // The second step falls due: nothing goes out from an archived campaign.
    app.clock.advance(chrono::Duration::days(3));
    assert_eq!(app.run_sender_once().await, 0);
    for email in VALID {
        assert_eq!(app.smtp().attempts_to(email), 1, "{email}");
    }
    let page = s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert!(
        page.contains("Only a paused campaign can be resumed."),
        "{page:?}"
    );
    assert_eq!(app.run_sender_once().await, 0);

    // History stays: the page, its figures and Team statistics.
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("0 of 2 recipients done"), "{page:?}");
    assert!(
        page.contains("4 skipped: 3 invalid, 1 disposable"),
        "{page:?}"
    );
    assert_eq!(emails_sent_by_max(&s.leader).await, "2");

    // Restored, it is paused; resumed, the due step goes.
    let page = s.max.post(&format!("{}/unarchive", s.campaign), &[]).await;
    assert!(
        page.contains("Restored from the archive. It is paused: resume it to send again."),
        "{page:?}"
    );
    assert!(s.max.get("/campaigns").await.contains("Fair follow-up"));
    s.max.post(&format!("{}/resume", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn archiving_a_campaign_with_due_retries_makes_no_smtp_call() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    app.smtp().refuse(true);
    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert_eq!(app.run_sender_once().await, 0);
    for email in VALID {
        assert_eq!(app.smtp().attempts_to(email), 1, "{email}");
    }
    let page = s.max.post(&format!("{}/archive", s.campaign), &[]).await;
    assert!(page.contains("Archived. It is paused"), "{page:?}");
    app.smtp().refuse(false);
    app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(app.run_sender_once().await, 0);
    for email in VALID {
        assert_eq!(
            app.smtp().attempts_to(email),
            1,
            "no retry of {email} while archived"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_can_be_deleted_after_confirming_a_launched_campaign_cannot() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let page = s.max.post("/prospects/lists", &[("name", "Spare")]).await;
    let spare = path_of(&page.url).rsplit('/').next().unwrap().to_string();
    let doomed = draft(&s.max, "Doomed draft", &spare).await;

    let page = s.max.get(&format!("{doomed}/delete")).await;
    assert!(
        page.contains("Delete the draft “Doomed draft”?"),
        "{page:?}"
    );
    let page = s.max.post(&format!("{doomed}/delete"), &[]).await;
    assert!(
        page.contains("Deleted the draft “Doomed draft”."),
        "{page:?}"
    );
    assert_eq!(s.max.get(&doomed).await.status, 404);

    s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    let page = s.max.post(&format!("{}/delete", s.campaign), &[]).await;
    assert!(
        page.contains(
            "Only a campaign that was never launched can be deleted; archive this one instead."
        ),
        "{page:?}"
    );
    assert_eq!(s.max.get(&s.campaign).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_owner_launches_archives_and_deletes() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = &s.campaign;
    // Tia sees Max's records (read only): 403; Mia sees only her own: 404.
    for (who, status) in [(&s.tia, 403), (&s.mia, 404)] {
        assert_eq!(who.get(&format!("{c}/launch")).await.status, status);
        assert_eq!(who.get(&format!("{c}/delete")).await.status, status);
        for action in ["launch", "archive", "unarchive", "delete"] {
            let page = who.post(&format!("{c}/{action}"), &[]).await;
            assert_eq!(page.status, status, "{action}: {page:?}");
        }
    }
    let page = s.max.get(c).await;
    assert!(page.contains("draft"), "nothing was done: {page:?}");
    assert!(s.max.get("/campaigns").await.contains("Fair follow-up"));
    assert_eq!(app.run_sender_once().await, 0, "nothing was launched");
}
