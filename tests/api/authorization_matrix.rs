//! Every route × every role → the expected answer, over HTTP on seeded data. The route list
//! is read from the handlers' own `#[get]`/`#[post]` attributes, so a new route without a
//! row here fails this test. Every state-changing route is also refused without a CSRF token.
//!
//! Cells: 200 a page (for a form: its answer, success or a message), 403, 404,
//! `L` sent to log in, `S` not run for this role because it would destroy the seeded data
//! the other cells need (those actions have their own feature tests).

use std::collections::BTreeSet;

use crate::helpers::{Browser, Export, Plan, View, form_action, spawn_app};

const L: u16 = 1;
const S: u16 = 0;
/// Roles, in the order of every row's cells.
const ROLES: [&str; 8] = [
    "owner",
    "leader",
    "member with Only own records",
    "member with View team records",
    "member with export off",
    "former member",
    "outsider",
    "anonymous",
];
const VIEW: [u16; 8] = [200, 200, 404, 200, 200, 404, 404, L];
const EDIT: [u16; 8] = [200, 403, 404, 403, 403, 404, 404, L];
const ANY_USER: [u16; 8] = [200, 200, 200, 200, 200, 200, 200, L];
const EVERYONE: [u16; 8] = [200; 8];
const OWNER_ONLY: [u16; 8] = [200, 404, 404, 404, 404, 404, 404, L];
const LEADER_ONLY: [u16; 8] = [404, 200, 404, 404, 404, 404, 404, L];
const NOBODY: [u16; 8] = [404, 404, 404, 404, 404, 404, 404, L];

