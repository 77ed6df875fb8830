//! Where each CSV column goes on import, as chosen on the mapping page and stored with the
//! import; and the guess the page starts from.

use super::{DomainResult, invalid};
use crate::db::models::CustomField;

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    Skip,
    Email,
    FirstName,
    LastName,
    Company,
    Position,
    /// One of the importer's own custom fields.
    Field(i64),
    /// A new custom field of the importer, with this name.
    NewField(String),
}

impl Column {
    /// From the mapping form: a choice and, for a new field, its name.
    pub fn parse(choice: &str, new_name: &str) -> DomainResult<Self> {
        Ok(match choice {
            "skip" => Column::Skip,
            "email" => Column::Email,
            "first_name" => Column::FirstName,
            "last_name" => Column::LastName,
            "company" => Column::Company,
            "position" => Column::Position,
            "new" => {
                let name = new_name.trim();
                if name.is_empty() || name.chars().count() > 60 {
                    return invalid("Name each new custom field (1 to 60 characters).");
                }
                Column::NewField(name.to_string())
            }
            other => match other.strip_prefix("field:").and_then(|id| id.parse().ok()) {
                Some(id) => Column::Field(id),
                None => return invalid("Choose where each column goes."),
            },
        })
    }

    pub(super) fn encode(&self) -> String {
        match self {
            Column::Skip => "skip".into(),
            Column::Email => "email".into(),
            Column::FirstName => "first_name".into(),
            Column::LastName => "last_name".into(),
            Column::Company => "company".into(),
            Column::Position => "position".into(),
            Column::Field(id) => format!("field:{id}"),
            Column::NewField(name) => format!("new:{name}"),
        }
    }

    pub(super) fn decode(code: &str) -> Option<Self> {
        match code.split_once(':') {
            Some(("new", name)) => Some(Column::NewField(name.to_string())),
            _ => Column::parse(code, "").ok(),
        }
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
        _ => fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(header.trim()))
            .map_or_else(|| "new".into(), |f| format!("field:{}", f.id)),
    }
}
