//! Every route × every role → the expected answer, over HTTP on seeded data. The route list
//! is read from the handlers' own `#[get]`/`#[post]` attributes, so a new route without a
//! row here fails this test. Every state-changing route is also refused without a CSRF token,
//! with the CSRF refusal's own page (not a policy 403).
//!
//! Cells (`Cell`): `P` a page, `OK` a form whose action was done (its answer carries a
//! success message), `NO` a form answered with a refusal or problem message and nothing done,
//! `F` 403, `N` 404, `T` 429, `L` sent to log in, `S` not run for this role because it would
//! destroy the seeded data the other cells need (those actions have their own feature tests).

use std::collections::BTreeSet;

use crate::helpers::{Browser, Export, Page, Plan, View, form_action, spawn_app};

/// What one role gets from one route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    /// A page, 200.
    Page,
    /// 200 with a success message: the form's action was done.
    Done,
    /// 200 with an error message (a flash or the form's own): refused, nothing done.
    Told,
    /// This status code.
    Status(u16),
    /// 403 with the page that says the form's CSRF token was missing or wrong.
    CsrfRefused,
    /// Sent to the log-in page.
    Login,
    /// Not run.
    Skip,
}

const P: Cell = Cell::Page;
const OK: Cell = Cell::Done;
const NO: Cell = Cell::Told;
const F: Cell = Cell::Status(403);
const N: Cell = Cell::Status(404);
const T: Cell = Cell::Status(429);
const L: Cell = Cell::Login;
const S: Cell = Cell::Skip;

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
// Pages.
const VIEW: [Cell; 8] = [P, P, N, P, P, N, N, L];
const EDIT_PAGE: [Cell; 8] = [P, F, N, F, F, N, N, L];
const ANY_USER: [Cell; 8] = [P, P, P, P, P, P, P, L];
const EVERYONE: [Cell; 8] = [P; 8];
const OWNER_ONLY: [Cell; 8] = [P, N, N, N, N, N, N, L];
const LEADER_ONLY: [Cell; 8] = [N, P, N, N, N, N, N, L];
// Forms.
const EDIT: [Cell; 8] = [OK, F, N, F, F, N, N, L];
const OWNER_IS_TOLD: [Cell; 8] = [NO, F, N, F, F, N, N, L];
const OWNER_DOES: [Cell; 8] = [OK, N, N, N, N, N, N, L];
const LEADER_DOES: [Cell; 8] = [N, OK, N, N, N, N, N, L];
const ANY_USER_DOES: [Cell; 8] = [OK, OK, OK, OK, OK, OK, OK, L];
const ANY_USER_IS_TOLD: [Cell; 8] = [NO, NO, NO, NO, NO, NO, NO, L];
const NOBODY: [Cell; 8] = [N, N, N, N, N, N, N, L];

/// The title of the page the app answers a form without a valid CSRF token with; a
/// policy refusal's 403 page is titled "Not allowed".
const CSRF_REFUSAL: &str = "<h1>Form expired</h1>";

/// What `page`, the answer to a request of this kind, says happened. A form's 200 is told
/// apart by its message: a success flash, or an error flash or the form's own error. (The
/// markers hold no escaped characters, so the raw body is searched.)
fn outcome(kind: &Kind, page: &Page) -> Cell {
    if page.url.contains("/login?next=") {
        Cell::Login
    } else if page.status == 403 && page.body.contains(CSRF_REFUSAL) {
        Cell::CsrfRefused
    } else if page.status != 200 {
        Cell::Status(page.status)
    } else if matches!(kind, Kind::Get) {
        Cell::Page
    } else if matches!(kind, Kind::Upload) && page.url.contains("/imports/") {
        // The file was taken: its import's mapping page.
        Cell::Done
    } else if page.body.contains("class=\"flash success\"") {
        Cell::Done
    } else if page.body.contains("class=\"flash error\"") {
        Cell::Told
    } else {
        Cell::Page
    }
}

/// The page's message (its first flash), for a failing cell's report.
fn flash_text(page: &Page) -> String {
    page.text()
        .split("<p class=\"flash ")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .map(|(_, text)| text.split("</p>").next().unwrap().to_string())
        .unwrap_or_default()
}

