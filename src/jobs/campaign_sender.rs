//! The campaign sender: every tick, report dead claims, claim due emails, send each over
//! its sender account's SMTP server and record the outcome. Two processes may run it on
//! one database: a claim is a unique row, so each email has one sender.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures_util::{FutureExt, StreamExt};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::clock::Clock;
use crate::crypto::SecretBox;
use crate::db::Pool;
use crate::domain::DomainResult;
use crate::domain::campaigns::outbound::{FailureKind, MailHosts};
use crate::domain::campaigns::sending::{self, Outgoing};
use crate::domain::campaigns::{compose, outcomes};
use crate::mailboxes;

use super::blocking;

/// SMTP transports kept between rounds, one per sender account, replaced when the
/// account's settings change and at least every `RESOLVE_EVERY` (the host is resolved and
/// checked against `hosts` again); their pooled connections are reused. `concurrency`: how
/// many emails of a round are sent at once (`SENDER_CONCURRENCY`).
pub struct Transports {
    hosts: MailHosts,
    concurrency: usize,
    by_sender: HashMap<i64, (String, Instant, AsyncSmtpTransport<Tokio1Executor>)>,
}

/// How long a transport keeps the address its host resolved to.
const RESOLVE_EVERY: Duration = Duration::from_secs(300);

impl Transports {
    /// `hosts`: which addresses sender accounts' SMTP servers may have; `concurrency`: how
    /// many emails go out at once (at least 1).
    pub fn new(hosts: MailHosts, concurrency: usize) -> Self {
        Transports {
            hosts,
            concurrency: concurrency.max(1),
            by_sender: HashMap::new(),
        }
    }

    async fn for_outgoing(
        &mut self,
        outgoing: &Outgoing,
    ) -> Result<&AsyncSmtpTransport<Tokio1Executor>, FailureKind> {
        let fingerprint = format!(
            "{:?}/{}",
            outgoing.server,
            tokens_digest(&outgoing.server.password)
        );
        let stale = self
            .by_sender
            .get(&outgoing.sender_id)
            .is_none_or(|(known, built, _)| {
                *known != fingerprint || built.elapsed() > RESOLVE_EVERY
            });
        if stale {
            let transport = mailboxes::smtp_transport(&outgoing.server, self.hosts)
                .await
                .map_err(|failure| failure.kind)?;
            self.by_sender
                .insert(outgoing.sender_id, (fingerprint, Instant::now(), transport));
        }
        Ok(&self.by_sender[&outgoing.sender_id].2)
    }
}

fn tokens_digest(secret: &str) -> String {
    crate::domain::accounts::tokens::digest(secret)
}

/// Runs a round every `every` until the process ends. A round that fails or panics is
/// logged and the next one starts as usual (its transports are rebuilt after a panic).
pub async fn run(
    pool: Pool,
    clock: Clock,
    secrets: SecretBox,
    base_url: String,
    every: Duration,
    hosts: MailHosts,
    concurrency: usize,
) {
    let mut transports = Transports::new(hosts, concurrency);
    loop {
        tokio::time::sleep(every).await;
        let round = tick(&pool, &clock, &secrets, &base_url, &mut transports);
        match AssertUnwindSafe(round).catch_unwind().await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("campaign sender: {e}"),
            Err(panic) => {
                log::error!(
                    "campaign sender: the round panicked: {}",
                    crate::jobs::panic_text(&*panic)
                );
                transports = Transports::new(hosts, concurrency);
            }
        }
    }
}

/// One round of sending; returns how many emails went out. Each email's failure or panic is
/// recorded for that email (`deliver`) and the round goes on; `Err` only when claiming
/// could not run at all.
pub async fn tick(
    pool: &Pool,
    clock: &Clock,
    secrets: &SecretBox,
    base_url: &str,
    transports: &mut Transports,
) -> DomainResult<usize> {
    let clock_started = std::time::Instant::now();
    let now = clock.now();
    blocking(pool, move |conn| sending::report_stale_claims(conn, now)).await?;
    let (secrets_for_claim, base) = (secrets.clone(), base_url.to_string());
    let due = blocking(pool, move |conn| {
        sending::claim_due(conn, &secrets_for_claim, &base, now)
    })
    .await?;
    log::debug!(
        "campaign sender: {} emails claimed in {:?}",
        due.len(),
        clock_started.elapsed()
    );
    // Each email gets its transport first (one per sender account), then up to
    // `Transports::concurrency` go out at once over the transport's pooled connections.
    let mut jobs = Vec::with_capacity(due.len());
    for outgoing in due {
        let transport = transports.for_outgoing(&outgoing).await.cloned();
        jobs.push((outgoing, transport));
    }
    let outcomes: Vec<bool> = futures_util::stream::iter(jobs)
        .map(|(outgoing, transport)| deliver(pool, clock, base_url, outgoing, transport))
        .buffer_unordered(transports.concurrency)
        .collect()
        .await;
    let sent = outcomes.into_iter().filter(|ok| *ok).count();
    log::debug!(
        "campaign sender: round done in {:?}",
        clock_started.elapsed()
    );
    Ok(sent)
}

