//! Background work started by requests or timers: imports, campaign sending, reply polling.

pub mod campaign_sender;
pub mod imports;
pub mod reply_poller;
