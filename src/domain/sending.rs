//! Sending campaign emails, as rules: which emails are due, claiming each one before the
//! SMTP call, spending the recipient from the pool, what a success or failure changes,
//! and tracking events (opens, clicks, replies). The job in `jobs::campaign_sender` does
//! the SMTP calls between these functions.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use lettre::message::Mailbox;

use super::{DomainError, DomainResult, campaigns, placeholders, senders, tokens, units};
use crate::crypto::SecretBox;
use crate::db::messages::{Event, NewClaim};
use crate::db::models::{Campaign, CampaignMessage, CampaignRecipient, SenderAccount};
use crate::db::{AnyConnection, campaigns as db, messages, prospects, senders as sender_db};
use crate::mailboxes::{InboxMessage, Server};

/// How many times an SMTP failure is retried before the email is marked failed.
pub const MAX_ATTEMPTS: i32 = 3;
/// A claim with no outcome after this long belongs to a process that died mid-send.
pub const STALE_CLAIM_MINUTES: i64 = 10;
const PER_CAMPAIGN_BATCH: i64 = 100;

/// One email ready for the SMTP call, its claim already recorded.
pub struct Outgoing {
    pub message_row: i64,
    pub sender_id: i64,
    pub server: Server,
    pub from: Mailbox,
    pub to: String,
    pub message_id: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Marks claims left by a dead process `unconfirmed` and stops those recipients: such an
/// email may or may not have gone out, so it is reported and never sent blindly again.
pub fn report_stale_claims(conn: &mut AnyConnection, now: NaiveDateTime) -> DomainResult<usize> {
    let stale = messages::stale_claims(conn, now - Duration::minutes(STALE_CLAIM_MINUTES))?;
    for message in &stale {
        crate::db::write_transaction(conn, |conn| {
            messages::set_status(conn, message.id, "unconfirmed")?;
            db::stop_recipient(conn, message.recipient_id, "unconfirmed")
        })?;
        log::warn!(
            "campaign email {} was claimed but never confirmed; reported, not resent",
            message.id
        );
    }
    Ok(stale.len())
}

/// Claims the due emails of every active campaign (and due retries) for this worker.
pub fn claim_due(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    now: NaiveDateTime,
) -> DomainResult<Vec<Outgoing>> {
    let mut out = Vec::new();
    for message in messages::due_retries(conn, now, 50)? {
        if messages::reclaim(conn, message.id, now)? {
            match rebuild(conn, secrets, base_url, &message) {
                Ok(outgoing) => out.push(outgoing),
                Err(e) => fail_for_good(conn, &message, &e.to_string())?,
            }
        }
    }
    for campaign_id in db::active_ids(conn)? {
        let Some(campaign) = db::by_id(conn, campaign_id)? else {
            continue;
        };
        claim_for_campaign(conn, secrets, base_url, &campaign, now, &mut out)?;
    }
    Ok(out)
}

fn claim_for_campaign(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    campaign: &Campaign,
    now: NaiveDateTime,
    out: &mut Vec<Outgoing>,
) -> DomainResult<()> {
    let Some(sender) = sender_db::by_id(conn, campaign.sender_id)? else {
        return Ok(());
    };
    // Never send from an account that is not the campaign owner's.
    if sender.owner_id != campaign.owner_id {
        return Ok(());
    }
    let sent_today = messages::sent_by_sender_since(conn, sender.id, now - Duration::hours(24))?;
    let room = (sender.daily_limit as i64 - sent_today).min(PER_CAMPAIGN_BATCH);
    if room <= 0 {
        return Ok(());
    }
    let steps = db::steps(conn, campaign.id)?;
    for recipient in db::due_recipients(conn, campaign.id, now, room)? {
        let Some(step) = steps.iter().find(|s| s.position == recipient.next_step) else {
            db::advance_recipient(conn, recipient.id, recipient.next_step, None)?;
            continue;
        };
        let message_id = format!(
            "{}@{}",
            uuid::Uuid::new_v4().simple(),
            domain_of(&sender.email)
        );
        let (tracking_token, _) = tokens::generate();
        let claim = NewClaim {
            campaign_id: campaign.id,
            recipient_id: recipient.id,
            owner_id: campaign.owner_id,
            sender_id: sender.id,
            step_position: step.position,
            email: &recipient.email,
            message_id: &message_id,
            tracking_token: &tracking_token,
            now,
        };
        let Some(row) = messages::claim(conn, &claim)? else {
            continue;
        };
        match units::record_recipient(conn, campaign.owner_id, &recipient.email, now) {
            Ok(_) => {}
            Err(
                e @ (DomainError::PoolExhausted { .. }
                | DomainError::CapReached { .. }
                | DomainError::TeamLocked),
            ) => {
                messages::release(conn, row)?;
                db::set_status(
                    conn,
                    campaign.id,
                    &["active"],
                    "paused",
                    &format!("Paused automatically: {e}"),
                )?;
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        let message = messages::by_id(conn, row)?.ok_or(DomainError::NotFound)?;
        match build(conn, secrets, base_url, &sender, &recipient, &message) {
            Ok(outgoing) => out.push(outgoing),
            Err(e) => fail_for_good(conn, &message, &e.to_string())?,
        }
    }
    Ok(())
}

fn domain_of(email: &str) -> &str {
    email
        .rsplit_once('@')
        .map_or("dripteam.localhost", |(_, d)| d)
}

fn rebuild(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    message: &CampaignMessage,
) -> DomainResult<Outgoing> {
    let sender = sender_db::by_id(conn, message.sender_id)?.ok_or(DomainError::NotFound)?;
    let recipient =
        db::recipient_by_id(conn, message.recipient_id)?.ok_or(DomainError::NotFound)?;
    build(conn, secrets, base_url, &sender, &recipient, message)
}

/// Fills the step for the prospect and rewrites its links through tracking tokens.
fn build(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    base_url: &str,
    sender: &SenderAccount,
    recipient: &CampaignRecipient,
    message: &CampaignMessage,
) -> DomainResult<Outgoing> {
    let step = db::steps(conn, message.campaign_id)?
        .into_iter()
        .find(|s| s.position == message.step_position)
        .ok_or(DomainError::NotFound)?;
    let values = match prospects::prospect_by_id(conn, recipient.prospect_id)? {
        Some(prospect) => campaigns::values_for(conn, &prospect)?,
        None => HashMap::from([("email".to_string(), recipient.email.clone())]),
    };
    let subject = placeholders::fill(&step.subject, &values);
    let body = placeholders::fill(&step.body, &values);
    let mut links: HashMap<String, String> = HashMap::new();
    for url in urls(&body) {
        if let std::collections::hash_map::Entry::Vacant(slot) = links.entry(url) {
            let (token, _) = tokens::generate();
            messages::insert_link(conn, message.id, &token, slot.key())?;
            slot.insert(format!("{base_url}/t/c/{token}"));
        }
    }
    let mut text = body.clone();
    let mut html = escape_html(&body).replace('\n', "<br>\n");
    // Longest first, so a URL that begins another one does not cut into it.
    let mut ordered: Vec<(&String, &String)> = links.iter().collect();
    ordered.sort_by_key(|(url, _)| std::cmp::Reverse(url.len()));
    for (url, tracked) in ordered {
        text = text.replace(url.as_str(), tracked);
        html = html.replace(
            &escape_html(url),
            &format!("<a href=\"{tracked}\">{}</a>", escape_html(url)),
        );
    }
    html.push_str(&format!(
        "\n<img src=\"{base_url}/t/o/{}.gif\" width=\"1\" height=\"1\" alt=\"\">",
        message.tracking_token
    ));
    let (smtp, _) = senders::servers(secrets, sender)?;
    let from = Mailbox::new(
        Some(sender.display_name.clone()),
        sender
            .email
            .parse()
            .map_err(|e| DomainError::Invalid(format!("sender address: {e}")))?,
    );
    Ok(Outgoing {
        message_row: message.id,
        sender_id: sender.id,
        server: smtp,
        from,
        to: recipient.email.clone(),
        message_id: message.message_id.clone(),
        subject,
        text,
        html: format!("<div>{html}</div>"),
    })
}

/// The http(s) URLs in a text, without trailing punctuation.
pub fn urls(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .filter_map(|w| {
            w.find("http://")
                .or_else(|| w.find("https://"))
                .map(|at| &w[at..])
        })
        .map(|w| {
            w.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\''])
                .to_string()
        })
        .filter(|w| w.len() > "https://".len())
        .collect()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The email went out: record it and schedule the recipient's next step.
pub fn record_sent(
    conn: &mut AnyConnection,
    message_row: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
        messages::mark_sent(conn, message.id, now)?;
        let Some(recipient) = db::recipient_by_id(conn, message.recipient_id)? else {
            return Ok(());
        };
        if recipient.status != "active" {
            return Ok(());
        }
        let next = message.step_position + 1;
        let due = db::steps(conn, message.campaign_id)?
            .iter()
            .find(|s| s.position == next)
            .map(|s| now + Duration::days(s.delay_days as i64));
        db::advance_recipient(conn, recipient.id, next, due)?;
        Ok(())
    })
}

