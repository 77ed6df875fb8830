//! The campaign sender: every tick, report dead claims, claim due emails, send each over
//! its sender account's SMTP server and record the outcome. Two processes may run it on
//! one database: a claim is a unique row, so each email has one sender.

use std::collections::HashMap;
use std::time::Duration;

use lettre::message::MultiPart;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::clock::Clock;
use crate::crypto::SecretBox;
use crate::db::{DbError, Pool};
use crate::domain::sending::{self, Outgoing};
use crate::domain::{DomainError, DomainResult};
use crate::mailboxes;

async fn blocking<T: Send + 'static>(
    pool: &Pool,
    work: impl FnOnce(&mut crate::db::AnyConnection) -> DomainResult<T> + Send + 'static,
) -> DomainResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get().map_err(DbError::from)?))
        .await
        .map_err(|e| DomainError::Internal(format!("sender task: {e}")))?
}

pub async fn run(pool: Pool, clock: Clock, secrets: SecretBox, base_url: String, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(e) = tick(&pool, &clock, &secrets, &base_url).await {
            log::error!("campaign sender: {e}");
        }
    }
}

/// One round of sending; returns how many emails went out.
pub async fn tick(
    pool: &Pool,
    clock: &Clock,
    secrets: &SecretBox,
    base_url: &str,
) -> DomainResult<usize> {
    let now = clock.now();
    blocking(pool, move |conn| sending::report_stale_claims(conn, now)).await?;
    let (secrets_for_claim, base) = (secrets.clone(), base_url.to_string());
    let due = blocking(pool, move |conn| {
        sending::claim_due(conn, &secrets_for_claim, &base, now)
    })
    .await?;
    log::debug!("campaign sender: {} emails claimed", due.len());
    let mut transports: HashMap<i64, AsyncSmtpTransport<Tokio1Executor>> = HashMap::new();
    let mut sent = 0;
    for outgoing in due {
        let row = outgoing.message_row;
        let result = send(&mut transports, &outgoing).await;
        let now = clock.now();
        match result {
            Ok(()) => {
                blocking(pool, move |conn| sending::record_sent(conn, row, now)).await?;
                sent += 1;
            }
            Err(error) => {
                log::warn!("campaign email {row} to {} failed: {error}", outgoing.to);
                blocking(pool, move |conn| {
                    sending::record_failure(conn, row, &error, now)
                })
                .await?;
            }
        }
    }
    Ok(sent)
}

async fn send(
    transports: &mut HashMap<i64, AsyncSmtpTransport<Tokio1Executor>>,
    outgoing: &Outgoing,
) -> Result<(), String> {
    let transport = match transports.entry(outgoing.sender_id) {
        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(mailboxes::smtp_transport(&outgoing.server)?)
        }
    };
    let message = lettre::Message::builder()
        .from(outgoing.from.clone())
        .to(outgoing
            .to
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?)
        .subject(outgoing.subject.clone())
        .message_id(Some(format!("<{}>", outgoing.message_id)))
        .multipart(MultiPart::alternative_plain_html(
            outgoing.text.clone(),
            outgoing.html.clone(),
        ))
        .map_err(|e| format!("cannot build the email: {e}"))?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