enum Kind {
    Get,
    Form(&'static [(&'static str, &'static str)]),
    Upload,
}

struct Row {
    method: &'static str,
    path: &'static str,
    kind: Kind,
    expect: [u16; 8],
}

fn rows() -> Vec<Row> {
    use Kind::*;
    let r = |method, path, kind, expect| Row {
        method,
        path,
        kind,
        expect,
    };
    let stats = [403, 200, 403, 403, 403, 403, 403, L];
    let invite = [403, 200, 403, 403, 403, 200, 200, L];
    vec![
        r("get", "/", Get, EVERYONE),
        r("get", "/account", Get, ANY_USER),
        // The emailed link's page: anyone holding a link (here none) sees what it does.
        r("get", "/account/email/confirm", Get, EVERYONE),
        r("get", "/account/billing", Get, ANY_USER),
        r("get", "/account/team", Get, ANY_USER),
        r("get", "/account/team/leave", Get, ANY_USER),
        r(
            "get",
            "/account/team/members/{member}/remove",
            Get,
            LEADER_ONLY,
        ),
        r("get", "/account/team/statistics", Get, stats),
        r("get", "/account/team/statistics.csv", Get, stats),
        r("get", "/campaigns", Get, ANY_USER),
        r("get", "/campaigns/{campaign}", Get, VIEW),
        r("get", "/dev/mailbox", Get, [404; 8]),
        r("get", "/healthz", Get, EVERYONE),
        r("get", "/imports/{import}", Get, OWNER_ONLY),
        r("get", "/invitations/{token}", Get, EVERYONE),
        r("get", "/login", Get, EVERYONE),
        r("get", "/password/forgot", Get, EVERYONE),
        r("get", "/password/reset", Get, EVERYONE),
        r("get", "/prospects", Get, ANY_USER),
        r("get", "/prospects/lists/{list}", Get, VIEW),
        r("get", "/prospects/lists/{list}/delete", Get, EDIT),
        r(
            "get",
            "/prospects/lists/{list}/export.csv",
            Get,
            [200, 200, 404, 200, 403, 404, 404, L],
        ),
        r("get", "/prospects/lists/{list}/import", Get, EDIT),
        r("get", "/prospects/{prospect}", Get, VIEW),
        r("get", "/senders", Get, ANY_USER),
        r("get", "/senders/{sender}", Get, OWNER_ONLY),
        r("get", "/signup", Get, EVERYONE),
        r("get", "/static/app.css", Get, EVERYONE),
        r("get", "/t/c/{token}", Get, [404; 8]),
        r("get", "/t/o/{token}.gif", Get, EVERYONE),
        r(
            "post",
            "/account/billing/plan",
            Form(&[("plan", "m")]),
            ANY_USER,
        ),
        r("post", "/account/billing/renew", Form(&[]), ANY_USER),
        // Refused for a wrong current password: the page answers with the message.
        r(
            "post",
            "/account/password",
            Form(&[
                ("current_password", "not the password"),
                ("new_password", "a new password!"),
            ]),
            ANY_USER,
        ),
        r(
            "post",
            "/account/email",
            Form(&[
                ("email", "new@matrix.example"),
                ("current_password", "not the password"),
            ]),
            ANY_USER,
        ),
        // Seeded accounts are confirmed: "already confirmed".
        r("post", "/account/email/resend", Form(&[]), ANY_USER),
        // The token proves the address, not a log-in; an unknown one changes nothing and
        // the answer leads to the account page.
        r(
            "post",
            "/account/email/confirm",
            Form(&[("token", "not-a-token")]),
            ANY_USER,
        ),
        // Each role has one session here, so nothing else ends.
        r(
            "post",
            "/account/sessions/log-out-others",
            Form(&[]),
            ANY_USER,
        ),
        r(
            "post",
            "/account/invitations/{invitation}/decline",
            Form(&[]),
            NOBODY,
        ),
        r(
            "post",
            "/account/invitations/{invitation}/join",
            Form(&[]),
            NOBODY,
        ),
        r(
            "post",
            "/account/team/invitations",
            Form(&[("email", "matrix-invitee@example.com")]),
            invite,
        ),
        r(
            "post",
            "/account/team/invitations/{invitation}/resend",
            Form(&[]),
            LEADER_ONLY,
        ),
        r(
            "post",
            "/account/team/invitations/{invitation}/cancel",
            Form(&[]),
            LEADER_ONLY,
        ),
        r(
            "post",
            "/account/team/members/{member}/permissions",
            Form(&[("records_scope", "own")]),
            LEADER_ONLY,
        ),
        r(
            "post",
            "/account/team/members/{member}/caps",
            Form(&[("credit_cap", "100"), ("recipient_cap", "")]),
            LEADER_ONLY,
        ),
        r(
            "post",
            "/account/team/members/{member}/remove",
            Form(&[]),
            LEADER_ONLY,
        ),
        r(
            "post",
            "/campaigns",
            Form(&[
                ("name", "Matrix"),
                ("sender_id", "{sender}"),
                ("list_id", "{list}"),
            ]),
            ANY_USER,
        ),
        r(
            "post",
            "/campaigns/{campaign}/settings",
            Form(&[
                ("name", "Renamed"),
                ("sender_id", "{sender}"),
                ("list_id", "{list}"),
            ]),
            EDIT,
        ),
        r(
            "post",
            "/campaigns/{campaign}/steps",
            Form(&[("subject", "S"), ("body", "B"), ("delay_days", "1")]),
            EDIT,
        ),
        r(
            "post",
            "/campaigns/{campaign}/steps/{step}",
            Form(&[("subject", "S2"), ("body", "B2"), ("delay_days", "0")]),
            EDIT,
        ),
        r(
            "post",
            "/campaigns/{campaign}/steps/{step}/delete",
            Form(&[]),
            [S, 403, 404, 403, 403, 404, 404, L],
        ),
        r(
            "post",
            "/campaigns/{campaign}/launch",
            Form(&[]),
            [S, 403, 404, 403, 403, 404, 404, L],
        ),
        r("post", "/campaigns/{campaign}/pause", Form(&[]), EDIT),
        r("post", "/campaigns/{campaign}/resume", Form(&[]), EDIT),
        r(
            "post",
            "/imports/{import}/start",
            Form(&[("col_0", "email")]),
            OWNER_ONLY,
        ),
        r("post", "/invitations/{token}/join", Form(&[]), NOBODY),
        // Five failed log-ins for one address, then the throttle answers 429.
        r(
            "post",
            "/login",
            Form(&[
                ("email", "nobody@example.com"),
                ("password", "wrong password"),
            ]),
            [200, 200, 200, 200, 200, 429, 429, 429],
        ),
        r(
            "post",
            "/password/forgot",
            Form(&[("email", "nobody@example.com")]),
            EVERYONE,
        ),
        r(
            "post",
            "/password/reset",
            Form(&[("token", "{token}"), ("password", "a new password!")]),
            EVERYONE,
        ),
        r(
            "post",
            "/prospects/lists",
            Form(&[("name", "Matrix list")]),
            ANY_USER,
        ),
        r("post", "/prospects/lists/{list}/import", Upload, EDIT),
        r(
            "post",
            "/prospects/lists/{list}/prospects",
            Form(&[("email", "added@matrix.example")]),
            EDIT,
        ),
        r(
            "post",
            "/prospects/lists/{list}/rename",
            Form(&[("name", "Renamed list")]),
            EDIT,
        ),
        r("post", "/prospects/lists/{list}/verify", Form(&[]), EDIT),
        r(
            "post",
            "/prospects/{prospect}",
            Form(&[("email", "edited@matrix.example")]),
            EDIT,
        ),
        r("post", "/prospects/{prospect}/verify", Form(&[]), EDIT),
        r(
            "post",
            "/prospects/{prospect}/delete",
            Form(&[]),
            [S, 403, 404, 403, 403, 404, 404, L],
        ),
        r(
            "post",
            "/prospects/lists/{list}/delete",
            Form(&[]),
            [S, 403, 404, 403, 403, 404, 404, L],
        ),
        r("post", "/senders", Form(SENDER_FORM), ANY_USER),
        r("post", "/senders/{sender}", Form(SENDER_FORM), OWNER_ONLY),
        r("post", "/senders/{sender}/test", Form(&[]), OWNER_ONLY),
        r("post", "/senders/{sender}/delete", Form(&[]), OWNER_ONLY),
        r(
            "post",
            "/signup",
            Form(&[("name", "X"), ("email", "bad"), ("password", "short")]),
            EVERYONE,
        ),
        // Members who leave stop being members: this runs last but for logout.
        r(
            "post",
            "/account/team/leave",
            Form(&[]),
            [S, 200, S, S, S, 200, 200, L],
        ),
        r("post", "/logout", Form(&[]), EVERYONE),
    ]
}

const SENDER_FORM: &[(&str, &str)] = &[
    ("email", "matrix@sender.example"),
    ("display_name", "M"),
    ("smtp_host", "127.0.0.1"),
    ("smtp_port", "1"),
    ("smtp_security", "none"),
    ("imap_host", "127.0.0.1"),
    ("imap_port", "1"),
    ("imap_security", "none"),
    ("daily_limit", "10"),
];

/// A path with every `{placeholder}` replaced by `with`.
fn fill_all(path: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        out.push_str(with);
        rest = &rest[rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end + 1)..];
    }
    out.push_str(rest);
    out
}