/// The SMTP call failed: retry with backoff, or give up after `MAX_ATTEMPTS`.
pub fn record_failure(
    conn: &mut AnyConnection,
    message_row: i64,
    error: &str,
    now: NaiveDateTime,
) -> DomainResult<()> {
    let message = messages::by_id(conn, message_row)?.ok_or(DomainError::NotFound)?;
    if message.attempts + 1 >= MAX_ATTEMPTS {
        return fail_for_good(conn, &message, error);
    }
    let wait = Duration::minutes(2i64.pow(message.attempts as u32 * 2));
    messages::mark_attempt_failed(conn, message.id, error, Some(now + wait))?;
    Ok(())
}

fn fail_for_good(
    conn: &mut AnyConnection,
    message: &CampaignMessage,
    error: &str,
) -> DomainResult<()> {
    crate::db::write_transaction(conn, |conn| {
        messages::mark_attempt_failed(conn, message.id, error, None)?;
        db::stop_recipient(conn, message.recipient_id, "failed")
    })?;
    Ok(())
}

/// The open pixel was loaded. Unknown tokens change nothing.
pub fn record_open(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> DomainResult<()> {
    if let Some(message) = messages::by_tracking_token(conn, token)? {
        messages::record_event(conn, message.id, Event::Opened, now)?;
    }
    Ok(())
}

/// A tracked link was followed: the URL it stands for (only URLs that were in the email).
pub fn record_click(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let (message_id, url) = messages::link_by_token(conn, token)?.ok_or(DomainError::NotFound)?;
    messages::record_event(conn, message_id, Event::Clicked, now)?;
    // A click means the email was opened, even when images were blocked.
    messages::record_event(conn, message_id, Event::Opened, now)?;
    Ok(url)
}

/// Replies found in a sender's inbox: each stops the later steps of its recipient.
pub fn record_replies(
    conn: &mut AnyConnection,
    sender_id: i64,
    inbox: &[InboxMessage],
    now: NaiveDateTime,
) -> DomainResult<usize> {
    let mut found = 0;
    for message in inbox {
        for ours in messages::by_message_ids(conn, &message.answers)?
            .into_iter()
            .filter(|m| m.sender_id == sender_id)
        {
            crate::db::write_transaction(conn, |conn| {
                if messages::record_event(conn, ours.id, Event::Replied, now)? {
                    found += 1;
                    db::stop_recipient(conn, ours.recipient_id, "replied")?;
                }
                Ok::<_, DomainError>(())
            })?;
        }
    }
    if let Some(highest) = inbox.iter().map(|m| m.uid).max() {
        sender_db::advance_imap_uid(conn, sender_id, highest as i64)?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_urls_without_trailing_punctuation() {
        assert_eq!(
            super::urls("See https://acme.example/a?b=1. Or (http://x.example/y), bye"),
            ["https://acme.example/a?b=1", "http://x.example/y"]
        );
    }
}
