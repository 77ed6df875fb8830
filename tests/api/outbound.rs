//! Outbound connections to users' mail servers: no sender account reaches loopback or
//! private addresses unless ALLOW_PRIVATE_MAIL_HOSTS is on, failures are told by kind
//! (never the peer's words), and the reply poller reads mailboxes concurrently, each
//! within its own time limit, recording a failing mailbox and going on with the others.

use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use dripteam::domain::campaigns::outbound::{FailureKind, MailHosts};
use dripteam::jobs::campaign_sender::{self, Transports};
use dripteam::jobs::reply_poller::{self, Outcome, PollSettings};

use crate::helpers::imap::{self, ImapServer};
use crate::helpers::{Browser, Options, Page, TestApp, form_action, spawn_app_with};

const BANNER: &str = "internal-only.corp ESMTP Postfix secret-banner";
const NOT_ALLOWED: &str = "the address is not allowed (loopback, private or reserved network)";

/// A loopback port that counts connections; it greets each with `banner` (if any) and
/// then either closes it or holds it open without another word.
struct Probe {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Probe {
    fn start(banner: Option<&'static str>, hold_open: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let held = Arc::new(Mutex::new(Vec::new()));
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                counted.fetch_add(1, Ordering::SeqCst);
                if let Some(banner) = banner {
                    let _ = stream.write_all(format!("220 {banner}\r\n").as_bytes());
                }
                if hold_open {
                    held.lock().unwrap().push(stream);
                }
            }
        });
        Probe { port, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sender_form<'a>(
    email: &'a str,
    smtp: (&'a str, &'a str),
    imap: (&'a str, &'a str),
    imap_login: (&'a str, &'a str),
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("display_name", "Olga at Acme"),
        ("smtp_host", smtp.0),
        ("smtp_port", smtp.1),
        ("smtp_security", "none"),
        ("smtp_user", ""),
        ("smtp_password", ""),
        ("imap_host", imap.0),
        ("imap_port", imap.1),
        ("imap_security", "none"),
        ("imap_user", imap_login.0),
        ("imap_password", imap_login.1),
        ("daily_limit", "100"),
    ]
}

/// Adds a sender account with both servers on `host`; returns its id.
async fn add_sender(who: &Browser, email: &str, host: &str, smtp: u16, imap: u16) -> i64 {
    let (smtp, imap) = (smtp.to_string(), imap.to_string());
    let form = sender_form(email, (host, &smtp), (host, &imap), ("", ""));
    let page = who.post("/senders", &form).await;
    assert!(
        page.contains(&format!("Sender account {email} added.")),
        "{page:?}"
    );
    sender_id(&page, email)
}

fn sender_id(page: &Page, email: &str) -> i64 {
    let row = page
        .body
        .split("<tr>")
        .skip(1)
        .find(|r| r.contains(email))
        .unwrap();
    form_action(row, "/test")
        .trim_start_matches("/senders/")
        .trim_end_matches("/test")
        .parse()
        .unwrap()
}

