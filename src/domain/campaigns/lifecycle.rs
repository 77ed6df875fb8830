//! A campaign's life: launch (a draft becomes active and its list's prospects become
//! recipients), pause and resume; what each status allows. Only the owner does these.

use chrono::NaiveDateTime;

use super::editor::owned;
use super::sending::sender_owner;
use crate::db::models::User;
use crate::db::values::CampaignStatus;
use crate::db::{AnyConnection, campaigns as db};
use crate::domain::policy;
use crate::domain::prospects::Viewer;
use crate::domain::{DomainError, DomainResult, invalid};
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

/// Launches a draft: every prospect of its list becomes a recipient due now; returns the
/// flash message. Refusals: `AlreadyUsed` when it was launched before (also when two clicks
/// race: the status change decides), `Invalid` without steps or with an empty list, and the
/// access refusals of `update_settings`.
pub fn launch(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let campaign = owned(conn, &viewer, id)?;
    if !campaign.status.is_draft() {
        return Err(DomainError::AlreadyUsed(
            "This campaign has already been launched.".into(),
        ));
    }
    if db::steps(conn, campaign.id)?.is_empty() {
        return invalid("Add at least one step before launching.");
    }
    let sender_owner = sender_owner(conn, &campaign)?;
    policy::may_send_from(campaign.owner_id, sender_owner, "launching")?;
    crate::db::write_transaction(conn, |conn| {
        let added = db::add_recipients(conn, campaign.id, campaign.list_id, now)?;
        if added == 0 {
            return invalid("The campaign's prospect list is empty. Add prospects first.");
        }
        if !db::set_status(
            conn,
            campaign.id,
            &[CampaignStatus::Draft],
            CampaignStatus::Active,
            "",
        )? {
            return Err(DomainError::AlreadyUsed(
                "This campaign has already been launched.".into(),
            ));
        }
        db::set_launched(conn, campaign.id, now)?;
        Ok(format!(
            "Launched: {}. Emails go out in the background.",
            count(added, "recipient", "recipients")
        ))
    })
}

/// Pauses an active campaign: no email of it is claimed until `resume`; returns the flash
/// message. Refusals: `Invalid` when it is not active, and the access refusals of
/// `update_settings`.
pub fn pause(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let campaign = owned(conn, &viewer, id)?;
    if !db::set_status(
        conn,
        campaign.id,
        &[CampaignStatus::Active],
        CampaignStatus::Paused,
        "Paused by you.",
    )? {
        return invalid("Only an active campaign can be paused.");
    }
    Ok("Paused. No more emails go out until you resume.".into())
}

/// Resumes a paused campaign, adding prospects that joined its list meanwhile.
pub fn resume(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let viewer = Viewer::load(conn, user, now)?;
    let campaign = owned(conn, &viewer, id)?;
    // A campaign moved from another member has no sender until its new owner chooses one.
    let sender_owner = sender_owner(conn, &campaign)?;
    policy::may_send_from(campaign.owner_id, sender_owner, "resuming")?;
    crate::db::write_transaction(conn, |conn| {
        if !db::set_status(
            conn,
            campaign.id,
            &[CampaignStatus::Paused],
            CampaignStatus::Active,
            "",
        )? {
            return invalid("Only a paused campaign can be resumed.");
        }
        let added = db::add_recipients(conn, campaign.id, campaign.list_id, now)?;
        Ok(if added > 0 {
            format!(
                "Resumed, with {} new.",
                count(added, "recipient", "recipients")
            )
        } else {
            "Resumed.".into()
        })
    })
}
