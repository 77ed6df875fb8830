//! The reply digest: a campaign's owner is emailed when prospects reply, at most one digest
//! per hour, listing the replies since the last one (prospect, campaign, when, a link to the
//! campaign). Real SMTP and IMAP servers; the reply poller's rounds are run by the test.

use crate::campaigns::{header, setup, spawn_app};
use crate::helpers::imap::ImapServer;
use crate::helpers::{Plan, ReceivedEmail, TestApp};

const MAX: &str = "max@example.com";

/// The reply digests Max has received so far.
fn digests(app: &TestApp) -> Vec<ReceivedEmail> {
    app.smtp()
        .to(MAX)
        .into_iter()
        .filter(|email| email.subject().contains("to your campaigns"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_are_digested_at_most_once_an_hour() {
    let imap_server = ImapServer::start();
    let app = spawn_app().await;
    let s = setup(&app, Plan::M, imap_server.port, 3).await;
    let page = s.max.post(&format!("{}/launch", s.campaign), &[]).await;
    assert!(page.contains("Launched: 3 recipients"), "{page:?}");
    assert_eq!(app.run_sender_once().await, 3);
    let id_of = |address: &str| {
        let email = &app.smtp().to(address)[0];
        header(email, "Message-ID")
            .trim_matches(['<', '>'])
            .to_string()
    };
    let (ann, bob, third) = (
        id_of("ann@acme.example"),
        id_of("bob@globex.example"),
        id_of("p2@prospect.example"),
    );

    // Two replies in one round: one digest with both.
    imap_server.deliver_reply("ann@acme.example", &ann);
    imap_server.deliver_reply("bob@globex.example", &bob);
    app.poll_replies_once().await;
    app.deliver_outbox().await;
    let sent = digests(&app);
    assert_eq!(sent.len(), 1, "one digest for two replies");
    let body = sent[0].body();
    assert!(
        sent[0].subject().contains("2 new replies"),
        "{}",
        sent[0].subject()
    );
    for needed in [
        "ann@acme.example",
        "Ann",
        "bob@globex.example",
        "Fair follow-up",
        &format!("{}{}", app.address, s.campaign),
    ] {
        assert!(body.contains(needed), "{needed} in {body}");
    }

    // Another reply within the hour waits.
    imap_server.deliver_reply("p2@prospect.example", &third);
    app.poll_replies_once().await;
    app.deliver_outbox().await;
    assert_eq!(digests(&app).len(), 1, "at most one digest per hour");
    app.clock.advance(chrono::Duration::minutes(30));
    app.poll_replies_once().await;
    app.deliver_outbox().await;
    assert_eq!(digests(&app).len(), 1, "still within the hour");

    // Once the hour has passed, the next round sends it, with only the new reply.
    app.clock.advance(chrono::Duration::minutes(31));
    app.poll_replies_once().await;
    app.deliver_outbox().await;
    let sent = digests(&app);
    assert_eq!(sent.len(), 2, "the waiting reply's digest");
    let body = sent[1].body();
    assert!(
        sent[1].subject().contains("1 new reply"),
        "{}",
        sent[1].subject()
    );
    assert!(body.contains("p2@prospect.example"), "{body}");
    assert!(
        !body.contains("ann@acme.example"),
        "already digested: {body}"
    );

    // Nothing new: no more digests.
    app.clock.advance(chrono::Duration::minutes(61));
    app.poll_replies_once().await;
    app.deliver_outbox().await;
    assert_eq!(digests(&app).len(), 2);
}
