//! The read-only parts of the token page: the request, its evidence and the conversation.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde_json::Value;
use socdesk_types::explanations::{EvidenceGroup, ExplanationStep, PublicExplanation};

use super::calls::file_url;

/// `t` in the reader's own time zone and locale.
pub fn local_time(t: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The request: priority, category, deadline and the message.
#[component]
pub fn Summary(request: PublicExplanation) -> impl IntoView {
    let priority = request.priority.as_str();
    let later = request.submission_closes_at > request.deadline;
    view! {
        <section class="explain-card" aria-labelledby="request-title">
            <h2 id="request-title">{format!("For {}", request.violator_name)}</h2>
            <dl class="explain-facts">
                <dt>"Priority"</dt>
                <dd><span class=format!("priority priority-{priority}")>{priority}</span></dd>
                <dt>"Category"</dt>
                <dd>{request.category}</dd>
                <dt>"Deadline"</dt>
                <dd>{local_time(request.deadline)}</dd>
                <Show when=move || later>
                    <dt>"Accepted until"</dt>
                    <dd>{local_time(request.submission_closes_at)}</dd>
                </Show>
            </dl>
            <h3 class="explain-sub">"Message"</h3>
            <p class="explain-message">{request.message}</p>
        </section>
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The evidence, one scrollable table per schema (columns: time, then every other field in
/// order of first appearance).
#[component]
pub fn Evidence(groups: Vec<EvidenceGroup>) -> impl IntoView {
    let empty = groups.is_empty();
    let tables = groups
        .into_iter()
        .map(|g| {
            let mut columns: Vec<String> = Vec::new();
            for r in &g.records {
                // `_time` is the Time column already.
                for k in r.fields.keys().filter(|k| *k != "_time") {
                    if !columns.contains(k) {
                        columns.push(k.clone());
                    }
                }
            }
            let count = g.records.len();
            let head = columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view();
            let rows = g
                .records
                .iter()
                .map(|r| {
                    let cells = columns
                        .iter()
                        .map(|c| view! { <td>{r.fields.get(c).map(cell).unwrap_or_default()}</td> })
                        .collect_view();
                    view! { <tr><td class="nowrap">{local_time(r.time)}</td>{cells}</tr> }
                })
                .collect_view();
            view! {
                <h3 class="explain-sub">{format!("{} ({count})", g.schema)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{} records", g.schema)>
                    <table class="evidence">
                        <thead><tr><th scope="col">"Time"</th>{head}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="explain-card" aria-labelledby="evidence-title">
            <h2 id="evidence-title">"Evidence"</h2>
            <Show when=move || empty>
                <p class="muted">"No records were attached to this request."</p>
            </Show>
            {tables}
        </section>
    }
}

/// Who took a step, as the violator knows them.
fn who(step: &ExplanationStep) -> String {
    match step.actor.as_str() {
        "violator" => "You".into(),
        "manager" => "Your manager".into(),
        "auditor" => "The auditor".into(),
        "system" => "socdesk".into(),
        _ => "The security team".into(),
    }
}

fn what(action: &str) -> &'static str {
    match action {
        "requested" => "asked for an explanation",
        "submitted" => "submitted an explanation",
        "returned" | "bulk_return" => "returned it and asked for more",
        "confirmed_normal" | "confirmed_violated" | "bulk_normal" | "bulk_violated" => "reviewed it",
        "reminded" => "sent a reminder",
        "overdue_notified" => "told your manager the deadline passed",
        "link_reissued" => "sent a new link",
        "link_revoked" => "closed the link",
        _ => "updated it",
    }
}

/// The conversation so far, oldest first, with the files the violator attached.
#[component]
pub fn Conversation(steps: Vec<ExplanationStep>, token: StoredValue<String>) -> impl IntoView {
    let items = steps
        .into_iter()
        .map(|s| {
            let mine = s.actor == "violator";
            let files = s
                .attachments
                .iter()
                .map(|a| {
                    let href = file_url(&token.get_value(), a.id);
                    view! { <li><a href=href download=a.file_name.clone()>{a.file_name.clone()}</a></li> }
                })
                .collect_view();
            view! {
                <li class=if mine { "step step-mine" } else { "step" }>
                    <p class="step-head">
                        <strong>{who(&s)}</strong>" "{what(&s.action)}
                        <time class="muted">{local_time(s.at)}</time>
                    </p>
                    {s.comment.map(|c| view! { <p class="step-comment">{c}</p> })}
                    <ul class="step-files">{files}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="explain-card" aria-labelledby="conversation-title">
            <h2 id="conversation-title">"Conversation"</h2>
            <ol class="steps">{items}</ol>
        </section>
    }
}
