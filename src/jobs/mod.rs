//! Background work started by requests or timers: imports, list verification, campaign sending, reply polling, invitation reminders.

pub mod campaign_sender;
pub mod imports;
pub mod invitation_reminders;
pub mod reply_poller;
pub mod verifications;

/// The message of a caught panic (`&str` or `String` payloads), for the log.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into())
}

/// Runs `work` on a pooled connection on tokio's blocking threads, off the async workers.
/// A panic in `work` ends only that task and comes back as `DomainError::Internal` with
/// the panic's message (its connection is discarded by the pool).
pub async fn blocking<T: Send + 'static>(
    pool: &crate::db::Pool,
    work: impl FnOnce(&mut crate::db::AnyConnection) -> crate::domain::DomainResult<T> + Send + 'static,
) -> crate::domain::DomainResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get().map_err(crate::db::DbError::from)?))
        .await
        .map_err(|e| {
            let cause = e
                .try_into_panic()
                .map_or_else(|e| e.to_string(), |p| panic_text(&*p));
            crate::domain::DomainError::Internal(format!("background task: {cause}"))
        })?
}
