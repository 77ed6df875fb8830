//! Putting a campaign away: archive (hidden from the campaign list, never sent, its history
//! and Team statistics kept), restore it, and delete a draft that was never launched. Only
//! the owner does these (`policy`, through `editor::owned`).

use chrono::NaiveDateTime;

use super::editor::owned_by;
use crate::db::models::{Campaign, User};
use crate::db::values::CampaignStatus;
use crate::db::{AnyConnection, campaigns as db};
use crate::domain::{DomainResult, invalid};

impl CampaignStatus {
    /// Archived: hidden from the list, shown under "Archived"; nothing of it is sent.
    pub fn is_archived(self) -> bool {
        self == CampaignStatus::Archived
    }
}

/// Whether `campaign` may be deleted: it was never launched (a draft, archived or not).
pub fn may_delete(campaign: &Campaign) -> bool {
    campaign.launched_at.is_none()
        && matches!(
            campaign.status,
            CampaignStatus::Draft | CampaignStatus::Archived
        )
}

const NOT_DELETABLE: &str =
    "Only a campaign that was never launched can be deleted; archive this one instead.";

/// Archives campaign `id`; returns the flash message. An active campaign stops at once:
/// the sender claims emails of active campaigns only, and due retries wait. Refusals:
/// `Invalid` when it is archived already, `NotFound` / `Forbidden` for a campaign that is
/// not the viewer's.
pub fn archive(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    let from = [
        CampaignStatus::Draft,
        CampaignStatus::Active,
        CampaignStatus::Paused,
    ];
    if !db::set_status(conn, campaign.id, &from, CampaignStatus::Archived, "")? {
        return invalid("This campaign is archived already.");
    }
    Ok(if campaign.launched_at.is_some() {
        "Archived. It is paused and hidden from the campaign list.".into()
    } else {
        "Archived. It is hidden from the campaign list.".into()
    })
}

/// Restores an archived campaign to the list: paused when it was launched (its owner
/// resumes it), else a draft; returns the flash message. Refusals: `Invalid` when it is not
/// archived, and those of `archive`.
pub fn unarchive(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = owned_by(conn, user, id, now)?;
    let (to, message) = if campaign.launched_at.is_some() {
        (
            CampaignStatus::Paused,
            "Restored from the archive. It is paused: resume it to send again.",
        )
    } else {
        (
            CampaignStatus::Draft,
            "Restored from the archive as a draft.",
        )
    };
    if !db::set_status(conn, campaign.id, &[CampaignStatus::Archived], to, "")? {
        return invalid("This campaign is not archived.");
    }
    Ok(message.into())
}

/// The campaign whose deletion the confirmation page asks about. Refusals: `Invalid` when
/// it was launched (archive it instead), and those of `archive`.
pub fn draft_to_delete(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<Campaign> {
    let campaign = owned_by(conn, user, id, now)?;
    if !may_delete(&campaign) {
        return invalid(NOT_DELETABLE);
    }
    Ok(campaign)
}

/// Deletes a campaign that was never launched, with its steps; returns the flash message.
/// Refusals: as `draft_to_delete` (also when a launch won the race).
pub fn delete_draft(
    conn: &mut AnyConnection,
    user: &User,
    id: i64,
    now: NaiveDateTime,
) -> DomainResult<String> {
    let campaign = draft_to_delete(conn, user, id, now)?;
    if !db::delete_draft(conn, campaign.id)? {
        return invalid(NOT_DELETABLE);
    }
    Ok(format!("Deleted the draft “{}”.", campaign.name))
}
