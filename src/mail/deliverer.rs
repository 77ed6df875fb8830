//! The background deliverer: claims due outbox rows, sends them over SMTP, and records
//! success, or the error and the time of the next try (exponential backoff).
//!
//! A row is claimed for a while before sending, so two app processes never send the same
//! row at once; a crash after the SMTP server accepted but before `mark_sent` can send that
//! one email again after the claim lapses (at-least-once, the usual outbox trade-off).

use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::clock::Clock;
use crate::db::models::OutboxEmail;
use crate::db::{DbError, Pool, outbox};

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

/// Runs until the process ends.
pub async fn run(pool: Pool, clock: Clock, settings: DeliverySettings) {
    let mailer = match transport_builder(secrecy::ExposeSecret::expose_secret(&settings.smtp_url)) {
        Ok(builder) => builder.build(),
        Err(e) => {
            log::error!("SMTP_URL cannot be used, no email will be sent: {e}");
            return;
        }
    };
    loop {
        if let Err(e) = deliver_due(&pool, &clock, &mailer, &settings).await {
            log::error!("outbox delivery: {e}");
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

async fn deliver_due(
    pool: &Pool,
    clock: &Clock,
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &DeliverySettings,
) -> Result<(), DbError> {
    let now = clock.now();
    let ids = blocking(pool, move |conn| outbox::due_ids(conn, now, BATCH)).await?;
    for id in ids {
        let now = clock.now();
        let until = now + chrono::Duration::seconds(CLAIM_SECONDS);
        let Some(email) = blocking(pool, move |conn| outbox::claim(conn, id, now, until)).await?
        else {
            continue;
        };
        match send(mailer, &settings.from, &email).await {
            Ok(()) => {
                let now = clock.now();
                blocking(pool, move |conn| outbox::mark_sent(conn, id, now)).await?;
                log::info!("email {id} sent to {}", email.to_address);
            }
            Err(error) => {
                let retry_at = retry_time(clock.now(), email.attempts + 1, settings.retry_base);
                log::warn!(
                    "email {id} to {} failed (attempt {}): {error}",
                    email.to_address,
                    email.attempts + 1
                );
                blocking(pool, move |conn| {
                    outbox::mark_failed(conn, id, &error, retry_at)
                })
                .await?;
            }
        }
    }
    Ok(())
}

fn retry_time(now: NaiveDateTime, attempts: i32, base: Duration) -> NaiveDateTime {
    let factor = 2u32.saturating_pow((attempts - 1).clamp(0, 20) as u32);
    let wait = base
        .saturating_mul(factor)
        .min(Duration::from_secs(6 * 3600));
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6))
}

async fn send(
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    email: &OutboxEmail,
) -> Result<(), String> {
    let to: Mailbox = email
        .to_address
        .parse()
        .map_err(|e| format!("bad address: {e}"))?;
    let message = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.text_body.clone(),
            email.html_body.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))?;
    mailer
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
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
