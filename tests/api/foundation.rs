//! Accounts, Billing, the outbox and configuration, driven over HTTP like a browser.

use crate::helpers::{Options, PASSWORD, spawn_app, spawn_app_with};

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_log_out_and_log_in_again() {
    let app = spawn_app().await;
    let browser = app.browser();
    let page = browser
        .signup("Ann Leader", "  Ann@Example.com ", PASSWORD)
        .await;
    assert!(page.url.ends_with("/account"), "{page:?}");
    assert!(page.contains("Welcome to dripteam, Ann Leader!"));
    assert!(page.contains("ann@example.com"), "address is normalised");

    let page = browser.logout().await;
    assert!(page.url.ends_with("/login"));
    let page = browser.get("/account").await;
    assert!(
        page.url.contains("/login?next=/account"),
        "logged out: {}",
        page.url
    );

    let page = browser.login("ANN@example.com", PASSWORD).await;
    assert!(page.url.ends_with("/account"), "{page:?}");
    assert!(page.contains("Ann Leader"));
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_address_and_weak_password_are_refused() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    let other = app.browser();
    let page = other.signup("Impostor", "ANN@example.com", PASSWORD).await;
    assert!(page.contains("already exists"), "{page:?}");
    let page = other.signup("Bob", "bob@example.com", "short").await;
    assert!(page.contains("at least 10 characters"));
    let page = other.signup("Bob", "not-an-address", PASSWORD).await;
    assert!(page.contains("Enter an email address"));
    assert!(
        other
            .login("bob@example.com", "short")
            .await
            .contains("Wrong email address or password.")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_address_and_wrong_password_get_the_same_message() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    let browser = app.browser();
    let wrong = browser.login("ann@example.com", "wrong password!").await;
    let unknown = browser.login("nobody@example.com", PASSWORD).await;
    assert!(wrong.contains("Wrong email address or password."));
    assert!(unknown.contains("Wrong email address or password."));
    assert!(wrong.url.ends_with("/login") && unknown.url.ends_with("/login"));
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_throttle_log_in() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    let browser = app.browser();
    for _ in 0..5 {
        let page = browser.login("ann@example.com", "wrong password!").await;
        assert_eq!(page.status, 200);
    }
    let page = browser.login("ann@example.com", PASSWORD).await;
    assert_eq!(page.status, 429);
    assert!(page.contains("Too many failed log-in attempts"));
    assert!(
        browser.get("/account").await.url.contains("/login"),
        "still logged out"
    );

    app.clock.advance(chrono::Duration::minutes(16));
    let page = browser.login("ann@example.com", PASSWORD).await;
    assert!(page.url.ends_with("/account"), "after the window: {page:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.user("Ann", "ann@example.com").await;
    let page = browser
        .post_raw("/account/billing/plan", &[("plan", "m")])
        .await;
    assert_eq!(page.status, 403);
    assert!(page.contains("Form expired"));
    let page = browser
        .post_raw(
            "/account/billing/plan",
            &[("plan", "m"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = browser.get("/account/billing").await;
    assert!(
        page.contains("Your plan: <strong>Free</strong>"),
        "plan unchanged"
    );

    let stranger = app.browser();
    let page = stranger
        .post_raw(
            "/signup",
            &[
                ("name", "X"),
                ("email", "x@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(
        stranger
            .login("x@example.com", PASSWORD)
            .await
            .contains("Wrong email"),
        "no account was made"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_reset_through_the_received_email() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    ann.logout().await;
    let browser = app.browser();
    let page = browser
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;
    assert!(
        page.contains("a link to reset its password is on its way"),
        "{page:?}"
    );
    // An unknown address gets the same answer and no email.
    let page = browser
        .post("/password/forgot", &[("email", "ghost@example.com")])
        .await;
    assert!(page.contains("a link to reset its password is on its way"));

    let email = app.smtp().wait_for("ann@example.com", 1).await;
    assert!(email.subject().contains("Reset your dripteam password"));
    let link = email.link("/password/reset?token=");
    let page = browser.get(&link).await;
    assert!(page.contains("Choose a new password"));
    let token = link.split("token=").nth(1).unwrap().to_string();
    let page = browser
        .post(
            "/password/reset",
            &[("token", &token), ("password", "a brand new password")],
        )
        .await;
    assert!(page.url.ends_with("/account"), "{page:?}");
    assert!(page.contains("Your password was changed"));

    browser.logout().await;
    assert!(
        browser
            .login("ann@example.com", PASSWORD)
            .await
            .contains("Wrong email")
    );
    assert!(
        browser
            .login("ann@example.com", "a brand new password")
            .await
            .url
            .ends_with("/account")
    );

    // The link works once.
    browser.logout().await;
    let page = browser.get(&link).await;
    assert!(page.contains("expired or was already used"));
    let page = browser
        .post(
            "/password/reset",
            &[("token", &token), ("password", "a third password!")],
        )
        .await;
    assert!(page.contains("expired or was already used"));
    assert!(app.smtp().to("ghost@example.com").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_link_expires_after_an_hour() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    let browser = app.browser();
    browser
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;
    let link = app
        .smtp()
        .wait_for("ann@example.com", 1)
        .await
        .link("/password/reset?token=");
    app.clock.advance(chrono::Duration::minutes(61));
    assert!(
        browser
            .get(&link)
            .await
            .contains("expired or was already used")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn billing_changes_plan_at_once_and_renews() {
    let app = spawn_app().await;
    let browser = app.user("Ann", "ann@example.com").await;
    let page = browser.get("/account/billing").await;
    assert!(page.contains("Your plan: <strong>Free</strong>"));
    assert!(page.contains("0 / 50"), "free credits shown");
    assert!(page.contains("Upgrade to M"));

    let page = browser
        .post("/account/billing/plan", &[("plan", "m")])
        .await;
    assert!(page.contains("You are now on plan M."), "{page:?}");
    assert!(page.contains("Your plan: <strong>M</strong>"));
    assert!(page.contains("0 / 5000"));
    let first_until = paid_until(&page.body);

    let page = browser.post("/account/billing/renew", &[]).await;
    assert!(page.contains("Renewed"), "{page:?}");
    assert!(paid_until(&page.body) > first_until);

    let page = browser
        .post("/account/billing/plan", &[("plan", "platinum")])
        .await;
    assert!(page.contains("Choose one of the plans listed."));
    assert!(page.contains("Your plan: <strong>M</strong>"));

    // A downgrade waits for the end of the paid period (`downgrades`).
    let page = browser
        .post("/account/billing/plan", &[("plan", "free")])
        .await;
    assert!(page.contains("then you move to plan Free"), "{page:?}");
    assert!(
        browser
            .get("/account/billing")
            .await
            .contains("Your plan: <strong>M</strong>")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn renew_pays_at_most_one_period_ahead() {
    let app = spawn_app().await;
    let browser = app.user("Ann", "ann@example.com").await;
    browser
        .post("/account/billing/plan", &[("plan", "m")])
        .await;
    let page = browser.post("/account/billing/renew", &[]).await;
    assert!(page.contains("Renewed"), "{page:?}");
    let until = paid_until(&page.body);
    assert!(page.contains("disabled>Renew<"), "{page:?}");

    let page = browser.post("/account/billing/renew", &[]).await;
    assert!(
        page.contains(&format!(
            "Your plan is already paid until {until}, one billing period ahead."
        )),
        "{page:?}"
    );
    assert!(!page.contains("Renewed"));
    assert_eq!(paid_until(&page.body), until, "unchanged");

    // Once the next period starts, renewing works again.
    app.clock.advance(chrono::Duration::days(31));
    let page = browser.post("/account/billing/renew", &[]).await;
    assert!(page.contains("Renewed"), "{page:?}");
    assert!(paid_until(&page.body) > until);
}

fn paid_until(html: &str) -> String {
    let start = html.find("paid until ").expect("a paid-until date") + "paid until ".len();
    html[start..start + 10].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_plan_can_be_renewed() {
    let app = spawn_app().await;
    let browser = app.user("Ann", "ann@example.com").await;
    browser
        .post("/account/billing/plan", &[("plan", "s")])
        .await;
    app.clock.advance(chrono::Duration::days(40));
    let page = browser.get("/account/billing").await;
    assert!(page.contains("<strong>expired</strong>"), "{page:?}");
    assert!(page.contains("0 / 50"), "Free allowances while expired");
    let page = browser.post("/account/billing/renew", &[]).await;
    assert!(!page.contains("<strong>expired</strong>"));
    assert!(page.contains("0 / 1000"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_outbox_retries_until_the_smtp_server_accepts_and_sends_once() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    app.smtp().refuse(true);
    app.browser()
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;

    // Two rounds, the second once the retry is due: both fail and record why.
    app.deliver_outbox().await;
    app.clock.advance(chrono::Duration::minutes(1));
    app.deliver_outbox().await;
    let emails = dripteam::db::outbox::recent(&mut app.conn(), 10).unwrap();
    let email = &emails[0];
    assert!(email.attempts >= 2, "no failed attempts recorded");
    assert!(email.sent_at.is_none());
    assert!(
        email.last_error.as_deref().unwrap_or("").contains("451"),
        "{:?}",
        email.last_error
    );
    assert!(app.smtp().all().is_empty());

    app.smtp().refuse(false);
    app.clock.advance(chrono::Duration::minutes(1));
    app.deliver_outbox().await;
    app.smtp().wait_for("ann@example.com", 1).await;
    assert_eq!(
        app.smtp().to("ann@example.com").len(),
        1,
        "sent exactly once"
    );
    let emails = dripteam::db::outbox::recent(&mut app.conn(), 10).unwrap();
    assert!(emails[0].sent_at.is_some());
    assert!(emails[0].last_error.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_smtp_the_dev_mailbox_shows_the_links() {
    let app = spawn_app_with(Options {
        smtp: false,
        ..Options::default()
    })
    .await;
    app.user("Ann", "ann@example.com").await;
    let browser = app.browser();
    browser
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;
    let page = browser.get("/dev/mailbox").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("Reset your dripteam password"));
    let link = crate::helpers::link_href(&page.body, "/password/reset?token=");
    assert!(browser.get(&link).await.contains("Choose a new password"));

    let with_smtp = spawn_app().await;
    assert_eq!(with_smtp.browser().get("/dev/mailbox").await.status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_carry_security_headers_and_errors_are_styled() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/login", app.address))
        .await
        .unwrap();
    let headers = response.headers();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && !cookie.contains("Secure"),
        "plain http: {cookie}"
    );

    let page = app.browser().get("/no/such/page").await;
    assert_eq!(page.status, 404);
    assert!(page.contains("Page not found") && page.contains("/static/app.css"));
    let health = app.browser().get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_session_is_renewed_at_log_in() {
    let app = spawn_app().await;
    app.user("Ann", "ann@example.com").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let first = client
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap();
    let anonymous_cookie = first.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let html = first.text().await.unwrap();
    let token = crate::helpers::extract_csrf(&html);
    let login = client
        .post(format!("{}/login", app.address))
        .header("cookie", &anonymous_cookie)
        .form(&[
            ("email", "ann@example.com"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let new_cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(anonymous_cookie, new_cookie);
}

#[test]
fn a_bad_setting_stops_the_binary_with_one_line_naming_it() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dripteam"))
        .env("BIND_ADDR", "not-an-address")
        .env("DATA_DIR", std::env::temp_dir().join("dripteam-bad-config"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("BIND_ADDR"), "{stderr}");
}

#[test]
fn the_demo_fills_a_fresh_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_dripteam"))
            .arg("demo")
            .env("DATA_DIR", dir.path())
            .env("BCRYPT_COST", "4")
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.contains("leader@demo.dripteam.test") && out.contains("demo-password-1"),
        "{out}"
    );
    let second = run();
    assert!(second.status.success(), "a second run keeps what is there");
}

/// The Content-Security-Policy (`default-src 'self'`) blocks inline styles and scripts, so
/// a template that used one would look right in a file preview and wrong in a browser.
#[test]
fn templates_use_no_inline_styles_or_scripts() {
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html")
                && !path.starts_with(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/email"))
            {
                let text = std::fs::read_to_string(&path).unwrap();
                // Scripts only from static/ (`<script src=…>`), never inline.
                let inline_script = text
                    .split("<script")
                    .skip(1)
                    .any(|tag| !tag.starts_with(" src=\"/static/"));
                if text.contains("style=\"") || inline_script || text.contains(" onclick=") {
                    offenders.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "inline styles or scripts in {offenders:?}"
    );
}
