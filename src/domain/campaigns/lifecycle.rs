//! A campaign's life: pause and resume, and what each status allows (launch is in
//! `launch`, archive and delete in `archive`). Only the owner does these.

use chrono::NaiveDateTime;

use super::editor::owned_by;
use super::launch::add_new_recipients;
use super::sending::sender_owner;
use crate::db::models::User;
use crate::db::values::{ActivityKind, CampaignStatus};
use crate::db::{AnyConnection, campaigns as db};
use crate::domain::policy;
use crate::domain::team::record_activity;
use crate::domain::{DomainResult, invalid};
use crate::text::count;

/// What a campaign's status allows; stored as `db::values::CampaignStatus`.
impl CampaignStatus {
    /// Steps and settings may change: before the launch, or while paused.
    pub fn is_editable(self) -> bool {
        matches!(self, CampaignStatus::Draft | CampaignStatus::Paused)
    }

    /// Launching, and removing steps (no recipient can be on one yet): a draft only.
    pub fn is_draft(self) -> bool {
        self == CampaignStatus::Draft
    }

    /// Pausing: an active campaign only.
    pub fn may_pause(self) -> bool {
        self == CampaignStatus::Active
    }

    /// Resuming: a paused campaign only.
    pub fn may_resume(self) -> bool {
        self == CampaignStatus::Paused
    }
}

/// Pauses an active campaign: no email of it is claimed until `resume`; recorded in Team
/// activity; returns the flash message. Refusals: `Invalid` when it is not active, and the access refusals of
/// `update_settings`.
pub fn pause(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    crate::db::write_transaction(conn, |conn| {
        if !db::set_status(
            conn,
            campaign.id,
            &[CampaignStatus::Active],
            CampaignStatus::Paused,
            "Paused by you.",
        )? {
            return invalid("Only an active campaign can be paused.");
        }
        let detail = format!("“{}”", campaign.name);
        record_activity(conn, user.id, ActivityKind::Paused, "", &detail, now)?;
        Ok("Paused. No more emails go out until you resume.".into())
    })
}

/// Resumes a paused campaign, adding prospects that joined its list meanwhile with launch's
/// skip reasons (`launch::add_new_recipients`), recorded in Team activity; returns the flash
/// message ("Resumed, with 1 new recipient. 1 skipped: 1 invalid."). Refusals: `Invalid` when it is not paused, the
/// sender refusal of `policy::may_send_from`, `Forbidden` when its owner's launches need
/// approval and it is not approved (`policy::may_launch`), and the access refusals of `pause`.
pub fn resume(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    // A campaign moved from another member has no sender until its new owner chooses one.
    let sender_owner = sender_owner(conn, &campaign)?;
    policy::may_send_from(campaign.owner_id, sender_owner, "resuming")?;
    if let Some(refusal) = super::sending::sender_refusal(conn, &campaign)? {
        return invalid(format!(
            "Its sender account was refused by its mail server: {refusal} Fix the sender account under Sender accounts first."
        ));
    }
    crate::db::write_transaction(conn, |conn| {
        super::approval::check_may_launch(conn, &campaign, now)?;
        if !db::set_status(
            conn,
            campaign.id,
            &[CampaignStatus::Paused],
            CampaignStatus::Active,
            "",
        )? {
            return invalid("Only a paused campaign can be resumed.");
        }
        let (added, skipped) = add_new_recipients(conn, &campaign, now)?;
        let detail = format!("“{}”", campaign.name);
        record_activity(conn, user.id, ActivityKind::Resumed, "", &detail, now)?;
        let mut message = if added > 0 {
            format!(
                "Resumed, with {}.",
                count(added, "new recipient", "new recipients")
            )
        } else {
            "Resumed.".into()
        };
        if skipped.total() > 0 {
            message.push_str(&format!(" {}.", skipped.summary()));
        }
        Ok(message)
    })
}
