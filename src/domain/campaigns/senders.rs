//! Sender email accounts: private to the user who added them, passwords encrypted at rest
//! and never shown again.

use crate::text::count;
use chrono::NaiveDateTime;

use super::domain_readiness::{self, DkimSelector, Readiness, TxtResolver};
use super::outbound::{self, FailureKind, MailFailure};
use super::pacing::Pacing;
use crate::crypto::SecretBox;
use crate::db::models::{SenderAccount, SenderSettings, User};
use crate::db::values::CampaignStatus;
use crate::db::{AnyConnection, senders as db};
use crate::domain::accounts::EmailAddress;
use crate::domain::{DomainError, DomainResult, invalid, policy};
use crate::mail::header_text;
use crate::mailboxes::{self, Security, Server};

/// The sender form as typed. Empty passwords on edit keep the stored ones.
pub struct SenderInput<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub smtp_host: &'a str,
    pub smtp_port: &'a str,
    pub smtp_security: &'a str,
    pub smtp_user: &'a str,
    pub smtp_password: &'a str,
    pub imap_host: &'a str,
    pub imap_port: &'a str,
    pub imap_security: &'a str,
    pub imap_user: &'a str,
    pub imap_password: &'a str,
    pub daily_limit: &'a str,
    /// Optional: the DKIM selector "Test connection" looks up (`DkimSelector`).
    pub dkim_selector: &'a str,
    /// The pause between two emails, shortest and longest, in seconds (`Pacing::parse`);
    /// both empty: `default_pause`.
    pub pause_min: &'a str,
    pub pause_max: &'a str,
    /// The pause of a form left empty (`DEFAULT_SENDER_PAUSE`).
    pub default_pause: Pacing,
}

fn port(label: &str, raw: &str) -> DomainResult<i32> {
    match raw.trim().parse::<i32>() {
        Ok(p) if (1..=65535).contains(&p) => Ok(p),
        _ => invalid(format!("{label} port must be a number from 1 to 65535.")),
    }
}

fn security(label: &str, raw: &str) -> DomainResult<Security> {
    Security::parse(raw)
        .ok_or_else(|| DomainError::Invalid(format!("Choose the {label} security.")))
}

fn host(label: &str, raw: &str) -> DomainResult<String> {
    let host = raw.trim();
    if host.is_empty()
        || host.len() > 253
        || host.contains(char::is_whitespace)
        || host.contains('/')
    {
        return invalid(format!(
            "Enter the {label} server's host name, like smtp.example.com."
        ));
    }
    Ok(host.to_string())
}

/// Checks the form and encrypts the passwords; `current` supplies kept passwords on edit.
/// The display name and address reach the From header, so line breaks and other control
/// characters are refused there (`header_text::check`).
fn settings(
    input: &SenderInput,
    secrets: &SecretBox,
    current: Option<&SenderAccount>,
) -> DomainResult<SenderSettings> {
    let display_name = input.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return invalid("Enter the name your recipients see (1 to 100 characters).");
    }
    // Both go into the From header of every campaign email.
    header_text::check(display_name, "The name recipients see")?;
    let email = EmailAddress::parse(input.email)?;
    if email.as_str().parse::<lettre::Address>().is_err() {
        return invalid("Enter an email address like name@example.com.");
    }
    let daily_limit = match input.daily_limit.trim().parse::<i32>() {
        Ok(n) if (1..=10_000).contains(&n) => n,
        _ => return invalid("The daily sending limit must be a number from 1 to 10000."),
    };
    let pause = Pacing::parse(input.pause_min, input.pause_max, input.default_pause)?;
    let dkim_selector = DkimSelector::parse(input.dkim_selector)?
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    // A server without authentication has no user and no password.
    let password =
        |typed: &str, user: &str, kept: Option<&String>, label: &str| -> DomainResult<String> {
            match (typed.is_empty(), kept) {
                (false, _) => Ok(secrets.seal(typed)),
                (true, Some(kept)) => Ok(kept.clone()),
                (true, None) if user.trim().is_empty() => Ok(secrets.seal("")),
                (true, None) => invalid(format!("Enter the {label} password.")),
            }
        };
    Ok(SenderSettings {
        email: email.as_str().to_string(),
        display_name: display_name.to_string(),
        smtp_host: host("SMTP", input.smtp_host)?,
        smtp_port: port("SMTP", input.smtp_port)?,
        smtp_security: security("SMTP", input.smtp_security)?.code().into(),
        smtp_user: input.smtp_user.trim().to_string(),
        smtp_password: password(
            input.smtp_password,
            input.smtp_user,
            current.map(|c| &c.smtp_password),
            "SMTP",
        )?,
        imap_host: host("IMAP", input.imap_host)?,
        imap_port: port("IMAP", input.imap_port)?,
        imap_security: security("IMAP", input.imap_security)?.code().into(),
        imap_user: input.imap_user.trim().to_string(),
        imap_password: password(
            input.imap_password,
            input.imap_user,
            current.map(|c| &c.imap_password),
            "IMAP",
        )?,
        daily_limit,
        dkim_selector,
        pause_min_secs: pause.min_secs,
        pause_max_secs: pause.max_secs,
    })
}

