//! Webhook body templates: JSON text with `{{name}}` placeholders, each replaced by its value
//! escaped for a JSON string. A template is checked when the playbook is saved: only known
//! placeholders, and the text must be JSON once filled in.

use std::collections::BTreeMap;

/// The placeholders a body may use.
pub const PLACEHOLDERS: &[&str] = &[
    "ticket.id",
    "ticket.title",
    "ticket.priority",
    "ticket.status",
    "ticket.site",
    "ticket.url",
    "playbook.name",
    "run.id",
    "actor.login",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Hole(&'static str),
}

/// A parsed body template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyTemplate(Vec<Piece>);

impl BodyTemplate {
    /// Parses `raw`; fails on an unclosed `{{` or an unknown placeholder.
    pub fn parse(raw: &str) -> Result<BodyTemplate, String> {
        let mut pieces = Vec::new();
        let mut rest = raw;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err("a placeholder opened with {{ is never closed with }}".into());
            };
            let name = after[..end].trim();
            let Some(known) = PLACEHOLDERS.iter().find(|p| **p == name) else {
                return Err(format!(
                    "unknown placeholder {{{{{name}}}}}; known: {}",
                    PLACEHOLDERS.join(", ")
                ));
            };
            pieces.push(Piece::Hole(known));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(BodyTemplate(pieces))
    }

    /// Fills the placeholders with `values` (a missing one becomes empty), each escaped as the
    /// inside of a JSON string.
    pub fn render(&self, values: &BTreeMap<&str, String>) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Hole(name) => out.push_str(&json_escaped(values.get(name).map_or("", String::as_str))),
            }
        }
        out
    }
}

/// `value` escaped for the inside of a JSON string (no surrounding quotes).
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// Sample values that exercise escaping, for checking a template at save.
fn samples() -> BTreeMap<&'static str, String> {
    PLACEHOLDERS
        .iter()
        .map(|p| {
            let v = match *p {
                "ticket.id" | "run.id" => "12".to_owned(),
                _ => "sample \"quoted\" \\ text\n".to_owned(),
            };
            (*p, v)
        })
        .collect()
}

/// Checks a template at save: it parses, and it is JSON once filled in.
pub fn check(raw: &str) -> Result<BodyTemplate, String> {
    let t = BodyTemplate::parse(raw)?;
    serde_json::from_str::<serde_json::Value>(&t.render(&samples())).map_err(|e| {
        format!("is not JSON once its placeholders are filled in ({e}); put text placeholders inside quotes")
    })?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_with_json_escaped_values() {
        let t =
            BodyTemplate::parse(r##"{"id": {{ticket.id}}, "text": "#{{ ticket.id }} {{ticket.title}}"}"##)
                .unwrap();
        let values: BTreeMap<&str, String> =
            [("ticket.id", "7".to_owned()), ("ticket.title", "a \"b\"\n</c>".to_owned())]
                .into_iter()
                .collect();
        let body = t.render(&values);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["id"], 7);
        assert_eq!(parsed["text"], "#7 a \"b\"\n</c>");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_refused() {
        assert!(
            BodyTemplate::parse("{{ticket.secret}}")
                .unwrap_err()
                .contains("unknown placeholder {{ticket.secret}}")
        );
        assert!(BodyTemplate::parse("{\"a\": \"{{ticket.id\"}").unwrap_err().contains("never closed"));
    }

    #[test]
    fn a_template_must_be_json_once_filled() {
        assert!(check(r#"{"title": "{{ticket.title}}", "id": {{ticket.id}}}"#).is_ok());
        assert!(check(r#"{"title": {{ticket.title}}}"#).unwrap_err().contains("not JSON"));
        assert!(check("not json").is_err());
        assert!(check("").is_err());
    }
}
