//! `{field}` holes in rule titles, bodies and messages, filled from a record.
//!
//! `{{` and `}}` stand for literal braces. A hole naming a field the record lacks renders empty,
//! so a template never fails at ingest time; malformed templates are refused when the rule is saved.

use serde_json::{Map, Value};

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Hole(String),
}

/// A template checked once, rendered many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Piece>);

impl Template {
    /// Parses a template; the error says what is wrong and at which character (1-based).
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().is_some_and(|(_, n)| *n == '{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().is_some_and(|(_, n)| *n == '}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '}')) => break,
                            Some((_, n)) if n.is_ascii_alphanumeric() || matches!(n, '_' | '-' | '.') => {
                                name.push(n)
                            }
                            Some((j, n)) => {
                                return Err(format!(
                                    "'{n}' at character {} is not allowed in a field name",
                                    j + 1
                                ));
                            }
                            None => return Err(format!("'{{' at character {} is never closed", i + 1)),
                        }
                    }
                    if name.is_empty() {
                        return Err(format!("empty field name at character {}", i + 1));
                    }
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Hole(name));
                }
                '}' => {
                    return Err(format!(
                        "'}}' at character {} has no '{{' (write '}}}}' for a brace)",
                        i + 1
                    ));
                }
                other => text.push(other),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template(pieces))
    }

    /// Fills the holes from `record`.
    pub fn render(&self, record: &Map<String, Value>) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Hole(name) => {
                    if let Some(v) = record.get(name).and_then(text_of) {
                        out.push_str(&v);
                    }
                }
            }
        }
        out
    }

    /// The field names the holes use.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|p| match p {
            Piece::Hole(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }
}

/// A record value as text: strings as they are, other scalars in their JSON form, arrays and
/// objects as compact JSON; `None` for null.
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record() -> Map<String, Value> {
        json!({"src_ip": "10.0.0.5", "port": 22, "user.name": "kim", "none": null})
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn fills_holes_and_keeps_escaped_braces() {
        let t = Template::parse("SSH brute force from {src_ip}:{port} by {user.name} {{x}}").unwrap();
        assert_eq!(t.render(&record()), "SSH brute force from 10.0.0.5:22 by kim {x}");
        assert_eq!(t.fields().collect::<Vec<_>>(), ["src_ip", "port", "user.name"]);
    }

    #[test]
    fn missing_and_null_fields_render_empty() {
        let t = Template::parse("[{missing}][{none}]").unwrap();
        assert_eq!(t.render(&record()), "[][]");
    }

    #[test]
    fn malformed_templates_say_where() {
        assert_eq!(Template::parse("a {src").unwrap_err(), "'{' at character 3 is never closed");
        assert_eq!(Template::parse("a {}").unwrap_err(), "empty field name at character 3");
        assert!(Template::parse("a } b").unwrap_err().contains("character 3"));
        assert!(Template::parse("{a b}").unwrap_err().contains("' ' at character 3"));
        assert!(Template::parse("plain").is_ok());
    }
}
