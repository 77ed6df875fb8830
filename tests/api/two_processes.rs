//! Two real `dripteam` processes on one database (PostgreSQL in CI, where it matters):
//! a session made on one works on the other, and a campaign's emails are each sent once
//! although both processes run the campaign sender.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Options, form_action, spawn_app_with};

/// The process and the directory of its log (kept until the process is stopped).
struct Process {
    child: Child,
    _log_dir: tempfile::TempDir,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `dripteam serve` on port 0 and reads the port it bound from its log, so that no
/// port picked in advance can be taken by another test in between.
fn start(env: &std::collections::HashMap<String, String>) -> (Process, String) {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dripteam"))
        .arg("serve")
        .envs(env.iter().filter(|(k, _)| k.as_str() != "BIND_ADDR"))
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("SENDER_POLL_SECS", "1")
        .env("REPLY_POLL_SECS", "3600")
        .env("RUST_LOG", "warn,dripteam=info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(port) = log
            .split("dripteam listens on 127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|digits| digits.parse::<u16>().ok())
        {
            return (
                Process {
                    child,
                    _log_dir: dir,
                },
                format!("http://127.0.0.1:{port}"),
            );
        }
        assert!(
            child.try_wait().unwrap().is_none() && Instant::now() < deadline,
            "dripteam did not start:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_share_sessions_and_send_each_email_once() {
    // The in-test app only prepares the database; its own sender sleeps.
    let app = spawn_app_with(Options {
        sender_poll: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let (_a, first) = start(app.env());
    let (_b, second) = start(app.env());

    let mut max = app.browser();
    max.base = first.clone();
    let page = max
        .signup("Max", "max@example.com", crate::helpers::PASSWORD)
        .await;
    assert!(page.url.starts_with(&first) && page.contains("Log out"));
    let on_second = max.get(&format!("{second}/account")).await;
    assert!(
        on_second.contains("max@example.com"),
        "the session made on one process works on the other: {on_second:?}"
    );

    let smtp_port = app.smtp().port.to_string();
    max.post(
        "/senders",
        &[
            ("email", "max@sender.example"),
            ("display_name", "Max"),
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &smtp_port),
            ("smtp_security", "none"),
            ("imap_host", "127.0.0.1"),
            ("imap_port", "1"),
            ("imap_security", "none"),
            ("daily_limit", "1000"),
        ],
    )
    .await;
    let page = max.post("/prospects/lists", &[("name", "Leads")]).await;
    let list = page.url.strip_prefix(&first).unwrap().to_string();
    let csv: String = std::iter::once("email\n".to_string())
        .chain((0..30).map(|i| format!("p{i}@acme.example\n")))
        .collect();
    let page = max.upload_csv(&list, "l.csv", csv.as_bytes()).await;
    let page = max
        .post(&form_action(&page.body, "/start"), &[("col_0", "email")])
        .await;
    max.wait_for_import(&page.url).await;
    let senders = max.get("/senders").await;
    let sender = form_action(&senders.body, "/test")
        .split('/')
        .nth(2)
        .unwrap()
        .to_string();
    let list_id = list.rsplit('/').next().unwrap().to_string();
    let page = max
        .post(
            "/campaigns",
            &[
                ("name", "Once"),
                ("sender_id", &sender),
                ("list_id", &list_id),
            ],
        )
        .await;
    let campaign = page.url.strip_prefix(&first).unwrap().to_string();
    max.post(
        &format!("{campaign}/steps"),
        &[("subject", "Hello"), ("body", "Hi"), ("delay_days", "0")],
    )
    .await;
    let page = max.post(&format!("{campaign}/launch"), &[]).await;
    assert!(page.contains("Launched: 30 recipients"), "{page:?}");

    let deadline = Instant::now() + Duration::from_secs(30);
    let campaign_emails = || {
        app.smtp()
            .all()
            .into_iter()
            .filter(|m| m.subject() == "Hello")
            .collect::<Vec<_>>()
    };
    while campaign_emails().len() < 30 {
        assert!(
            Instant::now() < deadline,
            "only {} of 30 emails arrived",
            campaign_emails().len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut to: Vec<String> = campaign_emails().into_iter().flat_map(|m| m.to).collect();
    assert_eq!(to.len(), 30, "no email sent twice");
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 30, "every recipient once");
}
