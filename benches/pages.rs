//! `cargo bench --bench pages`: the real server on SQLite with a team of 10 and a team of
//! 1,000 members (large data), measured from outside as a browser would load the pages.
//! Prints, per page: SQL statements per request (diesel instrumentation), p50/p99 latency
//! and requests per second with 16 concurrent clients; the same for /healthz as the
//! ceiling; campaign emails per second to a local SMTP server; peak memory.
//!
//! Sizes can be lowered for a quick run: BENCH_EMAILS (default 1000000).

use secrecy::ExposeSecret;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use dripteam::clock::Clock;
use dripteam::config::Settings;
use dripteam::demo::large_team::{self, Sizes};
use dripteam::startup::Application;

static STATEMENTS: AtomicU64 = AtomicU64::new(0);

struct CountStatements;

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

struct Server {
    base: String,
    pool: dripteam::db::Pool,
    settings: Settings,
    _dir: tempfile::TempDir,
}

fn settings(dir: &std::path::Path, smtp_port: Option<u16>) -> Settings {
    let dir = dir.display().to_string();
    let smtp = smtp_port.map(|p| format!("smtp://127.0.0.1:{p}"));
    let mut settings = Settings::from_lookup(|k| match k {
        "DATA_DIR" => Some(dir.clone()),
        "BIND_ADDR" => Some("127.0.0.1:0".into()),
        "BCRYPT_COST" => Some("4".into()),
        "DB_POOL_SIZE" => Some("16".into()),
        "SMTP_URL" => smtp.clone(),
        _ => None,
    })
    .unwrap();
    settings.sender_poll = Duration::from_secs(3600);
    settings.reply_poll = Duration::from_secs(3600);
    settings
}

async fn server(members: usize, prospects: usize, emails: usize) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), None);
    let app = Application::build(settings.clone(), Clock::default()).unwrap();
    let started = Instant::now();
    let secrets = dripteam::crypto::SecretBox::new(settings.secret_key.expose_secret());
    let pool = app.pool.clone();
    let now = app.clock.now();
    tokio::task::spawn_blocking({
        let pool = pool.clone();
        move || {
            let sizes = Sizes {
                members,
                prospects,
                emails,
            };
            large_team::build(
                &mut pool.get().unwrap(),
                &secrets,
                &sizes,
                4,
                now,
                &mut |_| {},
            )
            .unwrap();
        }
    })
    .await
    .unwrap();
    println!(
        "built a team of {members} members, {prospects} prospects, {emails} emails in {:.1?}",
        started.elapsed()
    );
    let base = app.base_url.clone();
    tokio::spawn(app.run_until_stopped());
    Server {
        base,
        pool,
        settings,
        _dir: dir,
    }
}

