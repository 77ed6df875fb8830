//! `{{first_name}}`-style placeholders in campaign steps: checking them against the owner's
//! fields when a step is saved, and filling them in for one prospect when it is sent.

use std::collections::HashMap;

/// The standard placeholders; the owner's custom field names come on top.
pub const STANDARD: [&str; 5] = ["first_name", "last_name", "company", "position", "email"];

/// The names between `{{` and `}}`, trimmed, in order of appearance.
pub fn names(template: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    found
}

/// The first placeholder that is neither standard nor one of `custom`, if any.
pub fn unknown<'a>(
    template: &str,
    custom: impl Iterator<Item = &'a str> + Clone,
) -> Option<String> {
    names(template)
        .into_iter()
        .find(|name| !STANDARD.contains(&name.as_str()) && !custom.clone().any(|c| c == name))
}

/// Fills every placeholder from `values` (a missing value becomes empty text).
pub fn fill(template: &str, values: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(values.get(after[..end].trim()).map_or("", String::as_str));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_checks_and_fills() {
        let t = "Hi {{ first_name }}, how is {{company}}? {{Industry}} {{nope}}";
        assert_eq!(names(t), ["first_name", "company", "Industry", "nope"]);
        assert_eq!(unknown(t, ["Industry"].into_iter()), Some("nope".into()));
        assert_eq!(unknown("Hi {{first_name}}", [].into_iter()), None);
        let values = HashMap::from([
            ("first_name".to_string(), "Ann".to_string()),
            ("company".to_string(), "Acme".to_string()),
        ]);
        assert_eq!(
            fill("Hi {{ first_name }} of {{company}}{{x}}!", &values),
            "Hi Ann of Acme!"
        );
        assert_eq!(
            fill("broken {{ first_name", &values),
            "broken {{ first_name"
        );
    }
}
