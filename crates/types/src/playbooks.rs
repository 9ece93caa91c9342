//! Playbooks: ordered steps run on tickets in the background, and the tasks each run records.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::tickets::{BodyFormat, Priority};

crate::wire_enum! {
    /// What a step does.
    pub enum StepKind {
        SetPriority = "set_priority",
        AddTags = "add_tags",
        Assign = "assign",
        AddMemo = "add_memo",
        CallWebhook = "call_webhook",
        RequestExplanation = "request_explanation",
    }
}

/// `set_priority`: sets the ticket's priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPriorityParams {
    pub priority: Priority,
}

/// `add_tags`: adds these tags to the ticket's (those it has stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddTagsParams {
    /// 1..=50 tag ids (`/api/tags`).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub tag_ids: Vec<i64>,
}

/// `assign`: replaces the ticket's assignees (a `new` ticket becomes `assigned`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignParams {
    /// 1..=50 account ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub account_ids: Vec<i64>,
}

/// `add_memo`: writes a memo on the ticket, as the account that started the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMemoParams {
    /// 1..=100,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100000))]
    pub body: String,
    /// Default `markdown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<BodyFormat>,
}

/// `call_webhook`: POSTs a JSON body to a URL. The URL is checked when the step runs: loopback,
/// private and link-local addresses are refused unless the global option
/// `allow_private_network_targets` is on. Any answer other than 2xx fails the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallWebhookParams {
    /// An `http` or `https` URL. Accounts without `ADMIN` see only its origin.
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub url: String,
    /// Request headers (at most 20); hidden from accounts without `ADMIN`, as they may hold
    /// secrets.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The JSON body, with placeholders `{{ticket.id}}`, `{{ticket.title}}`,
    /// `{{ticket.priority}}`, `{{ticket.status}}`, `{{ticket.site}}`, `{{ticket.url}}`,
    /// `{{playbook.name}}`, `{{run.id}}` and `{{actor.login}}`, each replaced by its value escaped
    /// for a JSON string (write `"{{ticket.title}}"` in quotes; `{{ticket.id}}` is a bare number).
    #[cfg_attr(feature = "openapi", schema(max_length = 100000))]
    pub body_template: String,
}

/// `request_explanation`: asks the employee of the ticket's first evidence record carrying an
/// `emp_key` for an explanation (the automatic primary reviewer as manager, the ticket's
/// evidence copied). A ticket without such a record fails the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestExplanationParams {
    /// An explanation category id.
    pub category_id: i64,
    /// The deadline, this many days after the step runs (1..=365).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub deadline_days: u32,
    /// The request message (at most 10,000 characters); default: a line naming the playbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Default: the ticket's priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// One step of a playbook: `{"kind": "set_priority", "params": {"priority": "high"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "params", rename_all = "snake_case")]
pub enum PlaybookStep {
    SetPriority(SetPriorityParams),
    AddTags(AddTagsParams),
    Assign(AssignParams),
    AddMemo(AddMemoParams),
    CallWebhook(CallWebhookParams),
    RequestExplanation(RequestExplanationParams),
}

impl PlaybookStep {
    /// The step's kind.
    pub fn kind(&self) -> StepKind {
        match self {
            PlaybookStep::SetPriority(_) => StepKind::SetPriority,
            PlaybookStep::AddTags(_) => StepKind::AddTags,
            PlaybookStep::Assign(_) => StepKind::Assign,
            PlaybookStep::AddMemo(_) => StepKind::AddMemo,
            PlaybookStep::CallWebhook(_) => StepKind::CallWebhook,
            PlaybookStep::RequestExplanation(_) => StepKind::RequestExplanation,
        }
    }
}

/// Body of `POST /api/playbooks` and `PUT /api/playbooks/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlaybook {
    /// 1..=100 characters, unique.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
    /// Default true; a disabled playbook cannot be run.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// 1..=50 steps, run in this order.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub steps: Vec<PlaybookStep>,
}

/// A playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playbook {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub steps: Vec<PlaybookStep>,
    /// True when webhook URLs are cut to their origin and headers left out (accounts without
    /// `ADMIN`).
    pub redacted: bool,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub version: i64,
}

/// Body of `POST /api/playbooks/{id}/run`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunPlaybook {
    /// 1..=1000 ticket ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub ticket_ids: Vec<i64>,
}

/// What starting a run did for one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunItemResult {
    pub ticket_id: i64,
    pub ok: bool,
    /// The run started on it.
    pub run_id: Option<i64>,
    /// Why not: the HTTP status a single request would have got (404 for a ticket you cannot
    /// see), and the message.
    pub error_status: Option<u16>,
    pub error: Option<String>,
}

/// The answer of `POST /api/playbooks/{id}/run`: one result per requested ticket, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunStarted {
    pub succeeded: u32,
    pub failed: u32,
    pub results: Vec<RunItemResult>,
}

crate::wire_enum! {
    /// Where a task stands.
    pub enum TaskStatus {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
        /// An earlier step of the run failed, so this one never ran.
        Skipped = "skipped",
    }
}

crate::wire_enum! {
    /// Where a run stands: `done` when every task is, `failed` when one failed.
    pub enum RunStatus {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
}

/// One step of a run on one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaybookTask {
    pub id: i64,
    /// 0-based, the step's place in the playbook.
    pub position: i32,
    pub kind: StepKind,
    pub status: TaskStatus,
    /// What the step did, or why it failed.
    pub output: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A playbook run on one ticket, with its tasks in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaybookRun {
    pub id: i64,
    /// `null` once the playbook was deleted.
    pub playbook_id: Option<i64>,
    pub playbook_name: String,
    pub ticket_id: i64,
    pub started_by_id: Option<i64>,
    pub started_by: String,
    pub status: RunStatus,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub tasks: Vec<PlaybookTask>,
}
