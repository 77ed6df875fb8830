//! Issue 11, items 2, 3, 11 and 12 over HTTP: `next` never leaves the site and a malformed
//! target is a 400 page, the dev mailbox only on a loopback-only instance, an export
//! switched off holds in every plan state, and private pages are never cached.

use std::sync::Arc;

use crate::helpers::{
    Export, Member, Options, PASSWORD, Plan, Team, TestApp, View, extract_csrf, form_action,
    spawn_app, spawn_app_with,
};

/// A browser that does not follow redirects, so that a `Location` can be read as sent.
struct RawBrowser {
    base: String,
    client: reqwest::Client,
}

impl RawBrowser {
    fn new(app: &TestApp) -> Self {
        RawBrowser {
            base: app.address.clone(),
            client: reqwest::Client::builder()
                .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let page = self.get("/password/forgot").await.text().await.unwrap();
        let token = extract_csrf(&page);
        let fresh = crate::helpers::fresh_form_token();
        let mut all = fields.to_vec();
        all.push(("csrf_token", &token));
        all.push(("form_token", &fresh));
        self.client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
    }
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The hostile `next` values of the issue and their relatives, as they appear in a URL.
const HOSTILE_NEXT: &[&str] = &[
    "/%09/evil.example.test",
    "/%0a/x",
    "/%0d/x",
    "//evil.example.test",
    "/%2F/evil.example.test",
    "/%5Cevil.example.test",
    "https://evil.example.test",
    "/%2509/evil.example.test",
];

#[tokio::test(flavor = "multi_thread")]
async fn next_never_leaves_the_site_and_malformed_targets_are_no_500() {
    let app = spawn_app().await;
    app.user("Ann Leader", "ann@example.com").await;

    let anonymous = RawBrowser::new(&app);
    for next in HOSTILE_NEXT {
        let form = anonymous
            .get(&format!("/login?next={next}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            form.contains("name=\"next\" value=\"/account\""),
            "{next}: the log-in form carries the default, not the hostile target"
        );
    }

    let browser = RawBrowser::new(&app);
    let decoded_next = [
        "/\t/evil.example.test",
        "/\n/x",
        "/\r\n/x",
        "//evil.example.test",
    ];
    let response = browser
        .post(
            "/login",
            &[
                ("email", "ann@example.com"),
                ("password", PASSWORD),
                ("next", decoded_next[0]),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        location(&response),
        "/account",
        "log-in with a hostile next"
    );

    for next in HOSTILE_NEXT {
        let response = browser.get(&format!("/login?next={next}")).await;
        assert_eq!(response.status(), 303, "{next}");
        assert_eq!(location(&response), "/account", "{next}");
    }
    let response = browser.get("/login?next=/prospects").await;
    assert_eq!(location(&response), "/prospects", "a local path is kept");

    let other = RawBrowser::new(&app);
    for next in decoded_next {
        let response = other
            .post(
                "/signup",
                &[
                    ("name", "Bob"),
                    ("email", &format!("bob{}@example.com", next.len())),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(location(&response), "/account", "sign-up with {next:?}");
        other.post("/logout", &[]).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dev_mailbox_exists_only_where_no_other_machine_reaches_it() {
    let local = spawn_app_with(Options {
        smtp: false,
        ..Options::default()
    })
    .await;
    let anonymous = local.browser();
    assert!(
        !anonymous.get("/login").await.contains("Dev mailbox"),
        "no link for logged-out visitors"
    );
    let ann = local.user("Ann", "ann@example.com").await;
    assert!(ann.get("/account").await.contains("Dev mailbox"));
    assert_eq!(ann.get("/dev/mailbox").await.status, 200);
    let proxied = reqwest::Client::new()
        .get(format!("{}/dev/mailbox", local.address))
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(
        proxied.status(),
        404,
        "a request through a proxy sees nothing"
    );
    let forwarded = reqwest::Client::new()
        .get(format!("{}/dev/mailbox", local.address))
        .header("Forwarded", "for=203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(forwarded.status(), 404);

    // The attack of the issue on a deployed instance without SMTP: ask for a reset of
    // someone's password, then read the link from the mailbox.
    for extra in [
        vec![("BASE_URL", "https://outreach.example.com".to_string())],
        vec![("BIND_ADDR", "0.0.0.0:0".to_string())],
    ] {
        let deployed = spawn_app_with(Options {
            smtp: false,
            extra: extra.clone(),
            ..Options::default()
        })
        .await;
        let attacker = deployed.browser();
        attacker
            .post("/password/forgot", &[("email", "victim@example.com")])
            .await;
        let page = attacker.get("/dev/mailbox").await;
        assert_eq!(page.status, 404, "{extra:?}");
        assert!(!page.contains("password/reset"), "{extra:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn private_pages_and_exports_are_never_cached() {
    let app = spawn_app().await;
    let ann = app.user("Ann Leader", "ann@example.com").await;
    ann.post("/account/billing/plan", &[("plan", "m")]).await;
    let list = ann.post("/prospects/lists", &[("name", "Leads")]).await;
    let list_path = list.url.replace(&app.address, "");
    for path in [
        "/account".to_string(),
        "/account/team".to_string(),
        "/prospects".to_string(),
        list_path.clone(),
        format!("{list_path}/export.csv"),
        "/account/team/statistics.csv".to_string(),
    ] {
        let response = ann
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "{path} must not be kept by the browser"
        );
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "no HSTS over plain http"
        );
    }
    let css = reqwest::get(format!("{}/static/app.css", app.address))
        .await
        .unwrap();
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");

    let https = spawn_app_with(Options {
        extra: vec![("BASE_URL", "https://outreach.example.com".to_string())],
        ..Options::default()
    })
    .await;
    let response = reqwest::get(format!("{}/login", https.address))
        .await
        .unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

/// Leader on plan M, one member whose export the leader switched off, and the member's list.
async fn team_with_export_off(app: &TestApp) -> (Team<'_>, Member, String) {
    let (team, [member]) = app
        .team(Plan::M)
        .member("Max Member", View::Own, Export::Off)
        .build()
        .await;
    let list = member.post("/prospects/lists", &[("name", "Leads")]).await;
    let export = format!("{}/export.csv", list.url.replace(&app.address, ""));
    assert_eq!(member.get(&export).await.status, 403);
    (team, member, export)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_switched_off_holds_on_a_basic_plan_until_the_leader_allows_it_again() {
    let app = spawn_app().await;
    let (team, member, export) = team_with_export_off(&app).await;
    let leader = &team.leader;

    app.downgrade(leader, Plan::S).await;
    assert_eq!(
        member.get(&export).await.status,
        403,
        "a downgrade does not switch export back on"
    );
    assert!(
        member
            .get("/account/team")
            .await
            .contains("export not allowed")
    );

    let page = leader.get("/account/team").await;
    assert!(page.contains("Allow export again"), "{page:?}");
    let refused = leader
        .post(
            &form_action(&page.body, "/permissions"),
            &[("records_scope", "team"), ("can_export", "on")],
        )
        .await;
    assert_eq!(refused.status, 403, "the records layer needs plan M");
    let page = leader
        .post(
            &form_action(&page.body, "/permissions"),
            &[("records_scope", "own"), ("can_export", "on")],
        )
        .await;
    assert!(page.contains("export on"), "{page:?}");
    assert!(!page.contains("Allow export again"));
    assert_eq!(member.get(&export).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_switched_off_holds_in_a_locked_team() {
    let app = spawn_app().await;
    let (team, member, export) = team_with_export_off(&app).await;
    let leader = &team.leader;
    app.clock.advance(chrono::Duration::days(40));
    assert!(member.get("/account").await.contains("locked"));
    assert_eq!(member.get(&export).await.status, 403);
    assert!(
        leader
            .get("/account/team")
            .await
            .contains("Allow export again")
    );
}
