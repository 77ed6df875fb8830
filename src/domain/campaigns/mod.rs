//! Email drip campaigns: creating and editing a campaign and its steps (`editor`), launch,
//! pause and resume (`lifecycle`), the campaign pages (`views`), placeholders and the
//! email body with tracked links, sender accounts (`senders`), which outbound hosts may be
//! reached (`outbound`), the sending job's rules (`sending`: claims; `outcomes`: what an
//! SMTP call's outcome changes), opens, clicks and replies (`events`), the owners' hourly
//! reply digest (`reply_digest`) and Team statistics (`statistics`).

mod editor;
mod email_body;
pub mod events;
mod lifecycle;
pub mod outbound;
pub mod outcomes;
mod placeholders;
pub mod reply_digest;
pub mod senders;
pub mod sending;
pub mod statistics;
mod views;

pub use editor::{
    CampaignName, CampaignSettings, StepInput, add_step, create, delete_step, update_settings,
    update_step,
};
pub use lifecycle::{launch, pause, resume};
pub use views::{CampaignView, CampaignsPage, RecipientRow, campaigns_page, view};
