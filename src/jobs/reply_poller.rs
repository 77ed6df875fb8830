//! The reply poller: reads sender accounts' IMAP inboxes for answers to our emails, told
//! apart by `domain::campaigns::incoming` (a reply stops the recipient's later steps, an
//! auto-reply does not, a delivery-status notification marks them bounced). After the
//! mailboxes, each round queues the owners' reply digests that are due
//! (`domain::campaigns::reply_digest`: at most one per owner per hour, decided in the
//! database).
//!
//! Mailboxes are read several at a time, each within its own time limit, so one slow or
//! unresponsive server delays only its own account. A mailbox that fails (or panics, or
//! holds settings that cannot be decrypted) is recorded as failed with the kind of failure
//! and skipped for a backoff that doubles with each failure in a row
//! (`domain::campaigns::outbound::imap_backoff`); the other accounts are read as usual.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};

use crate::clock::Clock;
use crate::crypto::SecretBox;
use crate::db::Pool;
use crate::db::models::SenderAccount;
use crate::domain::DomainResult;
use crate::domain::campaigns::incoming::{self, InboxMessage};
use crate::domain::campaigns::outbound::{FailureKind, MailHosts};
use crate::domain::campaigns::senders;
use crate::domain::campaigns::{events, reply_digest};
use crate::mailboxes;

/// How a round reads mailboxes.
#[derive(Debug, Clone, Copy)]
pub struct PollSettings {
    /// Which addresses IMAP servers may have (`ALLOW_PRIVATE_MAIL_HOSTS`).
    pub hosts: MailHosts,
    /// The longest one account's check may take, name lookup to logout.
    pub account_timeout: Duration,
    /// How many mailboxes are read at once.
    pub concurrency: usize,
}

/// What a round needs besides its settings: the database, the clock, the key to sender
/// passwords and the public address that starts the digests' campaign links.
pub struct PollContext {
    pub pool: Pool,
    pub clock: Clock,
    pub secrets: SecretBox,
    pub base_url: String,
}

impl PollSettings {
    /// 20 seconds per account, 8 accounts at once.
    pub fn new(hosts: MailHosts) -> Self {
        PollSettings {
            hosts,
            account_timeout: mailboxes::TIMEOUT,
            concurrency: 8,
        }
    }
}

/// What one round did with one sender account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The inbox was read; this many new replies were recorded.
    Read { replies: usize },
    /// The check failed (and was recorded on the account, with its backoff).
    Failed(FailureKind),
}

/// One sender account's outcome in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountOutcome {
    pub sender_id: i64,
    pub outcome: Outcome,
}

/// Runs a round every `every` until the task is aborted; a round that fails or panics is
/// logged and the next one runs as usual.
pub async fn run(context: PollContext, settings: PollSettings, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        match AssertUnwindSafe(tick(&context, &settings))
            .catch_unwind()
            .await
        {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("reply poller: {e}"),
            Err(panic) => log::error!(
                "reply poller: the round panicked ({}); the next round goes on",
                super::panic_text(&*panic)
            ),
        }
    }
}

/// One round: reads every sender account whose mailbox is due (see `senders::imap_due`),
/// `settings.concurrency` at a time, then queues the reply digests that are due (a failure
/// there is logged); returns each account's outcome, in the order they ended. Fails only
/// when the due accounts cannot be loaded.
pub async fn tick(
    context: &PollContext,
    settings: &PollSettings,
) -> DomainResult<Vec<AccountOutcome>> {
    let PollContext {
        pool,
        clock,
        secrets,
        base_url,
    } = context;
    let now = clock.now();
    let accounts = blocking(pool, move |conn| senders::imap_due(conn, now)).await?;
    let outcomes = futures_util::stream::iter(accounts)
        .map(|account| poll_account(pool, clock, secrets, base_url, settings, account))
        .buffer_unordered(settings.concurrency.max(1))
        .collect()
        .await;
    let (base, now) = (base_url.clone(), clock.now());
    if let Err(e) = blocking(pool, move |conn| reply_digest::send_due(conn, &base, now)).await {
        log::error!("reply poller: reply digests: {e}");
    }
    Ok(outcomes)
}

use super::blocking;

/// Reads one account's mailbox and records the outcome; never fails or panics itself.
async fn poll_account(
    pool: &Pool,
    clock: &Clock,
    secrets: &SecretBox,
    base_url: &str,
    settings: &PollSettings,
    account: SenderAccount,
) -> AccountOutcome {
    let sender_id = account.id;
    let read = AssertUnwindSafe(read_mailbox(
        pool, clock, secrets, base_url, settings, &account,
    ))
    .catch_unwind()
    .await
    .unwrap_or_else(|_| {
        log::error!("reply poller: reading sender account {sender_id} panicked");
        Err(FailureKind::Internal)
    });
    let (check, now) = (read.map(|_| ()), clock.now());
    if let Err(e) = blocking(pool, move |conn| {
        senders::record_imap_check(conn, &account, check, now)
    })
    .await
    {
        log::error!("reply poller: sender account {sender_id}: cannot record the check: {e}");
    }
    AccountOutcome {
        sender_id,
        outcome: match read {
            Ok(replies) => Outcome::Read { replies },
            Err(kind) => Outcome::Failed(kind),
        },
    }
}

/// New messages in the account's inbox, told apart and recorded (`events::record_replies`);
/// how many were new replies.
async fn read_mailbox(
    pool: &Pool,
    clock: &Clock,
    secrets: &SecretBox,
    base_url: &str,
    settings: &PollSettings,
    account: &SenderAccount,
) -> Result<usize, FailureKind> {
    let id = account.id;
    let imap = senders::imap_server(secrets, account).map_err(|e| {
        log::error!("reply poller: sender account {id}: {e}");
        FailureKind::SettingsUnreadable
    })?;
    let after = u32::try_from(account.imap_last_uid).unwrap_or(0);
    let limit = incoming::FETCH_LIMIT;
    let fetched = mailboxes::fetch_replies(
        &imap,
        after,
        limit,
        settings.hosts,
        settings.account_timeout,
    )
    .await
    .map_err(|failure| {
        log::warn!("reply poller: sender account {id} ({imap:?}): {failure}");
        failure.kind
    })?;
    let inbox: Vec<InboxMessage> = fetched
        .into_iter()
        .map(|raw| InboxMessage {
            uid: raw.uid,
            mail: incoming::classify(&raw.bytes),
        })
        .collect();
    if inbox.is_empty() {
        return Ok(0);
    }
    let (now, base) = (clock.now(), base_url.to_string());
    blocking(pool, move |conn| {
        events::record_replies(conn, id, &inbox, &base, now)
    })
    .await
    .map_err(|e| {
        log::error!("reply poller: sender account {id}: recording replies: {e}");
        FailureKind::Internal
    })
}
