//! Background work started by requests or timers: imports, campaign sending, reply polling, invitation reminders.

pub mod campaign_sender;
pub mod imports;
pub mod invitation_reminders;
pub mod reply_poller;
