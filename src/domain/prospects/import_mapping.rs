//! Where each CSV column goes on import, as chosen on the mapping page and stored with the
//! import; the checks every mapping passes (when queued and again when run); and the guess
//! the page starts from.
//!
//! A mapping is structured data: a JSON array with one record per column, e.g.
//! `[{"to":"email"},{"to":"field","value":7},{"to":"new_field","value":"Booth"}]`. No
//! column's text can turn into another column or another target.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::db::ids::UserId;
use crate::db::models::CustomField;
use crate::db::{AnyConnection, prospects};
use crate::domain::{DomainError, DomainResult, invalid, policy};
use crate::mail::header_text;
use crate::text::count;

use super::import_errors::{self, quoted};

/// The longest custom field name, in characters.
pub const MAX_FIELD_NAME_CHARS: usize = 60;

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", content = "value", rename_all = "snake_case")]
pub enum Column {
    Skip,
    Email,
    FirstName,
    LastName,
    Company,
    Position,
    /// The prospect's IANA time zone (empty: none).
    TimeZone,
    /// One of the importer's own custom fields, by id.
    Field(i64),
    /// A new custom field of the importer, with this name.
    NewField(String),
}

/// A custom field's name, wherever one is created: trimmed, 1 to
/// [`MAX_FIELD_NAME_CHARS`] characters, and no line break, tab or other control character
/// (names become `{{placeholders}}` in subjects, so they are header-bound text:
/// `header_text::check`). Refusals are `DomainError::Invalid` with a message.
pub fn field_name(raw: &str) -> DomainResult<String> {
    header_text::check(raw, "A custom field name")?;
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 {
        return invalid(format!(
            "Name the new custom field (1 to {MAX_FIELD_NAME_CHARS} characters)."
        ));
    }
    if chars > MAX_FIELD_NAME_CHARS {
        return invalid(format!(
            "The new custom field name {} is longer than {MAX_FIELD_NAME_CHARS} characters (it has {chars}).",
            quoted(name)
        ));
    }
    Ok(name.to_string())
}

impl Column {
    /// From the mapping form: a choice and, for a new field, its name as typed (`check`
    /// checks it with [`field_name`], naming the column).
    pub fn parse(choice: &str, new_name: &str) -> DomainResult<Self> {
        Ok(match choice {
            "skip" => Column::Skip,
            "email" => Column::Email,
            "first_name" => Column::FirstName,
            "last_name" => Column::LastName,
            "company" => Column::Company,
            "position" => Column::Position,
            "timezone" => Column::TimeZone,
            "new" => Column::NewField(new_name.to_string()),
            other => match other.strip_prefix("field:").and_then(|id| id.parse().ok()) {
                Some(id) => Column::Field(id),
                None => {
                    return invalid(format!(
                        "{} is not one of the choices for a column: choose where each column goes.",
                        quoted(other)
                    ));
                }
            },
        })
    }
}

/// The stored form of a mapping (a JSON array, one record per column).
pub fn encode(columns: &[Column]) -> String {
    serde_json::to_string(columns).unwrap_or_default()
}

/// A stored mapping, or None when it cannot be read (e.g. the delimited text of old).
pub fn decode(stored: &str) -> Option<Vec<Column>> {
    serde_json::from_str(stored).ok()
}

