//! Checking one incoming record against its table's schema.
//!
//! A record is a JSON object: `_id` (optional, the client's id), `_time` (RFC 3339 text or Unix
//! seconds; default the time it arrived), `emp_key` (optional employee key) and the schema's
//! fields. Anything else, or a value of the wrong type, rejects that record alone.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use socdesk_types::logs::{FieldType, RejectedLine, SchemaField};

use crate::logs::query::searchable_text;

/// The longest `_id` and `emp_key`, in characters.
const MAX_KEY_CHARS: usize = 255;
/// The longest text value of a field, in characters.
const MAX_TEXT_CHARS: usize = 65_536;

/// A record that passed its schema, ready to store and to test against rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// 1-based position in the batch.
    pub line: u64,
    pub record_id: Option<String>,
    pub time: DateTime<Utc>,
    pub emp_key: Option<String>,
    /// The schema's fields (nulls dropped).
    pub fields: Map<String, Value>,
    /// `fields` plus `_id`, `_time` and `emp_key`: what rules and queries see, and what evidence
    /// copies.
    pub view: Map<String, Value>,
    /// Lower-cased searchable text of `view`.
    pub text: String,
}

fn reject(line: u64, field: Option<&str>, reason: impl Into<String>) -> RejectedLine {
    RejectedLine { line, field: field.map(str::to_owned), reason: reason.into() }
}

fn key_text(line: u64, name: &str, value: &Value) -> Result<Option<String>, RejectedLine> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        _ => return Err(reject(line, Some(name), "must be a string")),
    };
    if text.is_empty() {
        return Err(reject(line, Some(name), "must not be empty"));
    }
    if text.chars().count() > MAX_KEY_CHARS || text.chars().any(char::is_control) {
        return Err(reject(
            line,
            Some(name),
            format!("must be at most {MAX_KEY_CHARS} characters without control characters"),
        ));
    }
    Ok(Some(text))
}

fn time_of(line: u64, value: &Value) -> Result<Option<DateTime<Utc>>, RejectedLine> {
    let parsed = match value {
        Value::Null => return Ok(None),
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| t.with_timezone(&Utc)),
        Value::Number(n) => n.as_i64().and_then(|secs| DateTime::from_timestamp(secs, 0)),
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| reject(line, Some("_time"), "must be an RFC 3339 date-time or Unix seconds"))
}

/// Whether `value` has the schema type `ty`; the reason when not.
fn type_error(ty: FieldType, value: &Value) -> Option<&'static str> {
    let ok = match (ty, value) {
        (FieldType::String, Value::String(s)) => s.chars().count() <= MAX_TEXT_CHARS,
        (FieldType::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (FieldType::Number, Value::Number(_)) => true,
        (FieldType::Boolean, Value::Bool(_)) => true,
        (FieldType::Ip, Value::String(s)) => s.trim().parse::<IpAddr>().is_ok(),
        (FieldType::Timestamp, Value::String(s)) => DateTime::parse_from_rfc3339(s.trim()).is_ok(),
        _ => false,
    };
    if ok {
        return None;
    }
    Some(match ty {
        FieldType::String => "must be a string of at most 65536 characters",
        FieldType::Integer => "must be an integer",
        FieldType::Number => "must be a number",
        FieldType::Boolean => "must be true or false",
        FieldType::Ip => "must be an IPv4 or IPv6 address",
        FieldType::Timestamp => "must be an RFC 3339 date-time",
    })
}

/// Checks one record. `now` is the `_time` of records that carry none.
pub fn check(
    line: u64,
    value: Value,
    schema_name: &str,
    schema: &[SchemaField],
    now: DateTime<Utc>,
) -> Result<Checked, RejectedLine> {
    let Value::Object(object) = value else {
        return Err(reject(line, None, "must be a JSON object"));
    };
    let mut record_id = None;
    let mut time = None;
    let mut emp_key = None;
    let mut fields = Map::new();
    for (name, value) in object {
        match name.as_str() {
            "_id" => record_id = key_text(line, "_id", &value)?,
            "_time" => time = time_of(line, &value)?,
            "emp_key" => emp_key = key_text(line, "emp_key", &value)?,
            _ => {
                let Some(def) = schema.iter().find(|f| f.name == name) else {
                    return Err(reject(
                        line,
                        Some(&name),
                        format!("is not a field of schema '{schema_name}'"),
                    ));
                };
                if value.is_null() {
                    continue;
                }
                if let Some(reason) = type_error(def.field_type, &value) {
                    return Err(reject(line, Some(&name), reason));
                }
                fields.insert(name, value);
            }
        }
    }
    let time = time.unwrap_or(now);
    let mut view = fields.clone();
    if let Some(id) = &record_id {
        view.insert("_id".into(), Value::String(id.clone()));
    }
    view.insert("_time".into(), Value::String(time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)));
    if let Some(emp) = &emp_key {
        view.insert("emp_key".into(), Value::String(emp.clone()));
    }
    let text = searchable_text(&view);
    Ok(Checked { line, record_id, time, emp_key, fields, view, text })
}

