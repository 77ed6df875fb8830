//! Building one campaign email from its step, filled for a prospect: the subject and the
//! thread it belongs to (`threading`), the body with tracked links (`email_body`), the
//! unsubscribe line (`unsubscribe`), the sender and recipient mailboxes, and the lettre
//! message sent over SMTP (`message`). Real emails (`build`, for a claimed
//! `campaign_messages` row) and test emails (`build_test`, no row) share it.

use std::collections::HashMap;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use super::threading::{self, Received, Thread};
use super::{email_body, placeholders, senders};
use crate::crypto::SecretBox;
use crate::db::models::{CampaignMessage, CampaignRecipient, CampaignStep, SenderAccount};
use crate::db::{
    AnyConnection, campaigns as db, messages, prospects, recipients, senders as sender_db,
};
use crate::domain::accounts::tokens;
use crate::domain::{DomainError, DomainResult};
use crate::mail::header_text;
use crate::mail::list_unsubscribe::{ListUnsubscribe, ListUnsubscribePost};
use crate::mailboxes::Server;

/// One email ready for the SMTP call (a real one has its claim already recorded).
pub struct Outgoing {
    /// The `campaign_messages` row; 0 for a test email, which has none.
    pub message_row: i64,
    pub sender_id: i64,
    pub server: Server,
    /// Checked for header-safe text when built (`header_text::check`).
    pub from: Mailbox,
    pub to: Mailbox,
    /// Without angle brackets.
    pub message_id: String,
    pub subject: String,
    /// `In-Reply-To` (with angle brackets) of a follow-up in the same thread (RFC 5322 §3.6.4).
    pub in_reply_to: Option<String>,
    /// `References` (with angle brackets, oldest first) of a follow-up; empty otherwise.
    pub references: Vec<String>,
    pub text: String,
    pub html: String,
    /// The `List-Unsubscribe` value (`unsubscribe::list_unsubscribe`, RFC 2369 / RFC 8058);
    /// `None` for a test email.
    pub list_unsubscribe: Option<String>,
    /// A test email ("Send a test email to myself"): marked by `X-Dripteam-Test: yes`.
    pub test: bool,
}

/// `X-Dripteam-Test: yes`, marking a test email (never on a real one).
#[derive(Debug, Clone, Copy)]
struct TestMark;

impl Header for TestMark {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Dripteam-Test")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(TestMark)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "yes".to_string())
    }
}

/// The lettre message of `outgoing`: From, To, Subject, Message-ID, the threading headers
/// of a follow-up (`In-Reply-To`, `References`), the one-click unsubscribe headers of a
/// real email, the test mark of a test email, and the plain text and HTML parts. lettre's
/// error is returned (never unwrapped).
pub fn message(outgoing: &Outgoing) -> Result<lettre::Message, lettre::error::Error> {
    let mut builder = lettre::Message::builder()
        .from(outgoing.from.clone())
        .to(outgoing.to.clone())
        .subject(outgoing.subject.clone())
        .message_id(Some(format!("<{}>", outgoing.message_id)));
    if let Some(parent) = &outgoing.in_reply_to {
        builder = builder
            .in_reply_to(parent.clone())
            .references(outgoing.references.join(" "));
    }
    if let Some(value) = &outgoing.list_unsubscribe {
        builder = builder
            .header(ListUnsubscribe(value.clone()))
            .header(ListUnsubscribePost);
    }
    if outgoing.test {
        builder = builder.header(TestMark);
    }
    builder.multipart(MultiPart::alternative_plain_html(
        outgoing.text.clone(),
        outgoing.html.clone(),
    ))
}

/// `build` for a claimed email whose sender and recipient are read again (a retry).
pub(super) fn rebuild(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    message: &CampaignMessage,
) -> DomainResult<Outgoing> {
    let sender = sender_db::by_id(conn, message.sender_id)?.ok_or(DomainError::NotFound)?;
    let recipient =
        recipients::recipient_by_id(conn, message.recipient_id)?.ok_or(DomainError::NotFound)?;
    build(conn, secrets, base_url, &sender, &recipient, message)
}

/// Fills the step for the prospect and builds its parts with tracked links
/// (`email_body::build`) and the unsubscribe line (`unsubscribe::for_message`); its
/// subject and threading headers follow `threading::for_step`, and the subject is stored
/// on the message (`campaign_messages.subject`) for the follow-ups' `Re:`. Refuses
/// (`DomainError::Invalid`, recorded as this email's failure) a subject, sender name or
/// address that could not go into a header: text stored before the parse-time checks, or
/// a prospect's value filled into the subject.
pub(super) fn build(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    sender: &SenderAccount,
    recipient: &CampaignRecipient,
    message: &CampaignMessage,
) -> DomainResult<Outgoing> {
    let steps = db::steps(conn, message.campaign_id)?;
    let step = steps
        .iter()
        .find(|s| s.position == message.step_position)
        .ok_or(DomainError::NotFound)?;
    let values = values_of(conn, recipient.prospect_id, &recipient.email)?;
    let sent = messages::sent_before(conn, recipient.id, step.position)?;
    let earlier: Vec<Received> = sent
        .iter()
        .map(|(position, message_id, subject, sender_id)| Received {
            message_id,
            subject,
            opened_thread: opens_thread(&steps, *position),
            same_sender: *sender_id == sender.id,
        })
        .collect();
    let thread = thread_of(&steps, step, &values, &earlier);
    header_text::check(
        &thread.subject,
        "The subject, with this prospect's values filled in,",
    )?;
    messages::set_subject(conn, message.id, &thread.subject)?;
    let body = placeholders::fill(&step.body, &values);
    let parts = email_body::build(&body, base_url, || tokens::generate().0);
    for link in &parts.links {
        crate::db::tracking::insert_link(conn, message.id, &link.token, &link.url)?;
    }
    let footer = super::unsubscribe::for_message(conn, base_url, message, &sender.email)?;
    let html = format!(
        "<div>{}</div>\n<p>{}</p>\n<img src=\"{base_url}/t/o/{}.gif\" width=\"1\" height=\"1\" alt=\"\">",
        parts.html, footer.html, message.tracking_token
    );
    let mut outgoing = assemble(secrets, sender, &recipient.email, thread)?;
    outgoing.message_row = message.id;
    outgoing.message_id = message.message_id.clone();
    outgoing.text = format!("{}\n\n{}", parts.text, footer.text);
    outgoing.html = html;
    outgoing.list_unsubscribe = Some(footer.list_unsubscribe);
    Ok(outgoing)
}

