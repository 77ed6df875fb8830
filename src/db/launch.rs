//! Queries for launching a campaign: the list's prospects with their verification, the
//! recipients made from them (sent to or skipped), and the skipped ones counted by reason.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::bulk::{BATCH, insert_batch};
use super::schema::{campaign_recipients, prospects};
use super::values::{RecipientStatus, SkipReason, Verdict};
use super::{AnyConnection, DbError};

/// A prospect of the campaign's list, as launch judges it.
pub struct Candidate {
    pub prospect_id: i64,
    pub email: String,
    /// Its verification result; `None` when never verified.
    pub verification: Option<Verdict>,
}

/// Every prospect of list `list_id`, in the order they were added.
pub fn candidates(conn: &mut AnyConnection, list_id: i64) -> Result<Vec<Candidate>, DbError> {
    let rows = prospects::table
        .filter(prospects::list_id.eq(list_id))
        .order(prospects::id)
        .select((prospects::id, prospects::email, prospects::verification))
        .load(conn)?;
    Ok(as_candidates(rows))
}

/// The prospects of list `list_id` that are not yet recipients of the campaign (they joined
/// the list after its launch), in the order they were added.
pub fn new_candidates(
    conn: &mut AnyConnection,
    campaign_id: i64,
    list_id: i64,
) -> Result<Vec<Candidate>, DbError> {
    let existing = campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .select(campaign_recipients::prospect_id);
    let rows = prospects::table
        .filter(prospects::list_id.eq(list_id))
        .filter(prospects::id.ne_all(existing))
        .order(prospects::id)
        .select((prospects::id, prospects::email, prospects::verification))
        .load(conn)?;
    Ok(as_candidates(rows))
}

fn as_candidates(rows: Vec<(i64, String, Option<Verdict>)>) -> Vec<Candidate> {
    rows.into_iter()
        .map(|(prospect_id, email, verification)| Candidate {
            prospect_id,
            email,
            verification,
        })
        .collect()
}

/// Makes each candidate a recipient of the campaign, `BATCH` rows per statement: due at
/// `due` when its skip reason is `None`, else `Skipped` with that reason and never due.
pub fn insert_recipients(
    conn: &mut AnyConnection,
    campaign_id: i64,
    recipients: &[(Candidate, Option<SkipReason>)],
    now: NaiveDateTime,
    due: NaiveDateTime,
) -> Result<(), DbError> {
    for chunk in recipients.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(candidate, skipped)| {
                let (status, due) = match skipped {
                    None => (RecipientStatus::Active, Some(due)),
                    Some(_) => (RecipientStatus::Skipped, None),
                };
                (
                    campaign_recipients::campaign_id.eq(campaign_id),
                    campaign_recipients::prospect_id.eq(candidate.prospect_id),
                    campaign_recipients::email.eq(&candidate.email),
                    campaign_recipients::status.eq(status),
                    campaign_recipients::skip_reason.eq(*skipped),
                    campaign_recipients::next_due_at.eq(due),
                    campaign_recipients::created_at.eq(now),
                )
            })
            .collect();
        insert_batch!(&mut *conn, campaign_recipients::table, values)?;
    }
    Ok(())
}

/// The campaign's skipped recipients counted per reason.
pub fn skip_counts(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<Vec<(SkipReason, i64)>, DbError> {
    Ok(campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::status.eq(RecipientStatus::Skipped))
        .filter(campaign_recipients::skip_reason.is_not_null())
        .group_by(campaign_recipients::skip_reason)
        .select((
            campaign_recipients::skip_reason.assume_not_null(),
            count_star(),
        ))
        .load::<(SkipReason, i64)>(conn)?)
}