enum Kind {
    Get,
    Form(&'static [(&'static str, &'static str)]),
    Upload,
}

struct Row {
    method: &'static str,
    path: &'static str,
    kind: Kind,
    expect: [Cell; 8],
}

fn rows() -> Vec<Row> {
    use Kind::*;
    let r = |method, path, kind, expect| Row {
        method,
        path,
        kind,
        expect,
    };
    let stats = [F, P, F, F, F, F, F, L];
    let activity = [F, P, F, F, F, N, N, L];
    let invite = [F, OK, F, F, F, OK, OK, L];
    vec![
        r("get", "/", Get, EVERYONE),
        r("get", "/account", Get, ANY_USER),
        // The emailed link's page: anyone holding a link (here none) sees what it does.
        r("get", "/account/email/confirm", Get, EVERYONE),
        r("get", "/account/billing", Get, ANY_USER),
        // Without a plan chosen: back to Billing with a message.
        r("get", "/account/billing/downgrade", Get, ANY_USER),
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
        r("get", "/account/team/activity", Get, activity),
        r("get", "/account/team/activity.csv", Get, activity),
        r("get", "/campaigns", Get, ANY_USER),
        r("get", "/campaigns/{campaign}", Get, VIEW),
        r("get", "/campaigns/{campaign}/launch", Get, EDIT_PAGE),
        r("get", "/campaigns/{campaign}/delete", Get, EDIT_PAGE),
        r("get", "/dev/mailbox", Get, [N; 8]),
        r("get", "/healthz", Get, EVERYONE),
        r("get", "/imports/{import}", Get, OWNER_ONLY),
        r("get", "/invitations/{token}", Get, EVERYONE),
        r("get", "/login", Get, EVERYONE),
        r("get", "/password/forgot", Get, EVERYONE),
        r("get", "/password/reset", Get, EVERYONE),
        r("get", "/prospects", Get, ANY_USER),
        r("get", "/prospects/do-not-email", Get, ANY_USER),
        // Anyone who uses a list may download it, as they may see it.
        // An export: a member whose export is off is refused.
        r(
            "get",
            "/prospects/do-not-email.csv",
            Get,
            [P, P, P, P, F, P, P, L],
        ),
        r("get", "/prospects/lists/{list}", Get, VIEW),
        r("get", "/prospects/lists/{list}/delete", Get, EDIT_PAGE),
        r(
            "get",
            "/prospects/lists/{list}/export.csv",
            Get,
            [P, P, N, P, F, N, N, L],
        ),
        r("get", "/prospects/lists/{list}/import", Get, EDIT_PAGE),
        r("get", "/prospects/{prospect}", Get, VIEW),
        // Forget this prospect: the owner and the leader (policy::may_forget_prospect).
        r(
            "get",
            "/prospects/{prospect}/forget",
            Get,
            [P, P, N, F, F, N, N, L],
        ),
        r("get", "/senders", Get, ANY_USER),
        r("get", "/senders/{sender}", Get, OWNER_ONLY),
        r("get", "/signup", Get, EVERYONE),
        r("get", "/static/app.css", Get, EVERYONE),
        r("get", "/static/app.js", Get, EVERYONE),
        r("get", "/t/c/{token}", Get, [N; 8]),
        r("get", "/t/o/{token}.gif", Get, EVERYONE),
        // Unsubscribe pages are public, named by a message's token: an unknown one is a 404
        // for everyone (the one-click POST is in `unsubscribe.rs`).
        r("get", "/u/{token}", Get, [N; 8]),
        r("post", "/u/{token}", Form(&[]), [N; 8]),
        r(
            "post",
            "/account/billing/plan",
            Form(&[("plan", "m")]),
            ANY_USER_DOES,
        ),
        r("post", "/account/billing/renew", Form(&[]), ANY_USER_DOES),
        // Everyone is on M now (the plan row): a downgrade is scheduled, then undone.
        r(
            "post",
            "/account/billing/downgrade",
            Form(&[("plan", "free")]),
            ANY_USER_DOES,
        ),
        r(
            "post",
            "/account/billing/downgrade/cancel",
            Form(&[]),
            ANY_USER_DOES,
        ),
        // Refused for a wrong current password: the page answers with the message.
        r(
            "post",
            "/account/password",
            Form(&[
                ("current_password", "not the password"),
                ("new_password", "a new password!"),
            ]),
            ANY_USER_IS_TOLD,
        ),
        r(
            "post",
            "/account/email",
            Form(&[
                ("email", "new@matrix.example"),
                ("current_password", "not the password"),
            ]),
            ANY_USER_IS_TOLD,
        ),
        // Not an IANA zone: refused with the message, nothing saved.
        r(
            "post",
            "/account/time-zone",
            Form(&[("time_zone", "Nowhere/Land")]),
            ANY_USER_IS_TOLD,
        ),
        // Seeded accounts are confirmed: "already confirmed".
        r("post", "/account/email/resend", Form(&[]), ANY_USER_IS_TOLD),
        // The token proves the address, not a log-in; an unknown one changes nothing and
        // the answer leads to the account page.
        r(
            "post",
            "/account/email/confirm",
            Form(&[("token", "not-a-token")]),
            ANY_USER_IS_TOLD,
        ),
        // Each role has one session here, so nothing else ends.
        r(
            "post",
            "/account/sessions/log-out-others",
            Form(&[]),
            ANY_USER_DOES,
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
            LEADER_DOES,
        ),
        r(
            "post",
            "/account/team/invitations/{invitation}/cancel",
            Form(&[]),
            LEADER_DOES,
        ),
        r(
            "post",
            "/account/team/members/{member}/permissions",
            Form(&[("records_scope", "own")]),
            LEADER_DOES,
        ),
        r(
            "post",
            "/account/team/members/{member}/caps",
            Form(&[("credit_cap", "100"), ("recipient_cap", "")]),
            LEADER_DOES,
        ),
        // Launch approval (issue 16 item 3): the leader switches it per member (Rex here).
        r(
            "post",
            "/account/team/members/{member}/approval",
            Form(&[("needs_approval", "on")]),
            LEADER_DOES,
        ),
        // Max's draft waits for no approval: the leader's page says so and offers nothing;
        // approving or rejecting it is told the same; nobody else finds it there.
        r(
            "get",
            "/account/team/approvals/{campaign}",
            Get,
            [N, P, N, N, N, N, N, L],
        ),
        r(
            "post",
            "/account/team/approvals/{campaign}/approve",
            Form(&[]),
            [N, NO, N, N, N, N, N, L],
        ),
        r(
            "post",
            "/account/team/approvals/{campaign}/reject",
            Form(&[("reason", "Not now.")]),
            [N, NO, N, N, N, N, N, L],
        ),
        // A leader's team settings (saved off: the box left unchecked); the former member
        // and the outsider lead teams of their own.
        r(
            "post",
            "/account/team/settings",
            Form(&[]),
            [N, OK, N, N, N, OK, OK, L],
        ),
        r(
            "post",
            "/account/team/members/{member}/remove",
            Form(&[]),
            LEADER_DOES,
        ),
        // One list per team: the team's first addition is done, the rest are told it is
        // there already; a former member and an outsider add to their own lists.
        r(
            "post",
            "/prospects/do-not-email",
            Form(&[("entry", "matrix@dne.example")]),
            [OK, NO, NO, NO, NO, OK, OK, L],
        ),
        // An import adds to the list the user uses (the team's entry once, then "already on
        // the list", still a success).
        r(
            "post",
            "/prospects/do-not-email/import",
            Upload,
            ANY_USER_DOES,
        ),
        // Max's entry on the team's list: only the leader removes it; after that, nobody
        // finds it.
        r(
            "post",
            "/prospects/do-not-email/{dne}/remove",
            Form(&[]),
            [F, OK, N, N, N, N, N, L],
        ),
        // Only the owner may use their sender account and list; the others are told so.
        r(
            "post",
            "/campaigns",
            Form(&[
                ("name", "Matrix"),
                ("sender_id", "{sender}"),
                ("list_id", "{list}"),
            ]),
            [OK, NO, NO, NO, NO, NO, NO, L],
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
        // The test email: a typed bad address, so the owner's cell needs no SMTP server.
        r(
            "post",
            "/campaigns/{campaign}/steps/{step}/test",
            Form(&[("prospect_id", ""), ("address", "not an address")]),
            OWNER_IS_TOLD,
        ),
        r(
            "post",
            "/campaigns/{campaign}/steps/{step}/delete",
            Form(&[]),
            [S, F, N, F, F, N, N, L],
        ),
        r(
            "post",
            "/campaigns/{campaign}/launch",
            Form(&[]),
            [S, F, N, F, F, N, N, L],
        ),
        // Max needs no approval: he is told to launch it himself.
        r(
            "post",
            "/campaigns/{campaign}/approval",
            Form(&[]),
            OWNER_IS_TOLD,
        ),
        // Max's campaign is a draft: its owner is told only an active (a paused) campaign
        // can be paused (resumed); the others are refused before that.
        r(
            "post",
            "/campaigns/{campaign}/pause",
            Form(&[]),
            OWNER_IS_TOLD,
        ),
        r(
            "post",
            "/campaigns/{campaign}/resume",
            Form(&[]),
            OWNER_IS_TOLD,
        ),
        // Max's draft has no paused recipient: no one finds one to resume.
        r(
            "post",
            "/campaigns/{campaign}/recipients/{recipient}/resume",
            Form(&[]),
            NOBODY,
        ),
        // No recipient of Max's draft waits for a restart: he is told so.
        r(
            "post",
            "/campaigns/{campaign}/restart-former-recipients",
            Form(&[]),
            OWNER_IS_TOLD,
        ),
        r(
            "post",
            "/campaigns/{campaign}/archive",
            Form(&[]),
            [S, F, N, F, F, N, N, L],
        ),
        // Max's campaign is not archived: its owner is told so.
        r(
            "post",
            "/campaigns/{campaign}/unarchive",
            Form(&[]),
            OWNER_IS_TOLD,
        ),
        r(
            "post",
            "/campaigns/{campaign}/delete",
            Form(&[]),
            [S, F, N, F, F, N, N, L],
        ),
        r(
            "post",
            "/imports/{import}/start",
            Form(&[("col_0", "email")]),
            OWNER_DOES,
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
            [NO, NO, NO, NO, NO, T, T, T],
        ),
        r(
            "post",
            "/password/forgot",
            Form(&[("email", "nobody@example.com")]),
            [OK; 8],
        ),
        r(
            "post",
            "/password/reset",
            Form(&[("token", "{token}"), ("password", "a new password!")]),
            [NO; 8],
        ),
        r(
            "post",
            "/prospects/lists",
            Form(&[("name", "Matrix list")]),
            ANY_USER_DOES,
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
            [S, F, N, F, F, N, N, L],
        ),
        // Not run for the owner and the leader: it would forget the seeded prospect
        // (forget::the_owner_and_the_leader_may_forget_a_teammate_may_not_an_outsider_sees_nothing).
        r(
            "post",
            "/prospects/{prospect}/forget",
            Form(&[]),
            [S, S, N, F, F, N, N, L],
        ),
        r(
            "post",
            "/prospects/lists/{list}/delete",
            Form(&[]),
            [S, F, N, F, F, N, N, L],
        ),
        r("post", "/senders", Form(SENDER_FORM), ANY_USER_DOES),
        r("post", "/senders/{sender}", Form(SENDER_FORM), OWNER_DOES),
        // Nothing listens on port 1: the owner is told what failed.
        r(
            "post",
            "/senders/{sender}/test",
            Form(&[]),
            [NO, N, N, N, N, N, N, L],
        ),
        // Max's campaign uses the account: the owner is told so, nothing is deleted.
        r(
            "post",
            "/senders/{sender}/delete",
            Form(&[]),
            [NO, N, N, N, N, N, N, L],
        ),
        r(
            "post",
            "/signup",
            Form(&[("name", "X"), ("email", "bad"), ("password", "short")]),
            [NO; 8],
        ),
        // Members who leave stop being members: this runs last but for logout. The others
        // are in no team to leave, and are told so.
        r(
            "post",
            "/account/team/leave",
            Form(&[]),
            [S, NO, S, S, S, NO, NO, L],
        ),
        // The home page, logged out (checked after the table).
        r("post", "/logout", Form(&[]), [P; 8]),
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
    max.post("/prospects/do-not-email", &[("entry", "seed@dne.example")])
        .await;
    let dne = form_action(&lena.get("/prospects/do-not-email").await.body, "/remove")
        .split('/')
        .nth(3)
        .unwrap()
        .to_string();
    let seed = Seed {
        ids: vec![
            ("dne", dne),
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
            let got = outcome(&row.kind, &page);
            if got != expected {
                failures.push(format!(
                    "{} {} as {}: expected {expected:?}, got {got:?} {:?}",
                    row.method.to_uppercase(),
                    row.path,
                    ROLES[role],
                    flash_text(&page)
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
    // The last row logged every role out.
    for (role, browser) in browsers.iter().enumerate() {
        assert_eq!(
            outcome(&Kind::Get, &browser.get("/account").await),
            L,
            "{} after POST /logout",
            ROLES[role]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_state_changing_route_refuses_a_missing_csrf_token() {
    let app = spawn_app().await;
    let ann = app.user("Ann", "ann@example.com").await;
    // A policy refusal is a 403 too, with its own page.
    let refused = ann.get("/account/team/statistics").await;
    assert_eq!(outcome(&Kind::Get, &refused), F, "{refused:?}");
    // POST /u/{token} is exempt: RFC 8058 §3.2 has the mailbox provider POST the one-click
    // unsubscribe with no cookie and no CSRF token, so the message's unguessable token is
    // its only check (an unknown one is a 404, asserted here).
    let one_click = |r: &&Row| r.method == "post" && r.path == "/u/{token}";
    let page = ann
        .post_raw("/u/1", &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(page.status, 404, "{page:?}");
    for row in rows()
        .iter()
        .filter(|r| r.method == "post" && !one_click(r))
    {
        let path = fill_all(row.path, "1");
        let page = match row.kind {
            Kind::Upload => {
                let form = reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(b"email\n".to_vec()).file_name("x.csv"),
                );
                let response = ann
                    .client
                    .post(format!("{}{path}", ann.base))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                Page {
                    status: response.status().as_u16(),
                    url: response.url().to_string(),
                    body: response.text().await.unwrap(),
                }
            }
            _ => ann.post_raw(&path, &[("name", "x")]).await,
        };
        assert_eq!(
            outcome(&row.kind, &page),
            Cell::CsrfRefused,
            "POST {} without a token: {page:?}",
            row.path
        );
    }
    assert!(
        ann.get("/account").await.contains("Ann"),
        "still logged in: nothing changed"
    );
}
