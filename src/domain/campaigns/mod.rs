//! Email drip campaigns: creating and editing a campaign and its steps (`editor`), the
//! campaign pages (`views`), placeholders and the email body with tracked links, sender
//! accounts (`senders`), which outbound hosts may be reached (`outbound`), the sending
//! job's rules (`sending`) and Team statistics (`statistics`).

mod editor;
mod email_body;
pub mod outbound;
mod placeholders;
pub mod senders;
pub mod sending;
pub mod statistics;
mod views;

pub use editor::{
    CampaignName, CampaignSettings, StepInput, add_step, create, delete_step, launch, pause,
    resume, update_settings, update_step,
};
pub use views::{CampaignView, CampaignsPage, RecipientRow, campaigns_page, view};
