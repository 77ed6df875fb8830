//! Runs queued CSV imports on a blocking thread, so the request that queued one returns at
//! once and the import page shows progress.
//!
//! Each import runs on its own: an error or a panic in one ends that import as failed with
//! a reason ("Nothing was imported: …", never left "running"), and the round goes on with
//! the next one. Several rounds (requests, app processes) may run at once: each import is
//! claimed by a conditional update, so it runs once.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::clock::Clock;
use crate::db::{AnyConnection, DbError, Pool};
use crate::domain::prospects::import_run::{self, INTERNAL_FAILURE};
use crate::domain::{DomainError, DomainResult};

/// Starts a round ([`run_queued`]) in the background.
pub fn spawn(pool: Pool, clock: Clock) {
    tokio::task::spawn_blocking(move || run_queued(&pool, &clock));
}

/// One round: runs every queued import, oldest first, each guarded. Returns how many
/// imports it looked at. Blocking; call it from a blocking thread.
pub fn run_queued(pool: &Pool, clock: &Clock) -> usize {
    let ids = pool
        .get()
        .map_err(|e| DomainError::Db(DbError::from(e)))
        .and_then(|mut conn| import_run::queued(&mut conn));
    let ids = match ids {
        Ok(ids) => ids,
        Err(e) => {
            log::error!("imports: the queue could not be read: {e}");
            return 0;
        }
    };
    for &id in &ids {
        run_guarded(pool, clock, id, |conn| {
            import_run::run(conn, id, || clock.now())
        });
    }
    ids.len()
}

/// Runs `work` for import `import_id` on a connection of its own. An error is logged (the
/// work records its own failures); a panic is caught, logged, and the import, if still
/// running, recorded as failed with [`INTERNAL_FAILURE`]. The connection is dropped while
/// unwinding, so the pool discards it with any transaction the work left open.
pub fn run_guarded(
    pool: &Pool,
    clock: &Clock,
    import_id: i64,
    work: impl FnOnce(&mut AnyConnection) -> DomainResult<()>,
) {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> DomainResult<()> {
        let mut conn = pool.get().map_err(DbError::from)?;
        work(&mut conn)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => log::warn!("import {import_id} ended without importing: {e}"),
        Err(panic) => {
            let cause = super::panic_text(&*panic);
            log::error!("import {import_id} panicked: {cause}");
            let recorded = pool
                .get()
                .map_err(|e| DomainError::Db(DbError::from(e)))
                .and_then(|mut conn| {
                    import_run::fail(&mut conn, import_id, INTERNAL_FAILURE, clock.now())
                });
            if let Err(e) = recorded {
                log::error!("import {import_id}: the failure could not be recorded: {e}");
            }
        }
    }
}
