//! "Is the sender's domain ready?": Test connection also looks up the sender address's
//! domain in DNS (the tests' fixed answers, `helpers::fake_dns`) and reports SPF, DMARC and
//! DKIM as found or as warnings with what to add, never as a refusal: the SMTP/IMAP result
//! is the same as without them.

use crate::helpers::imap::{self, ImapServer};
use crate::helpers::{Browser, Page, TestApp, form_action};

/// A sender form on the test SMTP server and `imap_port`, with a DKIM selector.
fn form<'a>(
    email: &'a str,
    smtp: &'a str,
    imap: &'a str,
    selector: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("display_name", "Dana at Ready"),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", smtp),
        ("smtp_security", "none"),
        ("smtp_user", ""),
        ("smtp_password", ""),
        ("imap_host", "127.0.0.1"),
        ("imap_port", imap),
        ("imap_security", "none"),
        ("imap_user", imap::USER),
        ("imap_password", imap::PASSWORD),
        ("daily_limit", "100"),
        ("dkim_selector", selector),
    ]
}

/// Adds a sender account and presses its "Test connection"; returns the page shown.
async fn add_and_test(app: &TestApp, who: &Browser, email: &str, imap_port: u16) -> Page {
    let (smtp, imap) = (app.smtp().port.to_string(), imap_port.to_string());
    let page = who.post("/senders", &form(email, &smtp, &imap, "s1")).await;
    assert!(
        page.contains(&format!("Sender account {email} added.")),
        "{page:?}"
    );
    let row = page
        .body
        .split("<tr>")
        .skip(1)
        .find(|r| r.contains(email))
        .expect("the account's row");
    who.post(&form_action(row, "/test"), &[]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ready_domain_shows_spf_dmarc_and_dkim_as_found() {
    let imap_server = ImapServer::start();
    let app = crate::campaigns::spawn_app().await;
    let dana = app.user("Dana Ready", "dana@example.com").await;
    let page = add_and_test(&app, &dana, "dana@ready.test", imap_server.port).await;
    assert!(page.contains("SMTP and IMAP connections work."), "{page:?}");
    assert!(page.contains("Is ready.test ready to send?"), "{page:?}");
    assert!(
        page.contains("SPF: found, names 127.0.0.1")
            && page.contains("DMARC: found, policy quarantine")
            && page.contains("DKIM: found, key for selector s1"),
        "{page:?}"
    );
    assert!(!page.contains("Add a TXT record"), "{page:?}");
    // The report is for that one test: the list shown again later has none.
    assert!(!dana.get("/senders").await.contains("ready to send?"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bare_domain_gets_three_warnings_with_what_to_add_and_the_same_connection_result() {
    let app = crate::campaigns::spawn_app().await;
    let dana = app.user("Dana Bare", "dana@example.com").await;
    // Nothing listens on IMAP port 1: the connection result is today's refusal, word for word.
    let page = add_and_test(&app, &dana, "dana@bare.test", 1).await;
    assert!(
        page.contains("dana@bare.test: SMTP works; IMAP failed: connection refused."),
        "{page:?}"
    );
    assert!(page.contains("Is bare.test ready to send?"), "{page:?}");
    assert!(page.contains("3 warnings"), "{page:?}");
    assert!(
        page.contains("SPF: no record")
            && page.contains("Add a TXT record at bare.test: v=spf1 ip4:127.0.0.1 ~all"),
        "{page:?}"
    );
    assert!(
        page.contains("DMARC: no record")
            && page.contains(
                "Add a TXT record at _dmarc.bare.test: v=DMARC1; p=none; rua=mailto:dmarc@bare.test"
            ),
        "{page:?}"
    );
    assert!(
        page.contains("DKIM: no key for selector s1")
            && page.contains("Add a TXT record at s1._domainkey.bare.test"),
        "{page:?}"
    );
    // A weak SPF (no mention of the server, no include) is a warning too.
    let page = add_and_test(&app, &dana, "dana@weak.test", 1).await;
    assert!(
        page.contains("SPF: found, but it names neither 127.0.0.1 nor an include")
            && page.contains("DMARC: found, policy none"),
        "{page:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_dkim_selector_is_refused_and_the_form_keeps_what_was_typed() {
    let app = crate::campaigns::spawn_app().await;
    let dana = app.user("Dana Typo", "dana@example.com").await;
    let smtp = app.smtp().port.to_string();
    let page = dana
        .post(
            "/senders",
            &form("dana@ready.test", &smtp, "993", "s1._domainkey.ready.test"),
        )
        .await;
    assert!(
        page.contains("The DKIM selector is the name before ._domainkey"),
        "{page:?}"
    );
    assert!(
        page.contains("value=\"dana@ready.test\"")
            && page.contains("value=\"s1._domainkey.ready.test\"")
            && page.contains("value=\"Dana at Ready\""),
        "{page:?}"
    );
    assert!(!dana.get("/senders").await.contains("dana@ready.test"));
    // A good selector is stored and shown when editing.
    let page = dana
        .post("/senders", &form("dana@ready.test", &smtp, "993", "s1"))
        .await;
    let edit = form_action(&page.body, "/test").replace("/test", "");
    assert!(dana.get(&edit).await.contains("value=\"s1\""));
}