/// The app's routes, read from the handlers' attributes.
fn app_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web")).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for method in ["get", "post"] {
            for part in source.split(&format!("#[{method}(\"")).skip(1) {
                routes.insert((
                    method.to_string(),
                    fill_all(part.split('"').next().unwrap(), "{}"),
                ));
            }
        }
    }
    routes
}

#[test]
fn every_route_has_a_row() {
    let table: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|r| (r.method.to_string(), fill_all(r.path, "{}")))
        .collect();
    let missing: Vec<_> = app_routes().difference(&table).cloned().collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the matrix: {missing:?}"
    );
    let stale: Vec<_> = table.difference(&app_routes()).cloned().collect();
    assert!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );
}

struct Seed {
    ids: Vec<(&'static str, String)>,
}

impl Seed {
    fn fill(&self, template: &str) -> String {
        let mut out = template.to_string();
        for (name, value) in &self.ids {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/')
        .map_or("/".into(), |at| rest[at..].to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_every_role_as_the_table_says() {
    let app = spawn_app().await;
    let (team, [max, mia, tia, eli, fay, _rex]) = app
        .team(Plan::M)
        .member("Max Owner", View::Own, Export::On)
        .member("Mia Own", View::Own, Export::On)
        .member("Tia Team", View::Team, Export::On)
        .member("Eli NoExport", View::Team, Export::Off)
        .member("Fay Former", View::Team, Export::On)
        .member("Rex Removable", View::Own, Export::On)
        .build()
        .await;
    let lena = &team.leader;
    let ola = app.user("Ola Outsider", "ola@example.com").await;
    let anonymous = app.browser();

    // Max's records: a list with a prospect, an import, a sender account, a draft campaign.
    let page = max.post("/prospects/lists", &[("name", "Max list")]).await;
    let list = path_of(&page.url).rsplit('/').next().unwrap().to_string();
    let page = max
        .post(
            &format!("/prospects/lists/{list}/prospects"),
            &[("email", "p@acme.example")],
        )
        .await;
    let prospect = page
        .body
        .split("href=\"/prospects/")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .find(|id| id.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_string();
    let page = max
        .upload_csv(
            &format!("/prospects/lists/{list}"),
            "m.csv",
            b"email\nq@acme.example\n",
        )
        .await;
    let import = path_of(&page.url).rsplit('/').next().unwrap().to_string();
    max.post("/senders", SENDER_FORM).await;
    let senders = max.get("/senders").await;
    let sender = form_action(&senders.body, "/test")
        .split('/')
        .nth(2)
        .unwrap()
        .to_string();
    let page = max
        .post(
            "/campaigns",
            &[
                ("name", "Max campaign"),
                ("sender_id", &sender),
                ("list_id", &list),
            ],
        )
        .await;
    let campaign = path_of(&page.url).rsplit('/').next().unwrap().to_string();
    let page = max
        .post(
            &format!("/campaigns/{campaign}/steps"),
            &[("subject", "Hi"), ("body", "Hello"), ("delay_days", "0")],
        )
        .await;
    let step = form_action(&page.body, "/steps/")
        .split('/')
        .nth(4)
        .unwrap()
        .to_string();
    fay.post("/account/team/leave", &[]).await;
    let team = lena.get("/account/team").await;
    let member = form_action(&team.body, "/permissions")
        .split('/')
        .nth(4)
        .unwrap()
        .to_string();
    let member = team
        .body
        .split("href=\"/account/team/members/")
        .skip(1)
        .map(|r| r.split('/').next().unwrap().to_string())
        .last()
        .unwrap_or(member);
    lena.post(
        "/account/team/invitations",
        &[("email", "pending@example.com")],
    )
    .await;
    let team = lena.get("/account/team").await;
    let invitation = form_action(&team.body, "/resend")
        .split('/')
        .nth(4)
        .unwrap()
        .to_string();
    let seed = Seed {
        ids: vec![
            ("list", list),
            ("prospect", prospect),
            ("import", import),
            ("sender", sender),
            ("campaign", campaign),
            ("step", step),
            ("member", member),
            ("invitation", invitation),
            ("token", "not-a-real-token".into()),
        ],
    };

    // A locked team first (the leader's plan lapses), then renewed for the table.
    app.clock.advance(chrono::Duration::days(40));
    for path in [
        "/prospects/lists/{list}",
        "/prospects/{prospect}",
        "/campaigns/{campaign}",
        "/prospects/lists/{list}/export.csv",
    ] {
        assert_eq!(
            tia.get(&seed.fill(path)).await.status,
            404,
            "member of a locked team: {path}"
        );
    }
    assert_eq!(
        max.get(&seed.fill("/prospects/lists/{list}")).await.status,
        200,
        "the owner keeps their own"
    );
    lena.post("/account/billing/renew", &[]).await;
    assert_eq!(
        tia.get(&seed.fill("/prospects/lists/{list}")).await.status,
        200,
        "renewed"
    );

    let browsers: [&Browser; 8] = [&max, lena, &mia, &tia, &eli, &fay, &ola, &anonymous];
    let mut failures = Vec::new();
    for row in rows() {
        let path = seed.fill(row.path);
        for (role, (browser, expected)) in browsers.iter().zip(row.expect).enumerate() {
            if expected == S {
                continue;
            }
            let page = match &row.kind {
                Kind::Get => browser.get(&path).await,
                Kind::Form(fields) => {
                    let filled: Vec<(String, String)> = fields
                        .iter()
                        .map(|(k, v)| (k.to_string(), seed.fill(v)))
                        .collect();
                    let refs: Vec<(&str, &str)> = filled
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    browser.post(&path, &refs).await
                }
                Kind::Upload => {
                    browser
                        .upload_csv(
                            &path.replace("/import", ""),
                            "x.csv",
                            b"email\nz@acme.example\n",
                        )
                        .await
                }
            };
            let got = if page.url.contains("/login?next=") {
                L
            } else {
                page.status
            };
            let want = if expected == L { L } else { expected };
            if got != want {
                failures.push(format!(
                    "{} {} as {}: expected {want}, got {got}",
                    row.method.to_uppercase(),
                    row.path,
                    ROLES[role]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_state_changing_route_refuses_a_missing_csrf_token() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    for row in rows().iter().filter(|r| r.method == "post") {
        let path = fill_all(row.path, "1");
        let status = match row.kind {
            Kind::Upload => {
                let form = reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(b"email\n".to_vec()).file_name("x.csv"),
                );
                ann.client
                    .post(format!("{}{path}", ann.base))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
            _ => ann.post_raw(&path, &[("name", "x")]).await.status,
        };
        assert_eq!(status, 403, "POST {} without a token", row.path);
    }
    assert!(
        ann.get("/account").await.contains("Ann"),
        "still logged in: nothing changed"
    );
}
