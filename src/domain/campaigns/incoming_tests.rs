//! `classify` on raw messages as mail servers write them.

use super::*;

fn message(headers: &str) -> Vec<u8> {
    format!("From: ann@acme.example\r\nTo: sender@acme.example\r\nMessage-ID: <r1@acme.example>\r\n{headers}\r\nThanks!\r\n")
        .into_bytes()
}

fn answers(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_human_reply_with_only_references_is_a_reply() {
    let raw = message("Subject: Re: hello\r\nReferences: <z0@x.example>\r\n <a1@x.example>\r\n");
    assert_eq!(
        classify(&raw),
        Incoming::Reply {
            answers: answers(&["z0@x.example", "a1@x.example"])
        }
    );
    let raw = message("Subject: Re: hello\r\nIn-Reply-To: <a1@x.example>\r\n");
    assert_eq!(
        classify(&raw),
        Incoming::Reply {
            answers: answers(&["a1@x.example"])
        }
    );
}

#[test]
fn a_message_answering_nothing_is_ignored() {
    assert_eq!(classify(&message("Subject: hello\r\n")), Incoming::Ignored);
    assert_eq!(classify(b""), Incoming::Ignored);
}

#[test]
fn rfc_3834_and_vendor_headers_make_an_auto_reply() {
    for headers in [
        "Auto-Submitted: auto-replied\r\n",
        "Auto-Submitted: auto-generated; owner-email=x@y.example\r\n",
        "X-Autoreply: yes\r\n",
        "X-Autorespond: on\r\n",
        "Precedence: auto_reply\r\n",
        "Precedence: Bulk\r\n",
        "Precedence: junk\r\n",
        "X-Auto-Response-Suppress: All\r\n",
    ] {
        let raw = message(&format!(
            "Subject: Re: hello\r\nIn-Reply-To: <a1@x.example>\r\n{headers}"
        ));
        assert_eq!(
            classify(&raw),
            Incoming::AutoReply {
                answers: answers(&["a1@x.example"])
            },
            "{headers}"
        );
    }
    let raw = message(
        "Subject: Re: hello\r\nIn-Reply-To: <a1@x.example>\r\nAuto-Submitted: no\r\nPrecedence: list\r\n",
    );
    assert!(matches!(classify(&raw), Incoming::Reply { .. }));
}

#[test]
fn out_of_office_subjects_make_an_auto_reply_in_several_languages() {
    for subject in [
        "Out of Office: hello",
        "Automatic reply: hello",
        "AUTO: hello",
        "Abwesenheitsnotiz: hello",
        "=?UTF-8?Q?R=C3=A9ponse_automatique?=: hello",
        "Respuesta automática: hello",
        "Risposta automatica: hello",
        "Automatisch antwoord: hello",
        "Autosvar: hello",
    ] {
        let raw = message(&format!(
            "Subject: {subject}\r\nIn-Reply-To: <a1@x.example>\r\n"
        ));
        assert!(
            matches!(classify(&raw), Incoming::AutoReply { .. }),
            "{subject}"
        );
    }
    let raw = message("Subject: Re: about your out of office\r\nIn-Reply-To: <a1@x.example>\r\n");
    assert!(matches!(classify(&raw), Incoming::Reply { .. }));
}

fn dsn(action: &str, returned: &str) -> Vec<u8> {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>\r\n\
         To: sender@acme.example\r\n\
         Subject: Undelivered Mail Returned to Sender\r\n\
         Auto-Submitted: auto-replied\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"B1\"\r\n\
         \r\n\
         --B1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --B1\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.acme.example\r\n\r\n\
         Final-Recipient: rfc822; Ann@Acme.example\r\n\
         Original-Recipient: rfc822;ann@acme.example\r\n\
         Action: {action}\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
         --B1\r\n{returned}\
         --B1--\r\n"
    )
    .into_bytes()
}

#[test]
fn a_failed_delivery_status_notification_is_a_bounce() {
    let rfc822 = "Content-Type: message/rfc822\r\n\r\nFrom: sender@acme.example\r\nTo: ann@acme.example\r\nMessage-ID: <m1@acme.example>\r\nSubject: Hello\r\n\r\nHi Ann\r\n";
    assert_eq!(
        classify(&dsn("failed", rfc822)),
        Incoming::Bounce {
            answers: answers(&["m1@acme.example"]),
            failed: answers(&["ann@acme.example"]),
        }
    );
    let headers = "Content-Type: text/rfc822-headers\r\n\r\nFrom: sender@acme.example\r\nMessage-ID: <m2@acme.example>\r\nSubject: Hello\r\n\r\n";
    assert_eq!(
        classify(&dsn("failed", headers)),
        Incoming::Bounce {
            answers: answers(&["m2@acme.example"]),
            failed: answers(&["ann@acme.example"]),
        }
    );
}

#[test]
fn a_delayed_delivery_status_notification_changes_nothing() {
    let rfc822 = "Content-Type: message/rfc822\r\n\r\nMessage-ID: <m1@acme.example>\r\nSubject: Hello\r\n\r\nHi\r\n";
    assert_eq!(classify(&dsn("delayed", rfc822)), Incoming::Ignored);
    assert_eq!(classify(&dsn("delivered", rfc822)), Incoming::Ignored);
}