async fn test_connection(who: &Browser, id: i64) -> Page {
    who.post(&format!("/senders/{id}/test"), &[]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn test_connection_refuses_private_addresses_and_never_shows_what_answers() {
    let app = spawn_app_with(Options {
        extra: vec![("ALLOW_PRIVATE_MAIL_HOSTS", "false".into())],
        ..Default::default()
    })
    .await;
    let probe = Probe::start(Some(BANNER), false);
    let olga = app.user("Olga Owner", "olga@example.com").await;
    let id = add_sender(
        &olga,
        "olga@acme.example",
        "127.0.0.1",
        probe.port,
        probe.port,
    )
    .await;
    let port = probe.port.to_string();
    for host in [
        "127.0.0.1",
        "localhost",
        "::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "10.1.2.3",
        "169.254.169.254",
        "100.64.0.1",
    ] {
        let form = sender_form("olga@acme.example", (host, &port), (host, &port), ("", ""));
        let page = olga.post(&format!("/senders/{id}"), &form).await;
        assert!(page.contains("saved"), "{host}: {page:?}");
        let page = test_connection(&olga, id).await;
        assert!(
            page.contains(&format!(
                "olga@acme.example: SMTP failed: {NOT_ALLOWED}; IMAP failed: {NOT_ALLOWED}."
            )),
            "{host}: {page:?}"
        );
        assert!(!page.contains("secret-banner") && !page.contains("Postfix"));
    }
    assert_eq!(probe.connections(), 0, "no connection reached the probe");

    let form = sender_form(
        "olga@acme.example",
        ("nowhere.invalid", "25"),
        ("nowhere.invalid", "143"),
        ("", ""),
    );
    olga.post(&format!("/senders/{id}"), &form).await;
    let page = test_connection(&olga, id).await;
    assert!(
        page.contains(
            "SMTP failed: the host name cannot be resolved; IMAP failed: the host name cannot be resolved."
        ),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_private_hosts_allowed_failures_are_told_by_kind_not_by_the_peers_words() {
    let app = spawn_app_with(Options::default()).await;
    let probe = Probe::start(Some(BANNER), false);
    let olga = app.user("Olga Owner", "olga@example.com").await;
    let (smtp, imap) = (probe.port.to_string(), closed_port().to_string());
    let form = sender_form(
        "olga@acme.example",
        ("127.0.0.1", &smtp),
        ("127.0.0.1", &imap),
        ("", ""),
    );
    let page = olga.post("/senders", &form).await;
    let id = sender_id(&page, "olga@acme.example");
    let page = test_connection(&olga, id).await;
    assert!(
        page.contains(
            "olga@acme.example: SMTP failed: the server's answer was not understood; IMAP failed: connection refused."
        ),
        "{page:?}"
    );
    assert!(!page.contains("secret-banner") && !page.contains("Postfix"));
    assert_eq!(probe.connections(), 1, "the allowed address was reached");

    // Real servers work as before.
    let dovecot = ImapServer::start();
    let (smtp, imap) = (app.smtp().port.to_string(), dovecot.port.to_string());
    let form = sender_form(
        imap::USER,
        ("127.0.0.1", &smtp),
        ("127.0.0.1", &imap),
        (imap::USER, imap::PASSWORD),
    );
    let page = olga.post("/senders", &form).await;
    let id = sender_id(&page, imap::USER);
    let page = test_connection(&olga, id).await;
    assert!(page.contains("SMTP and IMAP connections work."), "{page:?}");
}

/// On plan M, a list with Ann and a launched one-step campaign from sender `sender_id`;
/// returns the campaign's path.
async fn launch_campaign(olga: &Browser, sender_id: i64) -> String {
    olga.post("/account/billing/plan", &[("plan", "m")]).await;
    let page = olga.post("/prospects/lists", &[("name", "Fair")]).await;
    let list = path_of(&page.url);
    let page = olga
        .upload_csv(
            &list,
            "fair.csv",
            b"email,first_name\nann@acme.example,Ann\n",
        )
        .await;
    let start = form_action(&page.body, "/start");
    let page = olga
        .post(&start, &[("col_0", "email"), ("col_1", "first_name")])
        .await;
    olga.wait_for_import(&page.url).await;
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = olga
        .post(
            "/campaigns",
            &[
                ("name", "Fair follow-up"),
                ("sender_id", &sender_id.to_string()),
                ("list_id", &list_id),
            ],
        )
        .await;
    assert!(page.contains("Campaign created"), "{page:?}");
    let campaign = path_of(&page.url);
    for (subject, delay) in [("Hello {{first_name}}", "0"), ("Following up", "1")] {
        let page = olga
            .post(
                &format!("{campaign}/steps"),
                &[
                    ("subject", subject),
                    ("body", "Hi there"),
                    ("delay_days", delay),
                ],
            )
            .await;
        assert!(page.contains("added"), "{page:?}");
    }
    let page = olga.post(&format!("{campaign}/launch"), &[]).await;
    assert!(page.contains("Launched: 1 recipient."), "{page:?}");
    campaign
}

fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/".into(), |at| after_scheme[at..].to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_campaign_sender_refuses_a_private_smtp_server() {
    let app = spawn_app_with(Options {
        extra: vec![("ALLOW_PRIVATE_MAIL_HOSTS", "false".into())],
        sender_poll: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let probe = Probe::start(Some(BANNER), false);
    let olga = app.user("Olga Owner", "olga@example.com").await;
    let id = add_sender(
        &olga,
        "olga@acme.example",
        "127.0.0.1",
        probe.port,
        probe.port,
    )
    .await;
    let campaign = launch_campaign(&olga, id).await;

    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(probe.connections(), 0, "no SMTP connection was made");
    let page = olga.get(&campaign).await;
    assert!(
        page.contains(&format!(
            "Could not connect to 127.0.0.1:{} — {NOT_ALLOWED}.",
            probe.port
        )),
        "the email failed with the reason: {page:?}"
    );

    // The same email goes out once the address is allowed: only the rule stopped it.
    let smtp = app.smtp().port.to_string();
    let form = sender_form(
        "olga@acme.example",
        ("127.0.0.1", &smtp),
        ("127.0.0.1", &smtp),
        ("", ""),
    );
    olga.post(&format!("/senders/{id}"), &form).await;
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(app.run_sender_once().await, 0, "still refused");
    assert!(app.smtp().to("ann@acme.example").is_empty());
    app.clock.advance(chrono::Duration::minutes(20));
    // The job of an app that allows private addresses sends it.
    let sent = campaign_sender::tick(
        &app.pool,
        &app.clock,
        &app.secrets(),
        &app.address,
        &mut Transports::new(MailHosts::AnyAddress, 4),
    )
    .await
    .unwrap();
    assert_eq!(sent, 1);
    app.smtp().wait_for("ann@acme.example", 1).await;
}

/// Olga's campaign sent through the test SMTP server from the dovecot account, Ann's reply
/// delivered to dovecot; returns the campaign's path and the sender id.
async fn campaign_with_reply(app: &TestApp, dovecot: &ImapServer) -> (Browser, String, i64) {
    let olga = app.user("Olga Owner", "olga@example.com").await;
    let (smtp, imap) = (app.smtp().port.to_string(), dovecot.port.to_string());
    let form = sender_form(
        imap::USER,
        ("127.0.0.1", &smtp),
        ("127.0.0.1", &imap),
        (imap::USER, imap::PASSWORD),
    );
    let page = olga.post("/senders", &form).await;
    let id = sender_id(&page, imap::USER);
    let campaign = launch_campaign(&olga, id).await;
    assert_eq!(app.run_sender_once().await, 1);
    let ann = app.smtp().wait_for("ann@acme.example", 1).await;
    let message_id = ann
        .data
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap()
        .trim()
        .trim_matches(['<', '>'])
        .to_string();
    dovecot.deliver_reply("ann@acme.example", &message_id);
    (olga, campaign, id)
}

async fn replied(olga: &Browser, campaign: &str) -> bool {
    olga.get(campaign)
        .await
        .body
        .contains("<td>ann@acme.example</td><td>replied</td>")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unresponsive_mailbox_delays_only_itself() {
    let app = spawn_app_with(Options::manual_rounds()).await;
    let dovecot = ImapServer::start();
    let silent = Probe::start(None, true);
    // Another tenant's five accounts on a server that accepts and never answers, added
    // before the healthy one.
    let sam = app.user("Sam Slow", "sam@example.com").await;
    for i in 0..5 {
        add_sender(
            &sam,
            &format!("s{i}@slow.example"),
            "127.0.0.1",
            silent.port,
            silent.port,
        )
        .await;
    }
    let (olga, campaign, healthy) = campaign_with_reply(&app, &dovecot).await;

    // A round with a long per-account limit: Ann's reply is recorded while the five
    // silent mailboxes are still waiting.
    let context = reply_poller::PollContext {
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        secrets: app.secrets(),
        base_url: app.address.clone(),
    };
    let settings = PollSettings {
        account_timeout: Duration::from_secs(600),
        ..PollSettings::new(MailHosts::AnyAddress)
    };
    let round = tokio::spawn(async move { reply_poller::tick(&context, &settings).await });
    let deadline = Instant::now() + Duration::from_secs(15);
    while !replied(&olga, &campaign).await {
        assert!(Instant::now() < deadline, "the reply was not found");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !round.is_finished(),
        "the silent mailboxes are still pending"
    );
    while silent.connections() < 5 {
        assert!(Instant::now() < deadline, "all five are read at once");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    round.abort();

    // With a short limit the silent ones fail as timed out, are recorded, and wait.
    let short = Duration::from_millis(300);
    let outcomes = app.poll_replies_once_within(short).await;
    assert_eq!(outcomes.len(), 6);
    for o in &outcomes {
        let expected = if o.sender_id == healthy {
            Outcome::Read { replies: 0 }
        } else {
            Outcome::Failed(FailureKind::TimedOut)
        };
        assert_eq!(o.outcome, expected, "{o:?}");
    }
    let page = sam.get("/senders").await;
    assert_eq!(
        page.body
            .matches("Last IMAP check failed: timed out at")
            .count(),
        5,
        "{page:?}"
    );
    let outcomes = app.poll_replies_once_within(short).await;
    assert_eq!(
        outcomes.iter().map(|o| o.sender_id).collect::<Vec<_>>(),
        [healthy],
        "the failing mailboxes wait out their backoff"
    );
    app.clock.advance(chrono::Duration::minutes(3));
    let outcomes = app.poll_replies_once_within(short).await;
    assert_eq!(outcomes.len(), 6, "after the backoff they are read again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poisoned_mailbox_does_not_stop_the_others() {
    let app = spawn_app_with(Options::manual_rounds()).await;
    let dovecot = ImapServer::start();
    let sam = app.user("Sam Slow", "sam@example.com").await;
    let unreadable = add_sender(&sam, "s1@poison.example", "127.0.0.1", 1, 1).await;
    let unresolvable = add_sender(&sam, "s2@poison.example", "nowhere.invalid", 25, 143).await;
    // Stored data that no longer decrypts (e.g. written under another SECRET_KEY).
    diesel::sql_query(format!(
        "UPDATE sender_accounts SET imap_password = 'not-a-sealed-secret' WHERE id = {unreadable}"
    ))
    .execute(&mut *app.conn())
    .unwrap();
    let (olga, campaign, healthy) = campaign_with_reply(&app, &dovecot).await;

    let mut outcomes = app.poll_replies_once().await;
    outcomes.sort_by_key(|o| o.sender_id);
    let outcomes: Vec<(i64, Outcome)> = outcomes.iter().map(|o| (o.sender_id, o.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            (unreadable, Outcome::Failed(FailureKind::SettingsUnreadable)),
            (unresolvable, Outcome::Failed(FailureKind::CannotResolve)),
            (healthy, Outcome::Read { replies: 1 }),
        ]
    );
    assert!(replied(&olga, &campaign).await);
    let page = sam.get("/senders").await;
    assert!(
        page.contains(
            "Last IMAP check failed: the stored password cannot be read; enter it again at"
        ) && page.contains("Last IMAP check failed: the host name cannot be resolved at"),
        "{page:?}"
    );

    // Ann replied: her follow-up is not sent.
    app.clock.advance(chrono::Duration::days(2));
    assert_eq!(app.run_sender_once().await, 0);
    assert_eq!(app.smtp().to("ann@acme.example").len(), 1);
}
