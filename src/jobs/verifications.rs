//! Runs the queued and unfinished list verifications (`domain::prospects::verification_run`)
//! a batch at a time: started with the app (so a run a restart cut short resumes) and every
//! `VERIFY_POLL_SECS` after. Several rounds (app processes) may run one list at once: each
//! batch is stored only by the round that moves the run past it, so nothing is verified or
//! paid for twice.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use futures_util::FutureExt;

use crate::db::Pool;
use crate::domain::DomainError;
use crate::domain::prospects::verification::MxResolver;
use crate::domain::prospects::verification_run;

/// Runs a round, then waits `every`, forever. A round that panics is logged and the next
/// one runs as usual (its run resumes after its last stored batch).
pub async fn run(
    pool: Pool,
    clock: Clock,
    resolver: Arc<dyn MxResolver>,
    every: Duration,
    batch: usize,
) {
    loop {
        let round = run_round(&pool, &clock, resolver.as_ref(), batch, None);
        if let Err(panic) = AssertUnwindSafe(round).catch_unwind().await {
            log::error!(
                "verifications: a round panicked: {}",
                super::panic_text(&*panic)
            );
        }
        tokio::time::sleep(every).await;
    }
}

/// One round: every unfinished run, oldest first, `batch` addresses at a time, until each
/// ends, or until `max_batches` batches in all when given (tests stop a round between
/// batches that way, as a restart would). Returns the batches stored. An error is logged
/// and leaves its run to the next round.
pub async fn run_round(
    pool: &Pool,
    clock: &Clock,
    resolver: &dyn MxResolver,
    batch: usize,
    max_batches: Option<usize>,
) -> usize {
    let ids = {
        let pool = pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(crate::db::DbError::from)?;
            verification_run::unfinished(&mut conn)
        })
        .await
    };
    let ids = match ids.map_err(|e| DomainError::Internal(e.to_string())) {
        Ok(Ok(ids)) => ids,
        Ok(Err(e)) | Err(e) => {
            log::error!("verifications: the queue could not be read: {e}");
            return 0;
        }
    };
    let mut stored = 0;
    for id in ids {
        loop {
            if max_batches.is_some_and(|max| stored >= max) {
                return stored;
            }
            match verification_run::run_batch(pool, resolver, id, batch, || clock.now()).await {
                Ok(true) => stored += 1,
                Ok(false) => break,
                Err(e) => {
                    log::error!("verification run {id}: a batch failed, to be resumed: {e}");
                    break;
                }
            }
        }
    }
    stored
}
