//! A playbook being edited: its steps as the form holds them (every kind's fields kept, so
//! switching a step's kind back loses nothing), and the conversions to and from the API's shape.

use std::collections::BTreeMap;

use leptos::prelude::*;
use socdesk_types::{
    playbooks::{
        AddMemoParams, AddTagsParams, AssignParams, CallWebhookParams, NewPlaybook, Playbook, PlaybookStep,
        RequestExplanationParams, SetPriorityParams, StepKind,
    },
    tickets::{BodyFormat, Priority},
};

/// One step in the form.
#[derive(Debug, Clone, Copy)]
pub struct StepDraft {
    /// Stable across moves, for the list's keys.
    pub key: u64,
    pub kind: RwSignal<StepKind>,
    pub priority: RwSignal<Priority>,
    pub tag_ids: RwSignal<Vec<i64>>,
    pub account_ids: RwSignal<Vec<i64>>,
    pub memo: RwSignal<String>,
    pub memo_format: RwSignal<BodyFormat>,
    pub url: RwSignal<String>,
    /// `Name: value`, a header per line.
    pub headers: RwSignal<String>,
    pub body_template: RwSignal<String>,
    pub category_id: RwSignal<Option<i64>>,
    pub deadline_days: RwSignal<String>,
    pub message: RwSignal<String>,
}

/// The body a new webhook step starts with.
pub const DEFAULT_TEMPLATE: &str = "{\"text\": \"Ticket #{{ticket.id}}: {{ticket.title}} ({{ticket.priority}})\", \"url\": \"{{ticket.url}}\"}";

impl StepDraft {
    /// A fresh step of `kind`.
    pub fn new(key: u64, kind: StepKind) -> Self {
        StepDraft {
            key,
            kind: RwSignal::new(kind),
            priority: RwSignal::new(Priority::High),
            tag_ids: RwSignal::new(Vec::new()),
            account_ids: RwSignal::new(Vec::new()),
            memo: RwSignal::new(String::new()),
            memo_format: RwSignal::new(BodyFormat::Markdown),
            url: RwSignal::new(String::new()),
            headers: RwSignal::new(String::new()),
            body_template: RwSignal::new(DEFAULT_TEMPLATE.to_owned()),
            category_id: RwSignal::new(None),
            deadline_days: RwSignal::new("7".to_owned()),
            message: RwSignal::new(String::new()),
        }
    }

    /// The form's copy of a stored step.
    pub fn of(key: u64, step: &PlaybookStep) -> Self {
        let d = StepDraft::new(key, step.kind());
        match step {
            PlaybookStep::SetPriority(p) => d.priority.set(p.priority),
            PlaybookStep::AddTags(p) => d.tag_ids.set(p.tag_ids.clone()),
            PlaybookStep::Assign(p) => d.account_ids.set(p.account_ids.clone()),
            PlaybookStep::AddMemo(p) => {
                d.memo.set(p.body.clone());
                d.memo_format.set(p.format.unwrap_or(BodyFormat::Markdown));
            }
            PlaybookStep::CallWebhook(p) => {
                d.url.set(p.url.clone());
                d.headers.set(headers_text(&p.headers));
                d.body_template.set(p.body_template.clone());
            }
            PlaybookStep::RequestExplanation(p) => {
                d.category_id.set(Some(p.category_id));
                d.deadline_days.set(p.deadline_days.to_string());
                d.message.set(p.message.clone().unwrap_or_default());
            }
        }
        d
    }

    /// The step to send (the server checks every value; an unreadable number goes as 0 so it
    /// names the field).
    pub fn to_step(&self) -> PlaybookStep {
        match self.kind.get_untracked() {
            StepKind::SetPriority => {
                PlaybookStep::SetPriority(SetPriorityParams { priority: self.priority.get_untracked() })
            }
            StepKind::AddTags => {
                PlaybookStep::AddTags(AddTagsParams { tag_ids: self.tag_ids.get_untracked() })
            }
            StepKind::Assign => {
                PlaybookStep::Assign(AssignParams { account_ids: self.account_ids.get_untracked() })
            }
            StepKind::AddMemo => PlaybookStep::AddMemo(AddMemoParams {
                body: self.memo.get_untracked(),
                format: Some(self.memo_format.get_untracked()),
            }),
            StepKind::CallWebhook => PlaybookStep::CallWebhook(CallWebhookParams {
                url: self.url.get_untracked().trim().to_owned(),
                headers: parse_headers(&self.headers.get_untracked()),
                body_template: self.body_template.get_untracked(),
            }),
            StepKind::RequestExplanation => PlaybookStep::RequestExplanation(RequestExplanationParams {
                category_id: self.category_id.get_untracked().unwrap_or(0),
                deadline_days: self.deadline_days.get_untracked().trim().parse().unwrap_or(0),
                message: Some(self.message.get_untracked()).filter(|m| !m.trim().is_empty()),
                priority: None,
            }),
        }
    }
}

/// `Name: value` lines as a header map (lines without a colon are taken as a name with an empty
/// value, so the server names them).
pub fn parse_headers(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect()
}

/// A header map as `Name: value` lines.
pub fn headers_text(headers: &BTreeMap<String, String>) -> String {
    headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n")
}

/// The whole playbook as the API takes it.
pub fn to_new(name: &str, description: &str, enabled: bool, steps: &[StepDraft]) -> NewPlaybook {
    NewPlaybook {
        name: name.trim().to_owned(),
        description: Some(description.trim().to_owned()).filter(|d| !d.is_empty()),
        enabled: Some(enabled),
        steps: steps.iter().map(StepDraft::to_step).collect(),
    }
}

/// The steps of a stored playbook, keyed from `first_key`.
pub fn steps_of(book: &Playbook, first_key: u64) -> Vec<StepDraft> {
    book.steps.iter().enumerate().map(|(i, s)| StepDraft::of(first_key + i as u64, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_round_trip() {
        let parsed = parse_headers("Authorization: Bearer abc:def\n\n X-Team : soc \nBroken");
        assert_eq!(parsed.get("Authorization").map(String::as_str), Some("Bearer abc:def"));
        assert_eq!(parsed.get("X-Team").map(String::as_str), Some("soc"));
        assert_eq!(parsed.get("Broken").map(String::as_str), Some(""));
        assert_eq!(parse_headers(&headers_text(&parsed)), parsed);
    }
}
