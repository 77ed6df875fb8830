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
