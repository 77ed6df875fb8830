//! Queries on prospect lists, prospects, custom fields and their values.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::ids::UserId;
use super::models::{CustomField, Prospect, ProspectFields, ProspectList};
use super::schema::{custom_fields, prospect_field_values, prospect_lists, prospects};
use super::values::Verdict;
use super::{AnyConnection, DbError};

pub fn insert_list(
    conn: &mut AnyConnection,
    owner_id: UserId,
    name: &str,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(prospect_lists::table)
        .values((
            prospect_lists::owner_id.eq(owner_id),
            prospect_lists::name.eq(name),
            prospect_lists::created_at.eq(now),
        ))
        .returning(prospect_lists::id)
        .get_result(conn)?)
}

pub fn list_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<ProspectList>, DbError> {
    Ok(prospect_lists::table
        .find(id)
        .select(ProspectList::as_select())
        .first(conn)
        .optional()?)
}

/// The owner's lists, newest first, each with its number of prospects.
pub fn lists_of(
    conn: &mut AnyConnection,
    owner_id: UserId,
) -> Result<Vec<(ProspectList, i64)>, DbError> {
    let lists: Vec<ProspectList> = prospect_lists::table
        .filter(prospect_lists::owner_id.eq(owner_id))
        .order(prospect_lists::id.desc())
        .select(ProspectList::as_select())
        .load(conn)?;
    let counts: HashMap<i64, i64> = prospects::table
        .filter(prospects::owner_id.eq(owner_id))
        .group_by(prospects::list_id)
        .select((prospects::list_id, count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(lists
        .into_iter()
        .map(|list| {
            let n = counts.get(&list.id).copied().unwrap_or(0);
            (list, n)
        })
        .collect())
}

pub fn rename_list(conn: &mut AnyConnection, id: i64, name: &str) -> Result<(), DbError> {
    diesel::update(prospect_lists::table.find(id))
        .set(prospect_lists::name.eq(name))
        .execute(conn)?;
    Ok(())
}

/// Deletes the list with its prospects and their values (foreign keys cascade).
pub fn delete_list(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(prospect_lists::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn count_in_list(conn: &mut AnyConnection, list_id: i64) -> Result<i64, DbError> {
    Ok(prospects::table
        .filter(prospects::list_id.eq(list_id))
        .count()
        .get_result(conn)?)
}

/// Up to `limit` prospects of the list with ids above `after_id`, in id order (keyset paging).
pub fn prospects_page(
    conn: &mut AnyConnection,
    list_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Prospect>, DbError> {
    Ok(prospects::table
        .filter(prospects::list_id.eq(list_id))
        .filter(prospects::id.gt(after_id))
        .order(prospects::id)
        .limit(limit)
        .select(Prospect::as_select())
        .load(conn)?)
}

pub fn prospect_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Prospect>, DbError> {
    Ok(prospects::table
        .find(id)
        .select(Prospect::as_select())
        .first(conn)
        .optional()?)
}

pub fn emails_in_list(conn: &mut AnyConnection, list_id: i64) -> Result<Vec<String>, DbError> {
    Ok(prospects::table
        .filter(prospects::list_id.eq(list_id))
        .select(prospects::email)
        .load(conn)?)
}

/// Adds a prospect owned by `owner_id`, who is also recorded as the one who added it
/// (`added_by`, which Team statistics count and a record transfer never moves).
pub fn insert_prospect(
    conn: &mut AnyConnection,
    list_id: i64,
    owner_id: UserId,
    fields: &ProspectFields,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(prospects::table)
        .values((
            fields,
            prospects::list_id.eq(list_id),
            prospects::owner_id.eq(owner_id),
            prospects::added_by.eq(owner_id),
            prospects::created_at.eq(now),
        ))
        .returning(prospects::id)
        .get_result(conn)?)
}

pub fn update_prospect(
    conn: &mut AnyConnection,
    id: i64,
    fields: &ProspectFields,
) -> Result<(), DbError> {
    diesel::update(prospects::table.find(id))
        .set(fields)
        .execute(conn)?;
    Ok(())
}

pub fn delete_prospect(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(prospects::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn set_verification(
    conn: &mut AnyConnection,
    id: i64,
    result: Verdict,
    detail: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(prospects::table.find(id))
        .set((
            prospects::verification.eq(result),
            prospects::verification_detail.eq(detail),
            prospects::verified_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn fields_of(conn: &mut AnyConnection, owner_id: UserId) -> Result<Vec<CustomField>, DbError> {
    Ok(custom_fields::table
        .filter(custom_fields::owner_id.eq(owner_id))
        .order(custom_fields::name)
        .select(CustomField::as_select())
        .load(conn)?)
}

pub fn field_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<CustomField>, DbError> {
    Ok(custom_fields::table
        .find(id)
        .select(CustomField::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_field(
    conn: &mut AnyConnection,
    owner_id: UserId,
    name: &str,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(custom_fields::table)
        .values((
            custom_fields::owner_id.eq(owner_id),
            custom_fields::name.eq(name),
            custom_fields::created_at.eq(now),
        ))
        .returning(custom_fields::id)
        .get_result(conn)?)
}

pub fn insert_value(
    conn: &mut AnyConnection,
    prospect_id: i64,
    field_id: i64,
    value: &str,
) -> Result<(), DbError> {
    diesel::insert_into(prospect_field_values::table)
        .values((
            prospect_field_values::prospect_id.eq(prospect_id),
            prospect_field_values::field_id.eq(field_id),
            prospect_field_values::value.eq(value),
        ))
        .execute(conn)?;
    Ok(())
}

/// A prospect's custom values with their field names, whoever defined the fields.
pub fn values_of(
    conn: &mut AnyConnection,
    prospect_id: i64,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(prospect_field_values::table
        .inner_join(custom_fields::table)
        .filter(prospect_field_values::prospect_id.eq(prospect_id))
        .order(custom_fields::name)
        .select((custom_fields::name, prospect_field_values::value))
        .load(conn)?)
}

/// (prospect id, field id, value) for these prospects.
pub fn values_for(
    conn: &mut AnyConnection,
    prospect_ids: &[i64],
) -> Result<Vec<(i64, i64, String)>, DbError> {
    Ok(prospect_field_values::table
        .filter(prospect_field_values::prospect_id.eq_any(prospect_ids))
        .select((
            prospect_field_values::prospect_id,
            prospect_field_values::field_id,
            prospect_field_values::value,
        ))
        .load(conn)?)
}

/// A column a list's prospects can be ordered by (a closed set: no user text reaches SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProspectOrder {
    Email,
    /// First name, then last name, case-insensitively.
    Name,
    /// Case-insensitively.
    Company,
    /// When the prospect was added.
    Added,
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

type Backend = <AnyConnection as Connection>::Backend;

/// The prospects of list `list_id` whose email, first name, last name, full name or company
/// contains `search`, both lowered by the database's `lower` (so case-insensitive the
/// same way on both sides), or all of them when `search` is empty.
fn matching(list_id: i64, search: &str) -> prospects::BoxedQuery<'static, Backend> {
    let query = prospects::table
        .filter(prospects::list_id.eq(list_id))
        .into_boxed();
    if search.is_empty() {
        return query;
    }
    let escaped: String = search
        .chars()
        .flat_map(|c| match c {
            '\\' | '%' | '_' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    let p = || lower(pattern.clone());
    query.filter(
        lower(prospects::email)
            .like(p())
            .escape('\\')
            .or(lower(prospects::first_name).like(p()).escape('\\'))
            .or(lower(prospects::last_name).like(p()).escape('\\'))
            .or(lower(
                prospects::first_name
                    .concat(" ")
                    .concat(prospects::last_name),
            )
            .like(p())
            .escape('\\'))
            .or(lower(prospects::company).like(p()).escape('\\')),
    )
}

/// How many prospects of the list match `search` (see `matching`).
pub fn count_matching(
    conn: &mut AnyConnection,
    list_id: i64,
    search: &str,
) -> Result<i64, DbError> {
    Ok(matching(list_id, search).count().get_result(conn)?)
}

/// Up to `limit` prospects of the list matching `search` after skipping `offset`, ordered
/// by `order` (`descending` or not), then by id in the same direction.
pub fn prospects_matching(
    conn: &mut AnyConnection,
    list_id: i64,
    search: &str,
    (order, descending): (ProspectOrder, bool),
    (offset, limit): (i64, i64),
) -> Result<Vec<Prospect>, DbError> {
    let query = matching(list_id, search);
    let query = match (order, descending) {
        (ProspectOrder::Email, false) => query.order(prospects::email.asc()),
        (ProspectOrder::Email, true) => query.order(prospects::email.desc()),
        (ProspectOrder::Name, false) => query
            .order(lower(prospects::first_name).asc())
            .then_order_by(lower(prospects::last_name).asc()),
        (ProspectOrder::Name, true) => query
            .order(lower(prospects::first_name).desc())
            .then_order_by(lower(prospects::last_name).desc()),
        (ProspectOrder::Company, false) => query.order(lower(prospects::company).asc()),
        (ProspectOrder::Company, true) => query.order(lower(prospects::company).desc()),
        (ProspectOrder::Added, false) => query.order(prospects::created_at.asc()),
        (ProspectOrder::Added, true) => query.order(prospects::created_at.desc()),
    };
    let query = if descending {
        query.then_order_by(prospects::id.desc())
    } else {
        query.then_order_by(prospects::id.asc())
    };
    Ok(query
        .offset(offset)
        .limit(limit)
        .select(Prospect::as_select())
        .load(conn)?)
}

/// The custom fields (id, name) holding a value for some prospect of the list, by name.
pub fn fields_in_list(
    conn: &mut AnyConnection,
    list_id: i64,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(prospect_field_values::table
        .inner_join(custom_fields::table)
        .inner_join(prospects::table)
        .filter(prospects::list_id.eq(list_id))
        .select((custom_fields::id, custom_fields::name))
        .distinct()
        .order((custom_fields::name, custom_fields::id))
        .load(conn)?)
}
