//! The reply poller: reads each sender account's IMAP inbox for answers to our emails.

use std::time::Duration;

use crate::clock::Clock;
use crate::crypto::SecretBox;
use crate::db::{DbError, Pool, senders};
use crate::domain::{DomainError, DomainResult, sending};
use crate::mailboxes;

pub async fn run(pool: Pool, clock: Clock, secrets: SecretBox, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(e) = tick(&pool, &clock, &secrets).await {
            log::error!("reply poller: {e}");
        }
    }
}

/// Polls every sender account once; returns how many replies were found.
pub async fn tick(pool: &Pool, clock: &Clock, secrets: &SecretBox) -> DomainResult<usize> {
    let p = pool.clone();
    let accounts = tokio::task::spawn_blocking(move || {
        Ok::<_, DomainError>(senders::with_imap(&mut *p.get().map_err(DbError::from)?)?)
    })
    .await
    .map_err(|e| DomainError::Internal(e.to_string()))??;
    let mut found = 0;
    for account in accounts {
        let (_, imap) = match crate::domain::senders::servers(secrets, &account) {
            Ok(servers) => servers,
            Err(e) => {
                log::error!("sender account {}: {e}", account.id);
                continue;
            }
        };
        let after = u32::try_from(account.imap_last_uid).unwrap_or(0);
        match mailboxes::fetch_replies(&imap, after).await {
            Ok(inbox) if inbox.is_empty() => {}
            Ok(inbox) => {
                let (p, now, id) = (pool.clone(), clock.now(), account.id);
                found += tokio::task::spawn_blocking(move || {
                    sending::record_replies(&mut *p.get().map_err(DbError::from)?, id, &inbox, now)
                })
                .await
                .map_err(|e| DomainError::Internal(e.to_string()))??;
            }
            Err(e) => log::warn!("IMAP of sender account {} ({:?}): {e}", account.id, imap),
        }
    }
    Ok(found)
}