/// The view rules and queries see of a stored record (the same shape [`check`] builds).
pub fn view_of(
    record_id: Option<&str>,
    time: DateTime<Utc>,
    emp_key: Option<&str>,
    fields: &Value,
) -> Map<String, Value> {
    let mut view = fields.as_object().cloned().unwrap_or_default();
    if let Some(id) = record_id {
        view.insert("_id".into(), Value::String(id.to_owned()));
    }
    view.insert("_time".into(), Value::String(time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)));
    if let Some(emp) = emp_key {
        view.insert("emp_key".into(), Value::String(emp.to_owned()));
    }
    view
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Vec<SchemaField> {
        [
            ("src_ip", FieldType::Ip),
            ("action", FieldType::String),
            ("bytes", FieldType::Integer),
            ("score", FieldType::Number),
            ("blocked", FieldType::Boolean),
            ("seen", FieldType::Timestamp),
        ]
        .into_iter()
        .map(|(name, field_type)| SchemaField { name: name.into(), field_type })
        .collect()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn accepts_a_full_record_and_builds_its_view() {
        let rec = json!({"_id": "a-1", "_time": "2026-11-22T10:00:00Z", "emp_key": "E100",
            "src_ip": "10.0.0.5", "action": "DENY", "bytes": 1200, "score": 0.5, "blocked": true,
            "seen": "2026-11-22T09:00:00+09:00"});
        let c = check(3, rec, "fw", &schema(), now()).unwrap();
        assert_eq!(c.line, 3);
        assert_eq!(c.record_id.as_deref(), Some("a-1"));
        assert_eq!(c.emp_key.as_deref(), Some("E100"));
        assert_eq!(c.time.to_rfc3339(), "2026-11-22T10:00:00+00:00");
        assert_eq!(c.fields.len(), 6);
        assert_eq!(c.view["_id"], "a-1");
        assert_eq!(c.view["_time"], "2026-11-22T10:00:00.000Z");
        assert!(c.text.contains("deny"), "text is lower-cased: {}", c.text);
    }

    #[test]
    fn defaults_time_and_accepts_unix_seconds_and_integer_ids() {
        let c = check(1, json!({"action": "x"}), "fw", &schema(), now()).unwrap();
        assert_eq!(c.time, now());
        assert_eq!(c.record_id, None);
        let c = check(1, json!({"_id": 42, "_time": 1_700_000_000}), "fw", &schema(), now()).unwrap();
        assert_eq!(c.record_id.as_deref(), Some("42"));
        assert_eq!(c.time.timestamp(), 1_700_000_000);
    }

    #[test]
    fn nulls_are_dropped() {
        let c = check(1, json!({"action": null, "emp_key": null}), "fw", &schema(), now()).unwrap();
        assert!(c.fields.is_empty());
        assert_eq!(c.emp_key, None);
    }

    #[test]
    fn each_kind_of_bad_value_names_its_field() {
        let cases = [
            (json!([1]), None, "must be a JSON object"),
            (json!({"_id": ""}), Some("_id"), "must not be empty"),
            (json!({"_id": true}), Some("_id"), "must be a string"),
            (json!({"_time": "yesterday"}), Some("_time"), "RFC 3339"),
            (json!({"emp_key": "a\u{0}b"}), Some("emp_key"), "control"),
            (json!({"nope": 1}), Some("nope"), "is not a field of schema 'fw'"),
            (json!({"src_ip": "10.0.0.300"}), Some("src_ip"), "IPv4 or IPv6"),
            (json!({"bytes": 1.5}), Some("bytes"), "integer"),
            (json!({"bytes": "12"}), Some("bytes"), "integer"),
            (json!({"score": "x"}), Some("score"), "number"),
            (json!({"blocked": "yes"}), Some("blocked"), "true or false"),
            (json!({"seen": "2026-13-01"}), Some("seen"), "RFC 3339"),
            (json!({"action": 5}), Some("action"), "string"),
        ];
        for (value, field, reason) in cases {
            let err = check(7, value.clone(), "fw", &schema(), now()).unwrap_err();
            assert_eq!(err.line, 7);
            assert_eq!(err.field.as_deref(), field, "{value}");
            assert!(err.reason.contains(reason), "{value}: {}", err.reason);
        }
    }

    #[test]
    fn stored_view_matches_checked_view() {
        let c =
            check(1, json!({"_id": "k", "emp_key": "E1", "action": "a"}), "fw", &schema(), now()).unwrap();
        let view = view_of(Some("k"), c.time, Some("E1"), &Value::Object(c.fields.clone()));
        assert_eq!(view, c.view);
    }
}