/// How one email's attempt ended.
enum Outcome {
    Sent,
    /// The SMTP exchange failed: a bounce, a refused sender or a retry with backoff
    /// (`outcomes::record_failed_attempt`), told to the user as
    /// `outcomes::failure_sentence` says.
    Failed(FailureKind),
    /// The email cannot be sent as it stands: failed at once (`outcomes::record_unsendable`).
    Unsendable(String),
}

/// Sends one email and records the outcome; true when it went out. Nothing is sent when its
/// campaign is no longer active (`sending::still_sendable`). A panic while building
/// or sending this email is caught and recorded as this email's failure, so its claim is
/// not left behind and the other emails of the round go on.
async fn deliver(
    pool: &Pool,
    clock: &Clock,
    base_url: &str,
    outgoing: Outgoing,
    transport: Result<AsyncSmtpTransport<Tokio1Executor>, FailureKind>,
) -> bool {
    let row = outgoing.message_row;
    // The campaign may have been paused (or moved, or locked) since the claim: no SMTP call then.
    match blocking(pool, move |conn| sending::still_sendable(conn, row)).await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(e) => {
            log::error!("campaign email {row}: whether it may still go out is unknown: {e}");
            return false;
        }
    }
    let attempt = async {
        match transport {
            Ok(transport) => send(&transport, &outgoing).await,
            Err(e) => Outcome::Failed(e),
        }
    };
    let outcome = match AssertUnwindSafe(attempt).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            log::error!(
                "campaign email {row}: building or sending it panicked: {}",
                crate::jobs::panic_text(&*panic)
            );
            Outcome::Unsendable(
                "Not sent: the email could not be prepared (internal error).".into(),
            )
        }
    };
    let now = clock.now();
    let went_out = matches!(outcome, Outcome::Sent);
    // A failure to record the outcome must not strand other claimed emails: the claim
    // stays and is reported as unconfirmed, never sent again.
    let recorded = match outcome {
        Outcome::Sent => blocking(pool, move |conn| outcomes::record_sent(conn, row, now)).await,
        Outcome::Failed(kind) => {
            let server = &outgoing.server;
            let to = outgoing.to.email.to_string();
            let error = outcomes::failure_sentence(kind, &server.host, server.port, &to);
            log::warn!("campaign email {row} to {to} failed: {error}");
            let base = base_url.to_string();
            blocking(pool, move |conn| {
                outcomes::record_failed_attempt(conn, row, kind, &error, &base, now)
            })
            .await
        }
        Outcome::Unsendable(reason) => {
            log::warn!("campaign email {row} to {}: {reason}", outgoing.to);
            blocking(pool, move |conn| {
                outcomes::record_unsendable(conn, row, &reason)
            })
            .await
        }
    };
    if let Err(e) = recorded {
        log::error!("campaign email {row}: the outcome could not be recorded: {e}");
    }
    went_out
}

/// Builds the message (lettre's errors returned, never unwrapped) and sends it.
async fn send(transport: &AsyncSmtpTransport<Tokio1Executor>, outgoing: &Outgoing) -> Outcome {
    let message = compose::message(outgoing);
    let message = match message {
        Ok(message) => message,
        Err(e) => {
            log::warn!(
                "campaign email {}: building it failed: {e}",
                outgoing.message_row
            );
            return Outcome::Unsendable(
                "Not sent: the email could not be built from its sender and recipient addresses."
                    .into(),
            );
        }
    };
    match transport.send(message).await {
        Ok(_) => Outcome::Sent,
        Err(e) => {
            log::info!("campaign email {}: SMTP said: {e}", outgoing.message_row);
            Outcome::Failed(mailboxes::delivery_failure(
                &e,
                !outgoing.server.user.is_empty(),
            ))
        }
    }
}
