//! Replicas and log-in throttling: six real `dripteam serve` processes started together on
//! a fresh database all serve (migrations serialised across processes), and the log-in
//! throttle counts and checks atomically, per address and per client, with the client
//! taken from `X-Forwarded-For` only behind a trusted proxy.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use crate::helpers::{Browser, Options, PASSWORD, TestApp, TestDatabase, spawn_app_with};

const WRONG: &str = "Wrong email address or password.";
const THROTTLED: &str = "Too many failed log-in attempts";

struct Replica {
    child: Child,
    port: u16,
    stderr: std::path::PathBuf,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `n` `dripteam serve` processes on `database_url` within a few milliseconds of
/// each other, sharing one fresh DATA_DIR (so they also race to create the session and
/// secret keys there). Each binds port 0 and says in its log which port it got, so no
/// port picked in advance can be taken by another test in between.
fn start_replicas(n: usize, database_url: &str, data_dir: &std::path::Path) -> Vec<Replica> {
    (0..n)
        .map(|i| {
            let stderr = data_dir.join(format!("replica-{i}.log"));
            let child = Command::new(env!("CARGO_BIN_EXE_dripteam"))
                .arg("serve")
                .env("DATABASE_URL", database_url)
                .env("DATA_DIR", data_dir)
                .env("BIND_ADDR", "127.0.0.1:0")
                .env("SMTP_URL", "smtp://127.0.0.1:9")
                .env("BCRYPT_COST", "4")
                .env("DB_POOL_SIZE", "2")
                .env("RUST_LOG", "warn,dripteam=info")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&stderr).unwrap())
                .spawn()
                .unwrap();
            Replica {
                child,
                port: 0,
                stderr,
            }
        })
        .collect()
}

