//! Email drip campaigns: creating and editing a campaign and its steps (`editor`), launch
//! with its confirmation and skip reasons (`launch`), the leader's launch approval
//! (`approval`), pause and resume (`lifecycle`),
//! archive, restore and deleting a draft (`archive`), restarting recipients finished by a
//! record transfer (`handover`), the campaign pages (`views`), placeholders and the
//! email body with tracked links, sender accounts (`senders`) and whether their domain's
//! SPF, DMARC and DKIM records are ready (`domain_readiness`), which outbound hosts may be
//! reached (`outbound`), the sending job's rules (`sending`: claims; `pacing`: a mailbox's
//! pause and daily limit; `mailbox_queue`: campaigns sharing a mailbox take turns;
//! `compose`: building an
//! email; `threading`: follow-ups in the same thread, RFC 5322 §3.6.4; `outcomes`: what an
//! SMTP call's outcome changes; `bounces`: what a bounce changes; `refusals`: whom an SMTP
//! refusal is about; `unsubscribe`: one-click unsubscribe, RFC 8058), opens, clicks,
//! replies, auto-replies and inbox bounces (`events`, told apart by `incoming`), a reply
//! pausing the team's sequences to that company (`company_pause`), one owner of a
//! conversation in a team (`contacting`), the owners' hourly
//! reply digest (`reply_digest`), sending schedules (`schedule`: the pure rules; `windows`:
//! a campaign's schedule, the owner's zone, "Launch at", why an email waits), Team
//! statistics (`statistics`) and "Send a test email to myself" (`test_email`).

mod approval;
mod archive;
pub mod bounces;
pub mod company_pause;
pub mod compose;
pub mod contacting;
pub mod domain_readiness;
mod editor;
mod email_body;
pub mod events;
mod handover;
pub mod incoming;
mod launch;
mod lifecycle;
mod mailbox_queue;
pub mod outbound;
pub mod outcomes;
pub mod pacing;
mod placeholders;
mod recipient_rows;
pub mod refusals;
pub mod reply_digest;
pub mod schedule;
pub mod senders;
pub mod sending;
pub mod statistics;
mod step_input;
mod test_email;
pub mod threading;
pub mod unsubscribe;
mod views;
pub mod windows;

pub use approval::{
    ApprovalState, ApprovalStatus, ApprovalView, approval_view, approve, reject, request_approval,
};
pub use archive::{archive, delete_draft, draft_to_delete, unarchive};
pub use editor::{
    CampaignName, CampaignSettings, add_step, create, delete_step, update_settings, update_step,
};
pub use handover::restart_in_new_thread;
pub use launch::{LaunchPlan, SkipReason, Skipped, launch, launch_plan, launch_with};
pub use lifecycle::{pause, resume};
pub use recipient_rows::RecipientRow;
pub use step_input::StepInput;
pub use test_email::{TestEmailRequest, prepare as prepare_test_email, send as send_test_email};
pub use views::{CampaignView, CampaignsPage, campaigns_page, view};
