//! Sends due invitation reminders every few minutes, each in a task of its own: a reminder
//! that fails or panics is recorded as not sent (`reminders::record_failure`) and the others
//! still go out.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use chrono::NaiveDateTime;
use futures_util::FutureExt;

use crate::clock::Clock;
use crate::db::Pool;
use crate::domain::team::reminders::{self, DueReminder};
use crate::domain::{DomainError, DomainResult};

/// Runs a round every `every` until the process ends; a round that fails or panics is
/// logged and the next one starts as usual.
pub async fn run(pool: Pool, clock: Clock, base_url: String, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let round = tick(&pool, &base_url, clock.now());
        match AssertUnwindSafe(round).catch_unwind().await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => log::info!("{n} invitation reminder(s) queued"),
            Ok(Err(e)) => log::error!("invitation reminders: {e}"),
            Err(panic) => log::error!(
                "invitation reminders: the round panicked: {}",
                crate::jobs::panic_text(&*panic)
            ),
        }
    }
}

use super::blocking;

/// One round: lists the due reminders, then sends each on its own blocking task with its
/// own connection (a panic ends only that task, and its connection is discarded). Returns
/// how many were queued; `Err` only when the due reminders could not be listed.
pub async fn tick(pool: &Pool, base_url: &str, now: NaiveDateTime) -> DomainResult<usize> {
    let due = blocking(pool, move |conn| reminders::due(conn, now)).await?;
    let mut sent = 0;
    for reminder in due {
        let (one, base) = (reminder.clone(), base_url.to_string());
        match blocking(pool, move |conn| {
            reminders::send_one(conn, &one, &base, now)
        })
        .await
        {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(error) => record(pool, reminder, error, now).await,
        }
    }
    Ok(sent)
}

async fn record(pool: &Pool, reminder: DueReminder, error: DomainError, now: NaiveDateTime) {
    let id = reminder.invitation.id;
    log::warn!("reminder for invitation {id} not sent: {error}");
    let recorded = blocking(pool, move |conn| {
        reminders::record_failure(conn, &reminder, &error, now)
    })
    .await;
    if let Err(e) = recorded {
        log::error!("reminder for invitation {id}: the failure could not be recorded: {e}");
    }
}