/// Adds a sender account of `user` (passwords sealed with `secrets`); returns the flash
/// message. Refusal: `Invalid` for a field as typed (address, port 1–65535, security, host,
/// daily limit, a name with a line break, a DKIM selector that is not DNS labels, a pause
/// outside 0–3600 s or with its shortest above its longest), with the reason.
pub fn add(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    user: &User,
    input: &SenderInput,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let settings = settings(input, secrets, None)?;
    db::insert(conn, user.id, &settings, now)?;
    Ok(format!("Sender account {} added.", settings.email))
}

/// The user's own sender account, or NotFound.
pub fn own(conn: &mut AnyConnection, user: &User, id: i64) -> DomainResult<SenderAccount> {
    let sender = db::by_id(conn, id)?.ok_or(DomainError::NotFound)?;
    policy::may_use_sender(user.id, sender.owner_id)?;
    Ok(sender)
}

/// The user's own sender accounts (no one else's, ever). Refusal: `Db` only.
pub fn list(conn: &mut AnyConnection, user: &User) -> DomainResult<Vec<SenderAccount>> {
    Ok(db::of_owner(conn, user.id)?)
}

/// Saves one of the user's sender accounts as edited (an empty password field keeps the
/// stored one); returns the flash message. Refusals: `NotFound` for someone else's account
/// (or none), `Invalid` for a field as typed.
pub fn update(
    conn: &mut AnyConnection,
    secrets: &SecretBox,
    user: &User,
    id: i64,
    input: &SenderInput,
) -> DomainResult<String> {
    let current = own(conn, user, id)?;
    let settings = settings(input, secrets, Some(&current))?;
    db::update(conn, current.id, &settings)?;
    if current.smtp_refusal.is_none() {
        return Ok(format!("Sender account {} saved.", settings.email));
    }
    db::clear_smtp_refusal(conn, current.id)?;
    Ok(format!(
        "Sender account {} saved. Resume the campaigns its refusal paused when you are ready.",
        settings.email
    ))
}

/// Deletes one of the user's sender accounts; returns the flash message. Refusals:
/// `NotFound` for someone else's account (or none), `Invalid` while a campaign uses it
/// (campaigns keep their history).
pub fn delete(conn: &mut AnyConnection, user: &User, id: i64) -> DomainResult<String> {
    let sender = own(conn, user, id)?;
    if db::count_campaigns_using(conn, sender.id, &[CampaignStatus::Active])? > 0 {
        return invalid(
            "This sender account is used by an active campaign. Pause or finish the campaign first.",
        );
    }
    let campaigns = db::count_campaigns(conn, sender.id)?;
    if campaigns > 0 {
        return invalid(format!(
            "This sender account is used by {}, which keep their history. Choose another sender for them first.",
            count(campaigns, "campaign", "campaigns")
        ));
    }
    db::delete(conn, sender.id)?;
    Ok(format!("Sender account {} deleted.", sender.email))
}

/// The account's SMTP and IMAP servers with the passwords decrypted for one use.
/// Refuses with `Internal` when a stored password cannot be decrypted.
pub fn servers(secrets: &SecretBox, sender: &SenderAccount) -> DomainResult<(Server, Server)> {
    Ok((smtp_server(secrets, sender)?, imap_server(secrets, sender)?))
}

/// The account's SMTP server, password decrypted; `Internal` when it cannot be.
pub fn smtp_server(secrets: &SecretBox, sender: &SenderAccount) -> DomainResult<Server> {
    Ok(Server {
        host: sender.smtp_host.clone(),
        port: sender.smtp_port as u16,
        security: Security::parse(&sender.smtp_security).unwrap_or(Security::Tls),
        user: sender.smtp_user.clone(),
        password: open(secrets, &sender.smtp_password)?,
    })
}

/// The account's IMAP server, password decrypted; `Internal` when it cannot be.
pub fn imap_server(secrets: &SecretBox, sender: &SenderAccount) -> DomainResult<Server> {
    Ok(Server {
        host: sender.imap_host.clone(),
        port: sender.imap_port as u16,
        security: Security::parse(&sender.imap_security).unwrap_or(Security::Tls),
        user: sender.imap_user.clone(),
        password: open(secrets, &sender.imap_password)?,
    })
}

