//! JSON body templates of notification providers: a JSON document whose strings may hold
//! placeholders such as `{{recipient.phone}}`. Values are put in place inside the parsed
//! document and the result is serialised again, so a value with quotes, backslashes or newlines
//! always arrives as valid, escaped JSON.

use std::collections::BTreeMap;

use serde_json::Value;

/// Every placeholder a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "recipient.name",
    "recipient.phone",
    "recipient.messenger_id",
    "recipient.email",
    "ticket.id",
    "ticket.title",
    "ticket.priority",
    "ticket.status",
    "ticket.url",
    "message",
];

/// The longest template accepted, in characters.
pub const MAX_CHARS: usize = 20_000;

/// Parses and checks a template: valid JSON, no unknown placeholder.
///
/// Fails with a message for the `body_template` field.
pub fn parse(raw: &str) -> Result<Value, String> {
    if raw.chars().count() > MAX_CHARS {
        return Err(format!("must be at most {MAX_CHARS} characters"));
    }
    let value: Value = serde_json::from_str(raw).map_err(|e| {
        format!(
            "must be a JSON document (placeholders go inside its strings, e.g. \"{{{{ticket.title}}}}\"): {e}"
        )
    })?;
    let mut unknown = None;
    walk_strings(&value, &mut |s| {
        for name in names(s) {
            if unknown.is_none() && !PLACEHOLDERS.contains(&name.as_str()) {
                unknown = Some(name);
            }
        }
    });
    match unknown {
        Some(name) => {
            Err(format!("unknown placeholder {{{{{name}}}}}; known ones: {}", PLACEHOLDERS.join(", ")))
        }
        None => Ok(value),
    }
}

fn walk_strings(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| walk_strings(v, f)),
        Value::Object(map) => {
            for (k, v) in map {
                f(k);
                walk_strings(v, f);
            }
        }
        _ => {}
    }
}

/// The placeholder names in `text` (`{{ name }}`, spaces allowed).
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    out
}

fn fill(text: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&rest[..start]);
        let name = after[..end].trim();
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The template with every placeholder replaced by its value; one without a value in `values` is
/// left as written (callers pass every known placeholder, empty when there is nothing to say).
pub fn render(template: &Value, values: &BTreeMap<&str, String>) -> Value {
    match template {
        Value::String(s) => Value::String(fill(s, values)),
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, values)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (fill(k, values), render(v, values))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_must_be_json_with_known_placeholders() {
        assert!(parse(r#"{"to": "{{recipient.phone}}", "text": "{{ ticket.title }} {{message}}"}"#).is_ok());
        assert!(parse(r#"{"n": {{ticket.id}}}"#).unwrap_err().contains("JSON document"));
        assert!(parse("not json").is_err());
        let err = parse(r#"{"x": "{{ticket.secret}}"}"#).unwrap_err();
        assert!(err.contains("{{ticket.secret}}"), "{err}");
        assert!(parse(&format!("\"{}\"", "a".repeat(MAX_CHARS))).is_err());
    }

    #[test]
    fn values_with_quotes_and_newlines_arrive_as_valid_json() {
        let template =
            parse(r##"{"text": "#{{ticket.id}}: {{ticket.title}}", "{{recipient.name}}": [1, "{{x"]}"##)
                .unwrap();
        let mut values = BTreeMap::new();
        values.insert("ticket.id", "7".to_owned());
        values.insert("ticket.title", "say \"hi\"\nand \\ leave".to_owned());
        values.insert("recipient.name", "Kim".to_owned());
        let body = serde_json::to_string(&render(&template, &values)).unwrap();
        let back: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(back["text"], "#7: say \"hi\"\nand \\ leave");
        assert_eq!(back["Kim"], serde_json::json!([1, "{{x"]));
    }

    #[test]
    fn a_placeholder_without_a_value_becomes_empty_only_when_known() {
        let values = BTreeMap::from([("message", String::new())]);
        assert_eq!(fill("a{{message}}b{{other}}c", &values), "ab{{other}}c");
    }
}