/// The port a replica's log says it listens on, once it has said so.
fn logged_port(replica: &Replica) -> Option<u16> {
    let log = std::fs::read_to_string(&replica.stderr).ok()?;
    let after = log.split("dripteam listens on 127.0.0.1:").nth(1)?;
    after
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Waits until the replica answers `GET /healthz` with 200; panics with its log when it
/// exits first or does not answer within a minute.
async fn wait_until_serving(replica: &mut Replica, client: &reqwest::Client) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = replica.child.try_wait().unwrap() {
            panic!(
                "replica on port {} exited ({status}):\n{}",
                replica.port,
                std::fs::read_to_string(&replica.stderr).unwrap_or_default()
            );
        }
        if replica.port == 0 {
            replica.port = logged_port(replica).unwrap_or(0);
        }
        let url = format!("http://127.0.0.1:{}/healthz", replica.port);
        if let Ok(answer) = client.get(&url).send().await
            && answer.status() == 200
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "replica on port {} did not serve within a minute:\n{}",
            replica.port,
            std::fs::read_to_string(&replica.stderr).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn six_processes_started_together_on_a_fresh_database_all_serve() {
    let client = reqwest::Client::new();
    for round in 1..=3 {
        let database = TestDatabase::create();
        let data_dir = tempfile::tempdir().unwrap();
        let mut replicas = start_replicas(6, &database.url, data_dir.path());
        for replica in &mut replicas {
            wait_until_serving(replica, &client).await;
        }
        // They all use the one session key that won: a session made on one works on all.
        let browser = Browser {
            base: format!("http://127.0.0.1:{}", replicas[0].port),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
        };
        let page = browser
            .signup("Max", &format!("max{round}@example.com"), PASSWORD)
            .await;
        assert!(page.contains("Log out"), "{page:?}");
        for replica in &replicas {
            let account = browser
                .get(&format!("http://127.0.0.1:{}/account", replica.port))
                .await;
            assert!(
                account.contains(&format!("max{round}@example.com")),
                "the session works on the replica on port {}: {account:?}",
                replica.port
            );
        }
        eprintln!("round {round}: all six replicas serve and share one session key");
        drop(replicas);
    }
}

/// A sign-up of `email` in its own browser, then logged out.
async fn account(app: &TestApp, email: &str) {
    let browser = app.user("Ann", email).await;
    browser.logout().await;
}

/// `n` browsers, each with its log-in form's CSRF token, ready to post at once.
async fn browsers(app: &TestApp, n: usize) -> Vec<(Browser, String)> {
    let mut ready = Vec::with_capacity(n);
    for _ in 0..n {
        let browser = app.browser();
        let token = browser.csrf_token().await;
        ready.push((browser, token));
    }
    ready
}

/// Posts the log-in form from every browser at the same moment; each answer is classified
/// as a checked password (the "wrong" message), a refusal (429) or anything else.
async fn log_in_at_once(
    ready: &[(Browser, String)],
    attempt: impl Fn(usize) -> (String, String, Option<String>),
) -> (usize, usize, Vec<String>) {
    let answers = join_all(ready.iter().enumerate().map(|(i, (browser, token))| {
        let (email, password, forwarded) = attempt(i);
        async move {
            let mut request = browser.client.post(format!("{}/login", browser.base));
            if let Some(forwarded) = forwarded {
                request = request.header("X-Forwarded-For", forwarded);
            }
            let response = request
                .form(&[
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    }))
    .await;
    let (mut checked, mut refused, mut other) = (0, 0, Vec::new());
    for (status, body) in answers {
        if status == 200 && body.contains(WRONG) {
            checked += 1;
        } else if status == 429 && body.contains(THROTTLED) {
            refused += 1;
        } else {
            other.push(format!("{status}: {body}"));
        }
    }
    (checked, refused, other)
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_wrong_passwords_for_one_address_are_checked_at_most_five_times() {
    let app = spawn_app_with(Options::default()).await;
    account(&app, "ann@example.com").await;
    let ready = browsers(&app, 19).await;
    let (checked, refused, other) = log_in_at_once(&ready, |i| {
        (
            "ann@example.com".into(),
            format!("wrong password {i}"),
            None,
        )
    })
    .await;
    assert!(other.is_empty(), "unexpected answers: {other:?}");
    assert_eq!(
        (checked, refused),
        (5, 14),
        "5 of 19 parallel attempts are checked, the others refused"
    );

    // The address stays throttled for the window, even with the right password.
    let page = app.browser().login("ann@example.com", PASSWORD).await;
    assert_eq!(page.status, 429, "{page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correct_password_inside_the_limit_logs_in_even_among_parallel_wrong_ones() {
    let app = spawn_app_with(Options::default()).await;
    account(&app, "bea@example.com").await;
    let ready = browsers(&app, 4).await;
    let (checked, refused, other) = log_in_at_once(&ready, |i| {
        (
            "bea@example.com".into(),
            format!("wrong password {i}"),
            None,
        )
    })
    .await;
    assert_eq!((checked, refused, other.len()), (4, 0, 0));
    let page = app.browser().login("bea@example.com", PASSWORD).await;
    assert!(
        page.contains("Log out"),
        "the fifth attempt, with the right password, logs in: {page:?}"
    );
    // A successful log-in clears the address's failures.
    let ready = browsers(&app, 5).await;
    let (checked, refused, _) = log_in_at_once(&ready, |i| {
        ("bea@example.com".into(), format!("wrong again {i}"), None)
    })
    .await;
    assert_eq!((checked, refused), (5, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_attempts_on_many_addresses_from_one_client_are_checked_at_most_twenty_times() {
    let app = spawn_app_with(Options::default()).await;
    let ready = browsers(&app, 30).await;
    let (checked, refused, other) = log_in_at_once(&ready, |i| {
        (
            format!("nobody{i}@example.com"),
            "wrong password".into(),
            None,
        )
    })
    .await;
    assert!(other.is_empty(), "unexpected answers: {other:?}");
    assert_eq!(
        (checked, refused),
        (20, 10),
        "20 of 30 parallel attempts from one client are checked"
    );
}

/// Twenty failed log-ins, each for another address, from the client `forwarded` claims.
async fn twenty_failures(app: &TestApp, forwarded: impl Fn(usize) -> String) {
    let ready = browsers(app, 20).await;
    for (i, one) in ready.chunks(1).enumerate() {
        let (checked, _, other) = log_in_at_once(one, |_| {
            (
                format!("someone{i}@example.com"),
                "wrong password".into(),
                Some(forwarded(i)),
            )
        })
        .await;
        assert_eq!((checked, other.len()), (1, 0), "attempt {i}");
    }
}

/// One wrong log-in for a fresh address with this `X-Forwarded-For`: checked or refused.
async fn one_attempt(app: &TestApp, forwarded: &str) -> &'static str {
    let ready = browsers(app, 1).await;
    let (checked, refused, other) = log_in_at_once(&ready, |_| {
        (
            format!("fresh{}@example.com", uuid::Uuid::new_v4().simple()),
            "wrong password".into(),
            Some(forwarded.to_string()),
        )
    })
    .await;
    assert!(other.is_empty(), "{other:?}");
    match (checked, refused) {
        (1, 0) => "checked",
        (0, 1) => "refused",
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarded_for_is_ignored_without_trusted_proxies() {
    let app = spawn_app_with(Options::default()).await;
    twenty_failures(&app, |i| format!("198.51.100.{i}")).await;
    assert_eq!(
        one_attempt(&app, "203.0.113.99").await,
        "refused",
        "a new X-Forwarded-For does not dodge the per-client limit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarded_for_names_the_client_behind_a_trusted_proxy() {
    let app = spawn_app_with(Options {
        extra: vec![("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.2".to_string())],
        ..Default::default()
    })
    .await;
    // Each attempt claims another client on the left; the proxy appended the real one.
    twenty_failures(&app, |i| format!("198.51.100.{i}, 203.0.113.7")).await;
    assert_eq!(one_attempt(&app, "203.0.113.7").await, "refused");
    assert_eq!(
        one_attempt(&app, "192.0.2.1, 203.0.113.7, 10.0.0.2").await,
        "refused",
        "trusted proxies on the right are skipped"
    );
    assert_eq!(
        one_attempt(&app, "203.0.113.8").await,
        "checked",
        "another client behind the proxy has its own limit"
    );
}
