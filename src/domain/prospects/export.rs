//! CSV export of a prospect list: the plan (who may, which columns) and batches of rows,
//! so that the web layer can stream a large list without holding it in memory.

use chrono::NaiveDateTime;

use super::lists::list_for;
use crate::db::models::{CustomField, ProspectList, User};
use crate::db::values::ActivityKind;
use crate::db::{AnyConnection, prospects as db};
use crate::domain::DomainResult;
use crate::domain::policy::RecordAction;
use crate::domain::prospects::Viewer;
use crate::domain::team::record_activity;
use crate::text::count;

/// What an export writes: the list and the owner's custom fields as extra columns.
pub struct ExportPlan {
    pub list: ProspectList,
    pub fields: Vec<CustomField>,
}

impl ExportPlan {
    /// The CSV header: the standard columns (the time zone as `timezone`, which the import
    /// recognises), the verification result, then the owner's custom fields by name.
    pub fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = [
            "email",
            "first_name",
            "last_name",
            "company",
            "position",
            "timezone",
            "verification",
        ]
        .map(String::from)
        .to_vec();
        header.extend(self.fields.iter().map(|f| f.name.clone()));
        header
    }
}

/// What an export of list `list_id` writes, recorded in Team activity (who, which list, how
/// many rows). Refusals: `NotFound` for a list the viewer may not see (or none), `Forbidden`
/// when their team leader switched their export off.
pub fn plan_export(
    conn: &mut AnyConnection,
    user: &User,
    list_id: i64,
    now: NaiveDateTime,
) -> DomainResult<ExportPlan> {
    let viewer = Viewer::load(conn, user, now)?;
    let list = list_for(conn, &viewer, list_id, RecordAction::Export)?;
    let rows = db::count_in_list(conn, list.id)?;
    let detail = format!("list “{}”: {}", list.name, count(rows, "row", "rows"));
    record_activity(conn, user.id, ActivityKind::Exported, "", &detail, now)?;
    Ok(ExportPlan {
        fields: db::fields_of(conn, list.owner_id)?,
        list,
    })
}

/// Prospects read per batch of an export (bounds its memory).
pub const EXPORT_BATCH: i64 = 1000;

/// The next batch of CSV records after prospect `after`, and the id to continue after.
pub fn export_batch(
    conn: &mut AnyConnection,
    plan: &ExportPlan,
    after: i64,
) -> DomainResult<(Vec<Vec<String>>, Option<i64>)> {
    let batch = db::prospects_page(conn, plan.list.id, after, EXPORT_BATCH)?;
    let Some(last) = batch.last().map(|p| p.id) else {
        return Ok((Vec::new(), None));
    };
    let ids: Vec<i64> = batch.iter().map(|p| p.id).collect();
    let mut values: std::collections::HashMap<(i64, i64), String> =
        std::collections::HashMap::new();
    for (prospect_id, field_id, value) in db::values_for(conn, &ids)? {
        values.insert((prospect_id, field_id), value);
    }
    let rows = batch
        .into_iter()
        .map(|p| {
            let mut row = vec![
                p.email,
                p.first_name,
                p.last_name,
                p.company,
                p.position,
                p.timezone,
                p.verification.map_or_else(String::new, |v| v.to_string()),
            ];
            row.extend(
                plan.fields
                    .iter()
                    .map(|f| values.remove(&(p.id, f.id)).unwrap_or_default()),
            );
            row
        })
        .collect();
    Ok((rows, Some(last)))
}
