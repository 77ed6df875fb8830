//! The background deliverer: claims due outbox rows, sends them over SMTP, and records
//! success, or the error and the time of the next try (exponential backoff).
//!
//! A row is claimed for a while before sending, so two app processes never send the same
//! row at once; a crash after the SMTP server accepted but before `mark_sent` can send that
//! one email again after the claim lapses (at-least-once, the usual outbox trade-off).

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use chrono::NaiveDateTime;
use futures_util::FutureExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::header_text;
use crate::clock::Clock;
use crate::db::models::OutboxEmail;
use crate::db::{DbError, Pool, outbox};

/// How system emails are delivered: the SMTP server (lettre's URL form), the From mailbox,
/// the pause between rounds and the retry backoff.
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// lettre's URL form; may hold a password, so it never prints.
    pub smtp_url: secrecy::SecretString,
    pub from: Mailbox,
    pub poll_every: Duration,
    /// The wait before the first retry; doubled after each failure, at most six hours.
    pub retry_base: Duration,
}

const CLAIM_SECONDS: i64 = 120;
const BATCH: i64 = 50;

/// Checks and prepares `SMTP_URL` (lettre's URL form); building the transport needs a runtime.
pub fn transport_builder(
    smtp_url: &str,
) -> Result<lettre::transport::smtp::AsyncSmtpTransportBuilder, lettre::transport::smtp::Error> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)?
        .timeout(Some(Duration::from_secs(30))))
}

/// Runs until the process ends. A round that fails or panics is logged and the next one
/// starts after the usual pause.
pub async fn run(pool: Pool, clock: Clock, settings: DeliverySettings) {
    let mailer = match transport_builder(secrecy::ExposeSecret::expose_secret(&settings.smtp_url)) {
        Ok(builder) => builder.build(),
        Err(e) => {
            log::error!("SMTP_URL cannot be used, no email will be sent: {e}");
            return;
        }
    };
    loop {
        let round = deliver_due(&pool, &clock, &mailer, &settings);
        match AssertUnwindSafe(round).catch_unwind().await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("outbox delivery: {e}"),
            Err(panic) => log::error!(
                "outbox delivery: the round panicked: {}",
                crate::jobs::panic_text(&*panic)
            ),
        }
        tokio::time::sleep(settings.poll_every).await;
    }
}

async fn blocking<T: Send + 'static>(
    pool: &Pool,
    f: impl FnOnce(&mut crate::db::AnyConnection) -> Result<T, DbError> + Send + 'static,
) -> Result<T, DbError> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || f(&mut *pool.get()?))
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
}

/// One round: every due email is claimed, sent and its outcome recorded, each on its own:
/// an email that fails, cannot be built or makes the code panic is recorded with its reason
/// (`last_error`) and the round goes on with the next. Returns how many emails went out;
/// `Err` only when the due emails could not be listed.
pub async fn deliver_due(
    pool: &Pool,
    clock: &Clock,
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &DeliverySettings,
) -> Result<usize, DbError> {
    let now = clock.now();
    let ids = blocking(pool, move |conn| outbox::due_ids(conn, now, BATCH)).await?;
    let mut sent = 0;
    for id in ids {
        match deliver_one(pool, clock, mailer, settings, id).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => log::error!("email {id}: {e}"),
        }
    }
    Ok(sent)
}

/// How one attempt ended.
enum Outcome {
    Sent,
    /// The SMTP exchange failed: retried later with backoff.
    Failed(String),
    /// The email can never go out as it stands: failed for good.
    Unsendable(String),
}

/// Claims, sends and records one email; true when it went out.
async fn deliver_one(
    pool: &Pool,
    clock: &Clock,
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &DeliverySettings,
    id: i64,
) -> Result<bool, DbError> {
    let now = clock.now();
    let until = now + chrono::Duration::seconds(CLAIM_SECONDS);
    let Some(email) = blocking(pool, move |conn| outbox::claim(conn, id, now, until)).await? else {
        return Ok(false);
    };
    let attempt = send(mailer, &settings.from, &email);
    let outcome = match AssertUnwindSafe(attempt).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => Outcome::Unsendable(format!(
            "building or sending the email panicked: {}",
            crate::jobs::panic_text(&*panic)
        )),
    };
    let now = clock.now();
    match outcome {
        Outcome::Sent => {
            blocking(pool, move |conn| outbox::mark_sent(conn, id, now)).await?;
            log::info!("email {id} sent to {}", email.to_address);
            Ok(true)
        }
        Outcome::Failed(error) => {
            let attempt = email.attempts.saturating_add(1);
            let retry_at = retry_time(now, attempt, settings.retry_base);
            log::warn!(
                "email {id} to {} failed (attempt {attempt}): {error}",
                email.to_address
            );
            blocking(pool, move |conn| {
                outbox::mark_failed(conn, id, &error, retry_at)
            })
            .await?;
            Ok(false)
        }
        Outcome::Unsendable(reason) => {
            log::error!(
                "email {id} to {:?} cannot be sent: {reason}",
                email.to_address
            );
            blocking(pool, move |conn| {
                outbox::mark_unsendable(conn, id, &reason, now)
            })
            .await?;
            Ok(false)
        }
    }
}

fn retry_time(now: NaiveDateTime, attempts: i32, base: Duration) -> NaiveDateTime {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).clamp(0, 20) as u32);
    let wait = base
        .saturating_mul(factor)
        .min(Duration::from_secs(6 * 3600));
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6))
}

/// Builds the message, returning lettre's errors (never unwrapping them), and sends it.
/// An address or subject that could not go into a header as one line is refused before
/// lettre sees it (`header_text::check`, RFC 5322 §2.2).
async fn send(
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    email: &OutboxEmail,
) -> Outcome {
    let checked = header_text::check(&email.to_address, "The address")
        .and_then(|()| header_text::check(&email.subject, "The subject"));
    if let Err(e) = checked {
        return Outcome::Unsendable(e.to_string());
    }
    let to: Mailbox = match email.to_address.parse() {
        Ok(to) => to,
        Err(e) => return Outcome::Unsendable(format!("bad address: {e}")),
    };
    let message = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.text_body.clone(),
            email.html_body.clone(),
        ));
    let message = match message {
        Ok(message) => message,
        Err(e) => return Outcome::Unsendable(format!("cannot build the message: {e}")),
    };
    match mailer.send(message).await {
        Ok(_) => Outcome::Sent,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::retry_time;
    use chrono::NaiveDate;
    use std::time::Duration;

    #[test]
    fn retries_back_off_and_are_capped() {
        let now = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let base = Duration::from_secs(30);
        assert_eq!(
            retry_time(now, 1, base) - now,
            chrono::Duration::seconds(30)
        );
        assert_eq!(
            retry_time(now, 3, base) - now,
            chrono::Duration::seconds(120)
        );
        assert_eq!(retry_time(now, 30, base) - now, chrono::Duration::hours(6));
    }
}
