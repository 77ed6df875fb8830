//! Background work started by requests or timers: imports, campaign sending, reply polling, invitation reminders.

pub mod campaign_sender;
pub mod imports;
pub mod invitation_reminders;
pub mod reply_poller;

/// The message of a caught panic (`&str` or `String` payloads), for the log.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into())
}
