//! Raw records (evidence, log search results) as a table: the time first, then every field in
//! the order it first appears; optionally a tick box per record.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::format;

/// One record to show.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    pub id: i64,
    pub time: DateTime<Utc>,
    pub fields: Map<String, Value>,
}

impl From<&socdesk_types::tickets::EvidenceRecord> for RecordRow {
    /// A ticket's evidence record: its own `_time` when it has a readable one, else when it was
    /// attached.
    fn from(e: &socdesk_types::tickets::EvidenceRecord) -> Self {
        let time = e
            .record
            .get("_time")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(e.at, |t| t.to_utc());
        RecordRow { id: e.id, time, fields: e.record.as_object().cloned().unwrap_or_default() }
    }
}

impl From<&socdesk_types::logs::LogRecord> for RecordRow {
    fn from(r: &socdesk_types::logs::LogRecord) -> Self {
        let mut fields = r.fields.clone();
        if let Some(id) = &r.record_id {
            fields.insert("_id".into(), Value::String(id.clone()));
        }
        if let Some(key) = &r.emp_key {
            fields.insert("emp_key".into(), Value::String(key.clone()));
        }
        RecordRow { id: r.id, time: r.time, fields }
    }
}

impl From<&socdesk_types::explanations::EvidenceRecord> for RecordRow {
    fn from(r: &socdesk_types::explanations::EvidenceRecord) -> Self {
        RecordRow { id: r.id, time: r.time, fields: r.fields.clone() }
    }
}

/// The field names of `rows`, in order of first appearance (`_time` left out: the time has its
/// own column, first).
pub fn columns(rows: &[RecordRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        for k in r.fields.keys() {
            if k != "_time" && !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    out
}

/// A value as a cell reads it: text as is, other JSON as JSON.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The table. With `ticked`, each row has a tick box (for choosing records).
#[component]
pub fn RecordTable(
    rows: Vec<RecordRow>,
    /// What the table holds, for screen readers.
    #[prop(into)]
    label: String,
    #[prop(optional)] ticked: Option<RwSignal<BTreeSet<i64>>>,
    /// `data-testid` of the table.
    #[prop(optional, into)]
    test_id: String,
) -> impl IntoView {
    let cols = columns(&rows);
    let head = cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view();
    let body = rows
        .into_iter()
        .map(|r| {
            let id = r.id;
            let tick = ticked.map(|set| {
                view! {
                    <td class="col-check">
                        <input
                            type="checkbox"
                            aria-label=format!("Select record {id}")
                            prop:checked=move || set.with(|s| s.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                set.update(|s| {
                                    if on {
                                        s.insert(id);
                                    } else {
                                        s.remove(&id);
                                    }
                                });
                            }
                        />
                    </td>
                }
            });
            let cells = cols
                .iter()
                .map(|c| view! { <td>{r.fields.get(c).map(cell_text).unwrap_or_default()}</td> })
                .collect_view();
            view! {
                <tr data-record-id=id>
                    {tick}
                    <td class="nowrap">{format::datetime(r.time)}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let check_head = ticked.map(|_| view! { <th scope="col" class="col-check"></th> });
    view! {
        <div class="records-scroll" tabindex="0" role="region" aria-label=label>
            <table class="table records" data-testid=test_id>
                <thead>
                    <tr>
                        {check_head}
                        <th scope="col">"_time"</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, fields: Value) -> RecordRow {
        RecordRow {
            id,
            time: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            fields: fields.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn columns_follow_first_appearance_without_the_time() {
        let rows = vec![
            row(1, serde_json::json!({"_time": "x", "src_ip": "10.0.0.1", "action": "deny"})),
            row(2, serde_json::json!({"user": "kim", "src_ip": "10.0.0.2"})),
        ];
        let cols = columns(&rows);
        assert_eq!(cols.len(), 3);
        assert!(cols.contains(&"user".to_owned()) && !cols.contains(&"_time".to_owned()));
        let kept = columns(&[row(3, serde_json::json!({"_id": "r1"}))]);
        assert_eq!(kept, ["_id"]);
        assert_eq!(cols.last().map(String::as_str), Some("user"));
        assert_eq!(cell_text(&serde_json::json!(42)), "42");
        assert_eq!(cell_text(&serde_json::json!("a")), "a");
    }
}
