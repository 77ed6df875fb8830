//! "Forget this prospect": who may (the owner and the team leader; not a teammate with View
//! team records; an outsider sees nothing), and what it leaves: the address nowhere in the
//! database but as its SHA-256 (a scan of every column of every table), the Team statistics
//! figures unchanged, "forgotten" on the campaign page, and the address skipped at launch
//! when it is added again.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::campaigns::{Setup, header, option_value, path_of, setup, spawn_app};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Browser, Export, Plan, TestApp, View};

const ANN: &str = "ann@acme.example";
const BOB: &str = "bob@globex.example";

fn digest(address: &str) -> String {
    dripteam::domain::prospects::do_not_email::address_digest(address)
}

#[derive(QueryableByName)]
struct Text1 {
    #[diesel(sql_type = Nullable<Text>)]
    v: Option<String>,
}

/// Runs `sql` (one text column named `v`) on either backend.
fn texts(app: &TestApp, sql: &str) -> Vec<String> {
    use dripteam::db::AnyConnection;
    let mut conn = app.conn();
    let rows: Vec<Text1> = match &mut *conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(sql).load(c),
        AnyConnection::Postgresql(c) => diesel::sql_query(sql).load(c),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().filter_map(|r| r.v).collect()
}

/// Every "table.column: value" of the whole database whose text holds `needle` (case
/// folded). Tables and columns are read from the database itself, so a table added later
/// is scanned too.
fn traces(app: &TestApp, needle: &str) -> Vec<String> {
    let sqlite = matches!(&*app.conn(), dripteam::db::AnyConnection::Sqlite(_));
    let tables = if sqlite {
        texts(
            app,
            "SELECT name AS v FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
    } else {
        texts(
            app,
            "SELECT CAST(table_name AS TEXT) AS v FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
    };
    assert!(tables.len() > 20, "{tables:?}");
    let needle = needle.to_lowercase();
    let mut found = Vec::new();
    for table in tables {
        let columns = if sqlite {
            texts(
                app,
                &format!("SELECT name AS v FROM pragma_table_info('{table}')"),
            )
        } else {
            texts(
                app,
                &format!(
                    "SELECT CAST(column_name AS TEXT) AS v FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = '{table}'"
                ),
            )
        };
        for column in columns {
            let sql = format!("SELECT CAST(\"{column}\" AS TEXT) AS v FROM \"{table}\"");
            for value in texts(app, &sql) {
                if value.to_lowercase().contains(&needle) {
                    found.push(format!("{table}.{column}: {value}"));
                }
            }
        }
    }
    found
}

/// The id of the prospect with `email` in a list of `owner`.
fn prospect_of(app: &TestApp, owner: dripteam::domain::UserId, email: &str) -> i64 {
    use dripteam::db::schema::prospects as p;
    p::table
        .filter(p::owner_id.eq(owner))
        .filter(p::email.eq(email))
        .select(p::id)
        .first(&mut app.conn())
        .unwrap()
}

/// The leader's Team statistics for this billing period, as the CSV gives them.
async fn figures(leader: &Browser) -> String {
    let page = leader
        .get("/account/team/statistics.csv?period=billing")
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    page.body
}

/// Max launches the fair campaign; Ann and Bob get step 1 and Ann opens it.
async fn launched(app: &TestApp, s: &Setup<'_>) {
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 2 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 2);
    let ann = app.smtp().wait_for(ANN, 1).await;
    let pixel = ann.link("/t/o/");
    reqwest::get(pixel.trim_end_matches('"')).await.unwrap();
}

/// Ann replies to step 1; Max's reply digest (in the outbox) names her.
async fn ann_replies(app: &TestApp, imap_server: &ImapServer) {
    let ann = &app.smtp().to(ANN)[0];
    let id = header(ann, "Message-ID");
    imap_server.deliver_reply(ANN, id.trim_matches(['<', '>']));
    app.poll_replies_once().await;
    assert!(!traces(app, "Ann <").is_empty(), "the digest names Ann");
}

/// No email went to a placeholder address.
fn none_to_placeholders(app: &TestApp) {
    let strays: Vec<_> = app
        .smtp()
        .all()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.ends_with(".invalid")))
        .collect();
    assert!(strays.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn forgetting_leaves_only_the_digest_and_keeps_the_figures() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    launched(&app, &s).await;
    ann_replies(&app, &imap_server).await;
    // Ann is in the leader's own list too, and on the team's do-not-email list by hand.
    let leader = &s.team.leader;
    let page = leader.post("/prospects/lists", &[("name", "Leads")]).await;
    let page = leader
        .post(
            &format!("{}/prospects", path_of(&page.url)),
            &[("email", "Ann@Acme.example"), ("first_name", "Ann")],
        )
        .await;
    assert!(page.contains("Added ann@acme.example."), "{page:?}");
    let page = leader
        .post("/prospects/do-not-email", &[("entry", ANN)])
        .await;
    assert!(page.contains("Added ann@acme.example"), "{page:?}");
    let before = figures(leader).await;
    assert!(!traces(&app, ANN).is_empty(), "the address is there before");

    let ann = prospect_of(&app, s.max.id, ANN);
    let profile = s.max.get(&format!("/prospects/{ann}")).await;
    assert!(
        profile.contains(&format!("href=\"/prospects/{ann}/forget\"")),
        "{profile:?}"
    );
    let confirm = s.max.get(&format!("/prospects/{ann}/forget")).await;
    assert!(
        confirm.contains("Forget ann@acme.example?")
            && confirm.contains("SHA-256")
            && confirm.contains("Team statistics"),
        "{confirm:?}"
    );
    assert!(
        traces(&app, "Hello Ann")
            .iter()
            .any(|t| t.starts_with("campaign_messages.subject")),
        "the subject sent to Ann is stored, with her name"
    );
    let page = s.max.post(&format!("/prospects/{ann}/forget"), &[]).await;
    assert!(page.contains("Forgot the prospect."), "{page:?}");
    assert_eq!(
        traces(&app, "Hello Ann"),
        Vec::<String>::new(),
        "the subject sent to her is forgotten too"
    );
    assert!(!page.contains(ANN), "{page:?}");

    assert_eq!(traces(&app, ANN), Vec::<String>::new(), "no trace left");
    for named in ["Ann <", "Ann &#60;"] {
        assert_eq!(traces(&app, named), Vec::<String>::new(), "{named}");
    }
    let kept = traces(&app, &digest(ANN));
    for table in ["do_not_email.digest", "usage_ledger.recipient_email"] {
        assert!(
            kept.iter().any(|t| t.starts_with(table)),
            "{table}: {kept:?}"
        );
    }
    assert_eq!(figures(leader).await, before, "Team statistics unchanged");
    let page = s.max.get(&s.campaign).await;
    assert!(page.contains("forgotten"), "{page:?}");
    let page = leader.get("/account/team").await;
    assert!(page.contains("prospect forgotten"), "{page:?}");
    let page = leader.get("/prospects/do-not-email").await;
    assert!(page.contains("Forgotten prospect"), "{page:?}");
    let profile = s.max.get(&format!("/prospects/{ann}")).await;
    assert!(
        !profile.contains("A12") && !profile.contains("/forget\""),
        "{profile:?}"
    );

    // Bob's sequence goes on; nothing goes to the placeholder addresses.
    for _ in 0..3 {
        app.clock
            .advance(chrono::Duration::days(1) + chrono::Duration::minutes(1));
        app.run_sender_once().await;
    }
    app.smtp().wait_for(BOB, 3).await;
    assert_eq!(app.smtp().to(ANN).len(), 1);
    none_to_placeholders(&app);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_address_added_again_is_skipped_at_launch() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    launched(&app, &s).await;
    // The leader forgets Max's prospect.
    let ann = prospect_of(&app, s.max.id, ANN);
    let page = s
        .team
        .leader
        .post(&format!("/prospects/{ann}/forget"), &[])
        .await;
    assert!(page.contains("Forgot the prospect."), "{page:?}");
    assert_eq!(traces(&app, ANN), Vec::<String>::new());

    // Max imports Ann again with Carl into a new list and launches a campaign on it.
    let page = s.max.post("/prospects/lists", &[("name", "Again")]).await;
    let list = path_of(&page.url);
    for email in [ANN, "carl@initech.example"] {
        let page = s
            .max
            .post(&format!("{list}/prospects"), &[("email", email)])
            .await;
        assert!(page.contains("Added"), "{page:?}");
    }
    let page = s.max.get("/campaigns").await;
    let sender_id = option_value(&page.body, "sender_id");
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = s
        .max
        .post(
            "/campaigns",
            &[
                ("name", "Again"),
                ("sender_id", &sender_id),
                ("list_id", &list_id),
            ],
        )
        .await;
    let campaign = path_of(&page.url);
    s.max
        .post(
            &format!("{campaign}/steps"),
            &[("subject", "Hi"), ("body", "Hello"), ("delay_days", "0")],
        )
        .await;
    let page = s.max.get(&format!("{campaign}/launch")).await;
    assert!(
        page.contains("1 skipped: on the do-not-email list"),
        "{page:?}"
    );
    let page = s.max.post(&format!("{campaign}/launch"), &[]).await;
    assert!(page.contains("Launched: 1 recipient"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 1);
    app.smtp().wait_for("carl@initech.example", 1).await;
    // Her sequence in the first campaign stopped too (Bob's goes on).
    app.clock
        .advance(chrono::Duration::days(1) + chrono::Duration::minutes(1));
    app.run_sender_once().await;
    app.smtp().wait_for(BOB, 2).await;
    none_to_placeholders(&app);
    let page = s.max.get(&s.campaign).await;
    assert!(
        page.contains("1 skipped: 1 on the do-not-email list"),
        "{page:?}"
    );
    assert_eq!(
        app.smtp().to(ANN).len(),
        1,
        "only the email before forgetting"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_and_the_leader_may_forget_a_teammate_may_not_an_outsider_sees_nothing() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 2).await;
    let tia = s.team.join("Tia Teammate", View::Team, Export::On).await;
    let ola = app.user("Ola Outsider", "ola@example.com").await;
    let (ann, bob) = (
        prospect_of(&app, s.max.id, ANN),
        prospect_of(&app, s.max.id, BOB),
    );

    let profile = tia.get(&format!("/prospects/{ann}")).await;
    assert_eq!(profile.status, 200);
    assert!(!profile.contains("Forget this prospect"), "{profile:?}");
    let confirm = format!("/prospects/{ann}/forget");
    assert_eq!(tia.get(&confirm).await.status, 403);
    assert_eq!(tia.post(&confirm, &[]).await.status, 403);
    assert_eq!(ola.get(&confirm).await.status, 404);
    assert_eq!(ola.post(&confirm, &[]).await.status, 404);
    assert!(!traces(&app, ANN).is_empty(), "refused: nothing forgotten");

    let profile = s.team.leader.get(&format!("/prospects/{ann}")).await;
    assert!(profile.contains("Forget this prospect"), "{profile:?}");
    let page = s.team.leader.post(&confirm, &[]).await;
    assert!(page.contains("Forgot the prospect."), "{page:?}");
    let page = s.max.post(&format!("/prospects/{bob}/forget"), &[]).await;
    assert!(page.contains("Forgot the prospect."), "{page:?}");
    assert!(traces(&app, BOB).is_empty());
    assert!(traces(&app, ANN).is_empty());
    // A forgotten prospect is not forgotten twice.
    let page = s.max.post(&format!("/prospects/{bob}/forget"), &[]).await;
    assert!(page.contains("already forgotten"), "{page:?}");
}