fn open(secrets: &SecretBox, sealed: &str) -> DomainResult<String> {
    secrets
        .open(sealed)
        .map_err(|e| DomainError::Internal(e.to_string()))
}

/// "Test connection": logs in to both servers of `sender` and looks up its domain's SPF,
/// DMARC and DKIM records, all at once. Returns the connection report (`connection_report`:
/// `Invalid` naming what failed) and the DNS report (`domain_readiness::check`, warnings
/// only). Refusal: `Internal` when a stored password cannot be decrypted.
pub async fn test_connection(
    secrets: &SecretBox,
    sender: &SenderAccount,
    hosts: outbound::MailHosts,
    resolver: &dyn TxtResolver,
) -> DomainResult<(DomainResult<String>, Readiness)> {
    let (smtp, imap) = servers(secrets, sender)?;
    let (smtp, imap, readiness) = futures_util::join!(
        mailboxes::test_smtp(&smtp, hosts),
        mailboxes::test_imap(&imap, hosts),
        domain_readiness::check(
            resolver,
            &sender.email,
            &sender.smtp_host,
            &sender.dkim_selector
        )
    );
    Ok((connection_report(&sender.email, smtp, imap), readiness))
}

/// What "Test connection" tells the user: `Ok` when both servers work, otherwise
/// `Invalid` naming each server's outcome by kind only, e.g. "a@x.example: SMTP works;
/// IMAP failed: connection refused." (never the peer's words, see `domain::campaigns::outbound`).
pub fn connection_report(
    email: &str,
    smtp: Result<(), MailFailure>,
    imap: Result<(), MailFailure>,
) -> DomainResult<String> {
    let said = |outcome: Result<(), MailFailure>| match outcome {
        Ok(()) => "works".to_string(),
        Err(failure) => format!("failed: {}", failure.kind.describe()),
    };
    match (smtp, imap) {
        (Ok(()), Ok(())) => Ok(format!("{email}: SMTP and IMAP connections work.")),
        (smtp, imap) => invalid(format!(
            "{email}: SMTP {}; IMAP {}.",
            said(smtp),
            said(imap)
        )),
    }
}

/// Sender accounts whose mailbox the reply poller should read at `now`: every account
/// with IMAP settings that is not waiting out a backoff, healthy ones first.
pub fn imap_due(conn: &mut AnyConnection, now: NaiveDateTime) -> DomainResult<Vec<SenderAccount>> {
    Ok(db::imap_due(conn, now)?)
}

/// Records the outcome of one IMAP check of `sender` (as loaded before the check).
/// A failure counts one more in a row and skips the mailbox for
/// `outbound::imap_backoff(failures)`; a success forgets earlier failures (and writes
/// nothing when there were none).
pub fn record_imap_check(
    conn: &mut AnyConnection,
    sender: &SenderAccount,
    outcome: Result<(), FailureKind>,
    now: NaiveDateTime,
) -> DomainResult<()> {
    match outcome {
        Ok(()) if sender.imap_failures == 0 && sender.imap_retry_at.is_none() => Ok(()),
        Ok(()) => Ok(db::clear_imap_failure(conn, sender.id)?),
        Err(kind) => {
            let failures = sender.imap_failures.saturating_add(1);
            let retry_at = now + outbound::imap_backoff(failures);
            Ok(db::record_imap_failure(
                conn,
                sender.id,
                failures,
                kind.code(),
                now,
                retry_at,
            )?)
        }
    }
}

/// The line the sender accounts page shows while the account is flagged because its SMTP
/// server refused the sender (`outcomes::record_failed_attempt`), e.g. "Sending stopped on
/// 2026-12-01 13:05 UTC: The mail server … refused the sender account's user name or
/// password. Its campaigns are paused; saving the account clears this."
pub fn smtp_problem(sender: &SenderAccount) -> Option<String> {
    let (refusal, at) = (sender.smtp_refusal.as_deref()?, sender.smtp_refused_at?);
    Some(format!(
        "Sending stopped on {} UTC: {refusal} Its campaigns are paused; saving the account clears this.",
        at.format("%Y-%m-%d %H:%M")
    ))
}

/// The line the sender accounts page shows while the mailbox fails, e.g. "Last IMAP
/// check failed: connection refused at 2026-12-01 13:05 UTC; next try after 13:07 UTC."
pub fn imap_problem(sender: &SenderAccount) -> Option<String> {
    let (code, at) = (sender.imap_failure.as_deref()?, sender.imap_failed_at?);
    let next = sender
        .imap_retry_at
        .map(|r| format!("; next try after {} UTC", r.format("%H:%M")))
        .unwrap_or_default();
    Some(format!(
        "Last IMAP check failed: {} at {} UTC{next}.",
        FailureKind::parse(code).describe(),
        at.format("%Y-%m-%d %H:%M")
    ))
}