async fn logged_in_cookie(base: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(format!("{base}/login")).send().await.unwrap();
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let response = client
        .post(format!("{base}/login"))
        .header("cookie", cookie)
        .form(&[
            ("email", large_team::LEADER_EMAIL),
            ("password", dripteam::demo::DEMO_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

struct Figures {
    statements: u64,
    p50: Duration,
    p99: Duration,
    rps: f64,
}

async fn measure(base: &str, path: &str, cookie: &str) -> Figures {
    let client = reqwest::Client::new();
    let url = format!("{base}{path}");
    let get = |client: reqwest::Client, url: String, cookie: String| async move {
        let started = Instant::now();
        let response = client
            .get(&url)
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{url}");
        response.bytes().await.unwrap();
        started.elapsed()
    };
    get(client.clone(), url.clone(), cookie.to_string()).await;
    let before = STATEMENTS.load(Ordering::Relaxed);
    get(client.clone(), url.clone(), cookie.to_string()).await;
    let statements = STATEMENTS.load(Ordering::Relaxed) - before;
    let requests = 320;
    let started = Instant::now();
    let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(requests)));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (client, url, cookie, latencies) = (
                client.clone(),
                url.clone(),
                cookie.to_string(),
                latencies.clone(),
            );
            tokio::spawn(async move {
                for _ in 0..requests / 16 {
                    let took = get(client.clone(), url.clone(), cookie.clone()).await;
                    latencies.lock().unwrap().push(took);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    Figures {
        statements,
        p50: latencies[latencies.len() / 2],
        p99: latencies[latencies.len() * 99 / 100],
        rps: requests as f64 / elapsed.as_secs_f64(),
    }
}

fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[derive(Clone)]
struct Sink(Arc<AtomicU64>);

impl mailin_embedded::Handler for Sink {
    fn data_end(&mut self) -> mailin_embedded::Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        mailin_embedded::response::OK
    }
}

/// Campaign emails per second from the sender job to a local SMTP server.
async fn emails_per_second(count: usize) -> f64 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(AtomicU64::new(0));
    let sink = Sink(received.clone());
    std::thread::spawn(move || {
        let mut server = mailin_embedded::Server::new(sink);
        server
            .with_name("bench")
            .with_ssl(mailin_embedded::SslConfig::None)
            .unwrap()
            .with_num_threads(16)
            .with_tcp_listener(listener);
        let _ = server.serve();
    });
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), None);
    let app = Application::build(settings.clone(), Clock::default()).unwrap();
    let (pool, clock, base) = (app.pool.clone(), app.clock.clone(), app.base_url.clone());
    tokio::spawn(app.run_until_stopped());
    let secrets = dripteam::crypto::SecretBox::new(settings.secret_key.expose_secret());
    let now = clock.now();
    let setup_secrets = secrets.clone();
    tokio::task::spawn_blocking({
        let pool = pool.clone();
        move || {
            use dripteam::domain::campaigns::{self, senders};
            use dripteam::domain::{accounts, billing, prospects};
            let conn = &mut pool.get().unwrap();
            let user = accounts::sign_up(
                conn,
                accounts::SignUp {
                    name: accounts::PersonName::parse("Bench").unwrap(),
                    email: accounts::EmailAddress::parse("bench@example.com").unwrap(),
                    password: accounts::NewPassword::parse("bench-password").unwrap(),
                },
                accounts::AddressProof::Operator,
                4,
                now,
            )
            .unwrap();
            billing::change_plan(conn, &user, dripteam::domain::billing::Plan::Xxl, now).unwrap();
            let list = prospects::create_list(
                conn,
                &user,
                prospects::ListName::parse("Bench").unwrap(),
                now,
            )
            .unwrap();
            let rows: Vec<_> = (0..count)
                .map(|i| {
                    (
                        list,
                        user.id,
                        format!("r{i}@bench.example"),
                        format!("R{i}"),
                        "Co".to_string(),
                        now,
                    )
                })
                .collect();
            dripteam::db::bulk::prospects(conn, &rows).unwrap();
            let port = port.to_string();
            let input = senders::SenderInput {
                email: "bench@sender.example",
                display_name: "Bench",
                smtp_host: "127.0.0.1",
                smtp_port: &port,
                smtp_security: "none",
                smtp_user: "",
                smtp_password: "",
                imap_host: "127.0.0.1",
                imap_port: "1",
                imap_security: "none",
                imap_user: "",
                imap_password: "",
                daily_limit: "10000",
                dkim_selector: "",
                // The bench measures the sender's own cost: no pause between emails.
                pause_min: "0",
                pause_max: "0",
                default_pause: dripteam::domain::campaigns::pacing::Pacing::default(),
            };
            senders::add(conn, &setup_secrets, &user, &input, now).unwrap();
            let sender = dripteam::db::senders::of_owner(conn, user.id)
                .unwrap()
                .pop()
                .unwrap();
            let campaign = campaigns::create(
                conn,
                &user,
                campaigns::CampaignSettings {
                    name: campaigns::CampaignName::parse("Bench").unwrap(),
                    sender_id: sender.id,
                    list_id: list,
                    unsubscribe_line: None,
                    bounce_limit: None,
                    auto_reply_pause_days: None,
                    schedule: None,
                },
                now,
            )
            .unwrap();
            let step = campaigns::StepInput::parse(
                "Hello {{first_name}}",
                "Hi {{first_name}}, https://example.com/x",
                "0",
                false,
            )
            .unwrap();
            campaigns::add_step(conn, &user, campaign, step, now).unwrap();
            campaigns::launch(conn, &user, campaign, now).unwrap();
        }
    })
    .await
    .unwrap();
    let started = Instant::now();
    // The bench's SMTP sink listens on loopback.
    let mut transports = dripteam::jobs::campaign_sender::Transports::new(
        dripteam::domain::campaigns::outbound::MailHosts::AnyAddress,
        std::env::var("SENDER_CONCURRENCY")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(4),
    );
    while (received.load(Ordering::Relaxed) as usize) < count {
        dripteam::jobs::campaign_sender::tick(&pool, &clock, &secrets, &base, &mut transports)
            .await
            .unwrap();
    }
    count as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let _ = env_logger::try_init();
    set_default_instrumentation(|| Some(Box::new(CountStatements))).unwrap();
    let emails: usize = std::env::var("BENCH_EMAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "machine: {} cores; SQLite",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut results = Vec::new();
    for (members, prospects, team_emails) in
        [(10, emails / 10, emails / 10), (1_000, emails / 10, emails)]
    {
        let server = server(members, prospects.max(members), team_emails.max(members)).await;
        let cookie = logged_in_cookie(&server.base).await;
        let first_member = dripteam::db::bulk::user_ids_by_email_prefix(
            &mut server.pool.get().unwrap(),
            "big-member-",
        )
        .unwrap()[0];
        for (name, path) in [
            ("GET /healthz", "/healthz".to_string()),
            ("My Team", "/account/team".to_string()),
            (
                "Team statistics (this period)",
                "/account/team/statistics".to_string(),
            ),
            (
                "Team statistics (90 days)",
                "/account/team/statistics?period=90".to_string(),
            ),
            (
                "Prospects, member picked",
                format!("/prospects?member={first_member}"),
            ),
            (
                "Campaign list, member picked",
                format!("/campaigns?member={first_member}"),
            ),
        ] {
            let f = measure(&server.base, &path, &cookie).await;
            println!(
                "{members:>5} members  {name:<32} {:>3} statements  p50 {:>8.1?}  p99 {:>8.1?}  {:>7.0} req/s",
                f.statements, f.p50, f.p99, f.rps
            );
            results.push((members, name, f.statements));
        }
        drop(server.settings);
    }
    for (name, at_10) in results.iter().filter(|r| r.0 == 10).map(|r| (r.1, r.2)) {
        let at_1000 = results
            .iter()
            .find(|r| r.0 == 1_000 && r.1 == name)
            .map_or(0, |r| r.2);
        println!(
            "statements per request, {name}: {at_10} at 10 members, {at_1000} at 1,000 members{}",
            if at_10 == at_1000 { "" } else { "  <- differs" }
        );
    }
    let rate = emails_per_second(3_000).await;
    println!("campaign emails delivered to a local SMTP server: {rate:.0} per second");
    println!("peak memory (VmHWM): {:.0} MB", peak_memory_mb());
}
