//! Sends due invitation reminders every few minutes.

use std::time::Duration;

use crate::clock::Clock;
use crate::db::{DbError, Pool};
use crate::domain::{DomainError, reminders};

pub async fn run(pool: Pool, clock: Clock, base_url: String, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let (pool, now, base_url) = (pool.clone(), clock.now(), base_url.clone());
        let result = tokio::task::spawn_blocking(move || {
            reminders::send_reminders(&mut *pool.get().map_err(DbError::from)?, &base_url, now)
        })
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))
        .and_then(|r| r);
        match result {
            Ok(0) => {}
            Ok(n) => log::info!("{n} invitation reminder(s) queued"),
            Err(e) => log::error!("invitation reminders: {e}"),
        }
    }
}
