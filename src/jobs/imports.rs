//! Runs a queued CSV import on a blocking thread, so the request that queued it returns at
//! once and the import page shows progress.

use crate::clock::Clock;
use crate::db::Pool;
use crate::domain::csv_import;

pub fn spawn(pool: Pool, clock: Clock, import_id: i64) {
    tokio::task::spawn_blocking(move || {
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                log::error!("import {import_id} could not start: {e}");
                return;
            }
        };
        if let Err(e) = csv_import::run(&mut conn, import_id, || clock.now()) {
            log::warn!("import {import_id} ended without importing: {e}");
        }
    });
}