/// Checks a mapping against the file's columns (`headers`) and the importer's fields,
/// and returns it with each new field that names one of the importer's existing fields
/// turned into that field. Messages name the columns by their headers.
///
/// Refusals: `Invalid` when a column is missing or extra, Email is not mapped exactly once,
/// a new field's name is refused by [`field_name`], or two columns go to the same field;
/// `NotFound` when a field is not the importer's (`policy::may_use_custom_field`).
pub fn check(
    conn: &mut AnyConnection,
    importer_id: UserId,
    headers: &[String],
    columns: Vec<Column>,
) -> DomainResult<Vec<Column>> {
    if columns.len() != headers.len() {
        return invalid(format!(
            "The file has {} but the form chose for {}: choose where each column goes.",
            count(headers.len(), "column", "columns"),
            count(columns.len(), "column", "columns")
        ));
    }
    let to_email: Vec<&str> = headers
        .iter()
        .zip(&columns)
        .filter(|(_, c)| **c == Column::Email)
        .map(|(h, _)| h.as_str())
        .collect();
    match to_email.len() {
        0 => {
            return invalid("No column goes to Email: choose the column that holds the addresses.");
        }
        1 => {}
        n => {
            return invalid(format!(
                "Columns {} {} go to Email: choose one.",
                import_errors::columns(&to_email),
                if n == 2 { "both" } else { "all" }
            ));
        }
    }
    let mine = prospects::fields_of(conn, importer_id)?;
    let mut targets: HashMap<Column, &str> = HashMap::new();
    let mut checked = Vec::with_capacity(columns.len());
    for (header, column) in headers.iter().zip(columns) {
        let column = match column {
            Column::Field(id) => {
                // Someone else's field is not among `mine`: policy decides on its owner.
                let owner_id = match mine.iter().find(|f| f.id == id) {
                    Some(field) => field.owner_id,
                    None => {
                        prospects::field_by_id(conn, id)?
                            .ok_or(DomainError::NotFound)?
                            .owner_id
                    }
                };
                policy::may_use_custom_field(importer_id, owner_id)?;
                Column::Field(id)
            }
            Column::NewField(name) => {
                let name = field_name(&name).map_err(|e| match e {
                    DomainError::Invalid(m) => {
                        DomainError::Invalid(import_errors::in_column(header, &m))
                    }
                    other => other,
                })?;
                match mine.iter().find(|f| f.name == name) {
                    Some(field) => Column::Field(field.id),
                    None => Column::NewField(name),
                }
            }
            other => other,
        };
        if column != Column::Skip {
            if let Some(first) = targets.get(&column) {
                return invalid(format!(
                    "Columns {} both go to {}: map each field once.",
                    import_errors::columns(&[first, header]),
                    target_label(&column, &mine)
                ));
            }
            targets.insert(column.clone(), header);
        }
        checked.push(column);
    }
    Ok(checked)
}

/// A column's target as the mapping page names it ("First name", a custom field's name).
fn target_label(column: &Column, mine: &[CustomField]) -> String {
    match column {
        Column::Skip => "Skip".into(),
        Column::Email => "Email".into(),
        Column::FirstName => "First name".into(),
        Column::LastName => "Last name".into(),
        Column::Company => "Company".into(),
        Column::Position => "Position".into(),
        Column::TimeZone => "Time zone".into(),
        Column::Field(id) => mine
            .iter()
            .find(|f| f.id == *id)
            .map_or_else(|| "a custom field".into(), |f| quoted(&f.name)),
        Column::NewField(name) => quoted(name),
    }
}

/// A guess for the mapping page from the header's name.
pub fn suggest(header: &str, fields: &[CustomField]) -> String {
    let h = header.trim().to_lowercase().replace(['-', ' '], "_");
    match h.as_str() {
        "email" | "e_mail" | "email_address" | "mail" => "email".into(),
        "first_name" | "firstname" | "given_name" | "first" => "first_name".into(),
        "last_name" | "lastname" | "surname" | "family_name" | "last" => "last_name".into(),
        "company" | "organisation" | "organization" | "company_name" => "company".into(),
        "position" | "title" | "job_title" | "role" => "position".into(),
        "timezone" | "time_zone" | "tz" => "timezone".into(),
        _ => fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(header.trim()))
            .map_or_else(|| "new".into(), |f| format!("field:{}", f.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_round_trip_as_one_record_per_column() {
        let columns = vec![
            Column::Skip,
            Column::Email,
            Column::Field(7),
            Column::NewField("Plan tier\nfield:1".into()),
        ];
        let stored = encode(&columns);
        assert_eq!(decode(&stored), Some(columns));
        assert_eq!(
            encode(&[Column::Email, Column::Field(7)]),
            r#"[{"to":"email"},{"to":"field","value":7}]"#
        );
        assert_eq!(
            decode("email\nnew:y\nnew:z"),
            None,
            "the delimited text of old"
        );
        assert_eq!(suggest("E-mail", &[]), "email");
        assert_eq!(suggest("Industry", &[]), "new");
        for header in ["timezone", "Time zone", "TZ", "time-zone"] {
            assert_eq!(suggest(header, &[]), "timezone", "{header}");
        }
    }

    #[test]
    fn custom_fields_are_their_creators_only() {
        assert!(policy::may_use_custom_field(7.into(), 7.into()).is_ok());
        assert!(matches!(
            policy::may_use_custom_field(7.into(), 1.into()),
            Err(DomainError::NotFound)
        ));
    }

    #[test]
    fn field_names_are_header_text_of_bounded_length() {
        assert_eq!(field_name("  Booth ").unwrap(), "Booth");
        for bad in ["x\nfield:1", "a\r\nb", "tab\there", "", "   "] {
            assert!(field_name(bad).is_err(), "{bad:?}");
        }
        assert!(field_name(&"n".repeat(60)).is_ok());
        assert!(field_name(&"n".repeat(61)).is_err());
    }
}
