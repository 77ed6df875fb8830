//! The wording of import errors: what was wrong, on which line (or in which column), with
//! the offending value quoted — shortened when long, control characters written out — so
//! that a person can find and fix it in their file. "Line 7: 'bob@@example' is not an
//! email address." Pages escape the value like any other text.

use super::lists::{TextProblem, parse_zone, text_problem, zone_refusal};
use crate::domain::accounts::EmailAddress;

/// The most characters of a value a message shows before "…".
const SHOWN_CHARS: usize = 40;

/// `value` between single quotes for a message: its first 40 characters (then "…"), with
/// control characters written as escapes (`\t`, `\u{7}`) so that they can be seen.
pub fn quoted(value: &str) -> String {
    let mut shown = String::from("'");
    for (i, c) in value.chars().enumerate() {
        if i == SHOWN_CHARS {
            shown.push('…');
            break;
        }
        if c.is_control() {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    shown.push('\'');
    shown
}

/// A standard field of a row as imported: its name in messages and its value.
pub struct Cell<'a> {
    pub label: &'static str,
    pub value: &'a str,
}

/// Why the row on `line` cannot be imported: the first of its cells that fails the
/// add-prospect checks (`lists::parse_prospect`), said with its value. `None` when every
/// cell passes.
pub fn row_problem(line: usize, email: &str, cells: &[Cell]) -> Option<String> {
    let email = email.trim();
    if email.is_empty() {
        return Some(format!("Line {line}: the email address is empty."));
    }
    if EmailAddress::parse(email).is_err() {
        return Some(format!(
            "Line {line}: {} is not an email address.",
            quoted(email)
        ));
    }
    cells.iter().find_map(|cell| {
        text_problem(cell.value).map(|problem| match problem {
            TextProblem::TooLong { max, chars } => format!(
                "Line {line}: the {} {} is longer than {max} characters (it has {chars}).",
                cell.label,
                quoted(cell.value.trim())
            ),
            TextProblem::Control => format!(
                "Line {line}: the {} {} contains a control character (a line break, tab or similar).",
                cell.label,
                quoted(cell.value.trim())
            ),
        })
    })
}

/// Why the row on `line` cannot be imported when its time zone cell is neither empty nor an
/// IANA name (`lists::parse_zone`): "Line 4: the time zone 'Mars/Olympus' is not an IANA
/// time zone name; …". `None` when the zone is good. Such a row is refused like a row
/// with any other bad field.
pub fn zone_problem(line: usize, zone: &str) -> Option<String> {
    parse_zone(zone).err().map(|_| {
        let refusal = zone_refusal(zone);
        let rest = refusal.strip_prefix("The ").unwrap_or(&refusal);
        format!("Line {line}: the {rest}")
    })
}

/// "Column 'Booth': " before a message about that column, its first letter made lower case.
pub fn in_column(header: &str, message: &str) -> String {
    let mut chars = message.chars();
    let rest: String = chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    format!("Column {}: {rest}", quoted(header))
}

/// The quoted headers of several columns: "'A' and 'B'", "'A', 'B' and 'C'".
pub fn columns(headers: &[&str]) -> String {
    let quoted: Vec<String> = headers.iter().map(|h| quoted(h)).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((only, _)) => only.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_shortened_and_controls_shown() {
        assert_eq!(quoted("bob@@example"), "'bob@@example'");
        assert_eq!(quoted("a\tb\u{7}"), "'a\\tb\\u{7}'");
        let long = "x".repeat(50);
        assert_eq!(quoted(&long), format!("'{}…'", "x".repeat(40)));
    }

    #[test]
    fn rows_say_which_cell_is_wrong() {
        let company = "C".repeat(201);
        let cells = [Cell {
            label: "company",
            value: &company,
        }];
        assert_eq!(
            row_problem(7, "bob@@example", &[]).unwrap(),
            "Line 7: 'bob@@example' is not an email address."
        );
        assert!(
            row_problem(8, "a@b.example", &cells)
                .unwrap()
                .contains("is longer than 200 characters (it has 201)")
        );
        assert_eq!(row_problem(9, "a@b.example", &[]), None);
        assert_eq!(columns(&["A", "B", "C"]), "'A', 'B' and 'C'");
        assert_eq!(in_column("Booth", "Name it."), "Column 'Booth': name it.");
    }
}