/// What a test email is made of: the campaign's steps, the step to send, the prospect's
/// values, the campaign's unsubscribe line and the address to send it to.
pub(super) struct TestFill<'a> {
    pub steps: &'a [CampaignStep],
    pub step: &'a CampaignStep,
    pub values: &'a HashMap<String, String>,
    pub unsubscribe_line: &'a str,
    pub to: &'a str,
}

/// A test email of `step` filled with `values`, to `to`, from `sender`: subject
/// "[Test] " + what the step's first email would carry (a follow-up's `Re:` subject, with
/// no `In-Reply-To`: there is no earlier email), links not tracked, no open pixel, the
/// campaign's unsubscribe line with an example link (`unsubscribe_line`) and no
/// `List-Unsubscribe` header; marked `X-Dripteam-Test: yes`. Refusals as `build`.
pub(super) fn build_test(
    secrets: &SecretBox,
    base_url: &str,
    sender: &SenderAccount,
    test: TestFill,
) -> DomainResult<Outgoing> {
    let TestFill {
        steps,
        step,
        values,
        unsubscribe_line,
        to,
    } = test;
    // As if the first step had gone out: a follow-up shows its "Re:" subject.
    let opened: Vec<Received> = steps
        .first()
        .map(|_| Received {
            message_id: "",
            subject: "",
            opened_thread: true,
            same_sender: true,
        })
        .into_iter()
        .collect();
    let mut thread = thread_of(steps, step, values, &opened);
    thread.subject = format!("[Test] {}", thread.subject);
    (thread.in_reply_to, thread.references) = (None, Vec::new());
    header_text::check(
        &thread.subject,
        "The subject, with this prospect's values filled in,",
    )?;
    let body = placeholders::fill(&step.body, values);
    let example = super::unsubscribe::url(base_url, "test-email");
    let (footer_text, footer_html) = super::unsubscribe::footer(unsubscribe_line, &example);
    let mut outgoing = assemble(secrets, sender, to, thread)?;
    outgoing.message_id = format!(
        "test-{}@{}",
        uuid::Uuid::new_v4().simple(),
        super::sending::domain_of(&sender.email)
    );
    outgoing.text = format!("{body}\n\n{footer_text}");
    outgoing.html = format!(
        "<div>{}</div>\n<p>{footer_html}</p>",
        email_body::escape_html(&body).replace('\n', "<br>\n")
    );
    outgoing.test = true;
    Ok(outgoing)
}

/// The values a step is filled with for a prospect (only the address when the prospect
/// was deleted since).
pub(super) fn values_of(
    conn: &mut AnyConnection,
    prospect_id: i64,
    email: &str,
) -> DomainResult<HashMap<String, String>> {
    Ok(match prospects::prospect_by_id(conn, prospect_id)? {
        Some(prospect) => super::editor::values_for(conn, &prospect)?,
        None => HashMap::from([("email".to_string(), email.to_string())]),
    })
}

/// Whether the step at `position` opens a thread: the first step, or one marked "new thread".
fn opens_thread(steps: &[CampaignStep], position: i32) -> bool {
    steps.first().is_some_and(|s| s.position == position)
        || steps.iter().any(|s| s.position == position && s.new_thread)
}

fn thread_of(
    steps: &[CampaignStep],
    step: &CampaignStep,
    values: &HashMap<String, String>,
    earlier: &[Received],
) -> Thread {
    let first = steps
        .first()
        .map(|s| placeholders::fill(&s.subject, values))
        .unwrap_or_default();
    let own = placeholders::fill(&step.subject, values);
    threading::for_step(&own, opens_thread(steps, step.position), &first, earlier)
}

/// The mailboxes and server of an email to `to` from `sender` with `thread`'s subject and
/// headers; the body and ids are set by the caller.
fn assemble(
    secrets: &SecretBox,
    sender: &SenderAccount,
    to: &str,
    thread: Thread,
) -> DomainResult<Outgoing> {
    header_text::check(&sender.display_name, "The sender's name")?;
    let (smtp, _) = senders::servers(secrets, sender)?;
    let address = |raw: &str, what: &str| {
        header_text::check(raw, what)?;
        raw.parse::<lettre::Address>()
            .map_err(|_| DomainError::Invalid(format!("{what} {raw} is not a valid address.")))
    };
    let from = Mailbox::new(
        Some(sender.display_name.clone()),
        address(&sender.email, "The sender's email address")?,
    );
    let to = Mailbox::new(None, address(to, "The recipient's address")?);
    Ok(Outgoing {
        message_row: 0,
        sender_id: sender.id,
        server: smtp,
        from,
        to,
        message_id: String::new(),
        subject: thread.subject,
        in_reply_to: thread.in_reply_to,
        references: thread.references,
        text: String::new(),
        html: String::new(),
        list_unsubscribe: None,
        test: false,
    })
}
