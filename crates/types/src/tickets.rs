//! Tickets: their closed value sets and the bodies of the ticket endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::SiteRef;
use crate::wire_enum;

wire_enum! {
    /// Where a ticket is in its workflow.
    pub enum TicketStatus {
        New = "new",
        Assigned = "assigned",
        InProgress = "in_progress",
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
        Closed = "closed",
    }
}

wire_enum! {
    /// A workflow action (`POST /api/tickets/{id}/transitions`).
    pub enum TicketAction {
        Start = "start",
        BackToAssigned = "back_to_assigned",
        Submit = "submit",
        Approve = "approve",
        Reject = "reject",
        Close = "close",
        Reopen = "reopen",
        Restart = "restart",
    }
}

wire_enum! {
    /// How urgent a ticket is.
    pub enum Priority {
        High = "high",
        Medium = "medium",
        Low = "low",
    }
}

wire_enum! {
    /// An analysis ticket (free text) or a detection ticket (structured fields).
    pub enum TicketKind {
        Analysis = "analysis",
        Detection = "detection",
    }
}

wire_enum! {
    /// How a ticket's body is written.
    pub enum BodyFormat {
        Text = "text",
        Markdown = "markdown",
        Json = "json",
    }
}

wire_enum! {
    /// The analyst's verdict on the attack.
    pub enum Attack {
        TruePositive = "true_positive",
        FalsePositive = "false_positive",
    }
}

wire_enum! {
    /// Whether the ticket is an incident.
    pub enum Incident {
        Incident = "incident",
        Normal = "normal",
    }
}

wire_enum! {
    /// Who opened a ticket: a detection rule (`system`) or a person (`user`).
    pub enum CreatedBy {
        System = "system",
        User = "user",
    }
}

/// One structured field of a detection ticket (ordered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketField {
    /// 1..=100 characters, e.g. `source_ip`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = "\\S"))]
    pub name: String,
    /// Up to 10,000 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub value: String,
}

/// An account's id and display name, as embedded in tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountRef {
    pub id: i64,
    pub login: String,
    pub display_name: String,
}

/// A category's or tag's id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// A tag as shown on a ticket (a coloured badge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagRef {
    pub id: i64,
    pub name: String,
    pub color: String,
}

/// A ticket with everything the detail view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: i64,
    pub site: SiteRef,
    pub category: Option<NamedRef>,
    pub kind: TicketKind,
    pub title: String,
    pub body: String,
    pub body_format: BodyFormat,
    /// The body rendered to sanitised HTML (Markdown rendered; text and JSON escaped).
    pub body_html: String,
    pub fields: Vec<TicketField>,
    pub priority: Priority,
    pub status: TicketStatus,
    pub attack: Option<Attack>,
    pub incident: Option<Incident>,
    pub assignees: Vec<AccountRef>,
    pub approvers: Vec<AccountRef>,
    pub tags: Vec<TagRef>,
    pub created_by: CreatedBy,
    /// The account that opened it (none for rule tickets).
    pub registered_by: Option<AccountRef>,
    pub rule_id: Option<i64>,
    /// Rule tickets: how many times the attack was seen (the first time included).
    pub duplicate_count: i64,
    /// Rule tickets: the first and the latest sighting.
    pub first_seen_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The status of the latest explanation asked for from this ticket (the list's
    /// Explanation status column); `null` when none was.
    pub explanation_status: Option<crate::explanations::ExplanationStatus>,
    pub risk_score: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Seconds from creation to the first assignment.
    pub time_to_assign_secs: Option<i64>,
    /// Seconds from creation to closing.
    pub time_to_close_secs: Option<i64>,
    /// Send as `If-Match` with a PATCH; a stale version gets 412.
    pub version: i64,
    /// The workflow actions the caller may take now.
    pub allowed_actions: Vec<TicketAction>,
}

/// Body of `POST /api/tickets`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub site_id: i64,
    #[serde(default)]
    pub category_id: Option<i64>,
    pub kind: TicketKind,
    /// 1..=255 characters, trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = "\\S"))]
    pub title: String,
    /// Up to 1,000,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000000))]
    pub body: Option<String>,
    /// Default `markdown`.
    #[serde(default)]
    pub body_format: Option<BodyFormat>,
    /// Detection tickets' fields, in order (at most 200).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub fields: Vec<TicketField>,
    /// Default `low`.
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub attack: Option<Attack>,
    #[serde(default)]
    pub incident: Option<Incident>,
    #[serde(default)]
    pub assignee_ids: Vec<i64>,
    #[serde(default)]
    pub approver_ids: Vec<i64>,
    #[serde(default)]
    pub tag_ids: Vec<i64>,
    /// 0..=100.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub risk_score: Option<i32>,
    /// Files you uploaded with `POST /api/attachments` and have not attached yet, to attach to
    /// the ticket's body (at most 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub attachment_ids: Vec<i64>,
}

/// Body of `POST /api/tickets/{id}/transitions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub action: TicketAction,
    /// Recorded in the history with the change (up to 10,000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub comment: Option<String>,
}

/// One entry of a ticket's history: who changed what, when, from what to what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor: String,
    /// What changed: `created`, `status`, `title`, `assignees`, ...
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub comment: Option<String>,
}

/// Body of `PATCH /api/tickets/{id}` (send `If-Match: <version>`): only the fields present
/// change; `null` clears `category_id`, `attack`, `incident` and `risk_score`. Tickets opened by
/// a rule refuse changes to `title`, `body`, `body_format` and `fields`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = "\\S"))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000000))]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_format: Option<BodyFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub fields: Option<Vec<TicketField>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub category_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Attack>))]
    pub attack: Option<Option<Attack>>,
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Incident>))]
    pub incident: Option<Option<Incident>>,
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0, maximum = 100))]
    pub risk_score: Option<Option<i32>>,
    /// Setting assignees on a `new` ticket makes it `assigned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver_ids: Option<Vec<i64>>,
    /// An empty list removes every tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_ids: Option<Vec<i64>>,
}

/// A ticket as a list row (no body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketSummary {
    pub id: i64,
    pub site: SiteRef,
    pub category: Option<NamedRef>,
    pub kind: TicketKind,
    pub title: String,
    pub body_format: BodyFormat,
    pub priority: Priority,
    pub status: TicketStatus,
    pub attack: Option<Attack>,
    pub incident: Option<Incident>,
    pub assignees: Vec<AccountRef>,
    pub approvers: Vec<AccountRef>,
    pub tags: Vec<TagRef>,
    pub created_by: CreatedBy,
    pub registered_by: Option<AccountRef>,
    pub duplicate_count: i64,
    pub risk_score: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The status of the latest explanation asked for from this ticket; `null` when none was.
    pub explanation_status: Option<crate::explanations::ExplanationStatus>,
    pub version: i64,
}

impl From<Ticket> for TicketSummary {
    fn from(t: Ticket) -> Self {
        TicketSummary {
            id: t.id,
            site: t.site,
            category: t.category,
            kind: t.kind,
            title: t.title,
            body_format: t.body_format,
            priority: t.priority,
            status: t.status,
            attack: t.attack,
            incident: t.incident,
            assignees: t.assignees,
            approvers: t.approvers,
            tags: t.tags,
            created_by: t.created_by,
            registered_by: t.registered_by,
            duplicate_count: t.duplicate_count,
            risk_score: t.risk_score,
            created_at: t.created_at,
            modified_at: t.modified_at,
            closed_at: t.closed_at,
            explanation_status: t.explanation_status,
            version: t.version,
        }
    }
}

wire_enum! {
    /// What a bulk action does to each selected ticket.
    pub enum BulkAction {
        /// Replace the assignees with `assignee_ids` (a `new` ticket becomes `assigned`).
        Assign = "assign",
        /// Replace the approvers with `approver_ids`.
        SetApprovers = "set_approvers",
        /// Back to `new`.
        Restart = "restart",
        /// Close, with `comment` as the one shared reason.
        Close = "close",
        /// Replace the tags with `tag_ids` (empty removes every tag).
        Tags = "tags",
        /// Set `attack` (`null` clears).
        Attack = "attack",
        /// Set `incident` (`null` clears).
        Incident = "incident",
    }
}

/// Body of `POST /api/tickets/bulk`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// 1..=10,000 ticket ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10000))]
    pub ids: Vec<i64>,
    pub action: BulkAction,
    /// Recorded in every ticket's history (the shared reason of a bulk close).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub comment: Option<String>,
    #[serde(default)]
    pub assignee_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub approver_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub tag_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub attack: Option<Attack>,
    #[serde(default)]
    pub incident: Option<Incident>,
}

/// What a bulk action did to one ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkItemResult {
    pub id: i64,
    pub ok: bool,
    /// The ticket's status afterwards (when it was changed).
    pub status: Option<TicketStatus>,
    /// Why it was refused: the HTTP status a single request would have got, and the message.
    pub error_status: Option<u16>,
    pub error: Option<String>,
}

/// The answer of a bulk action: one result per requested id, in request order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResponse {
    pub succeeded: u32,
    pub failed: u32,
    pub results: Vec<BulkItemResult>,
}

/// A memo on a ticket: the response work written down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Memo {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub author: String,
    pub format: BodyFormat,
    pub body: String,
    /// The body rendered to sanitised HTML.
    pub body_html: String,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /api/tickets/{id}/memos`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMemo {
    /// Default `markdown`.
    #[serde(default)]
    pub format: Option<BodyFormat>,
    /// 1..=100,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100000, pattern = "\\S"))]
    pub body: String,
    /// Files uploaded with `POST /api/attachments` to attach to the memo.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub attachment_ids: Vec<i64>,
}

/// Body of `POST /api/tickets/{id}/attachments`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachFiles {
    /// Files you uploaded with `POST /api/attachments` and have not attached yet (1..=20).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub attachment_ids: Vec<i64>,
}

/// How many tickets are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    pub new: u64,
    pub assigned: u64,
    pub in_progress: u64,
    pub submitted: u64,
    pub approved: u64,
    pub rejected: u64,
    pub closed: u64,
}

impl StatusCounts {
    /// Adds one ticket of `status`.
    pub fn add(&mut self, status: TicketStatus) {
        match status {
            TicketStatus::New => self.new += 1,
            TicketStatus::Assigned => self.assigned += 1,
            TicketStatus::InProgress => self.in_progress += 1,
            TicketStatus::Submitted => self.submitted += 1,
            TicketStatus::Approved => self.approved += 1,
            TicketStatus::Rejected => self.rejected += 1,
            TicketStatus::Closed => self.closed += 1,
        }
    }

    /// The count of `status`.
    pub fn get(&self, status: TicketStatus) -> u64 {
        match status {
            TicketStatus::New => self.new,
            TicketStatus::Assigned => self.assigned,
            TicketStatus::InProgress => self.in_progress,
            TicketStatus::Submitted => self.submitted,
            TicketStatus::Approved => self.approved,
            TicketStatus::Rejected => self.rejected,
            TicketStatus::Closed => self.closed,
        }
    }

    /// All tickets counted.
    pub fn total(&self) -> u64 {
        TicketStatus::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

/// One day of the trend: tickets created that day, by their current status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendDay {
    /// `yyyy-MM-dd` in the server's time zone.
    pub date: String,
    pub total: u64,
    pub by_status: StatusCounts,
}

/// `GET /api/tickets/trend`: a day per date of the period, ready for a stacked bar chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketTrend {
    /// The IANA time zone days are counted in (`SOCDESK_TIMEZONE`).
    pub timezone: String,
    pub days: Vec<TrendDay>,
}

/// Median and 90th percentile of a duration, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DurationStats {
    /// How many tickets had the duration (were assigned, or closed).
    pub samples: u64,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

/// `GET /api/tickets/metrics`: counts and response times over the list's filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketMetrics {
    pub count: u64,
    pub by_status: StatusCounts,
    /// Time to assign (creation to first assignment): MTTA.
    pub time_to_assign: DurationStats,
    /// Time to close (creation to closing): MTTR.
    pub time_to_close: DurationStats,
}

/// A ticket related to another by a shared address or host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedTicket {
    pub ticket: TicketSummary,
    /// What they share, e.g. `source_ip 10.0.0.5`, `host ws-042`, `cidr 10.0.0.0/24`.
    pub matched_on: Vec<String>,
}

/// A detection template: the fields a detection ticket of that kind starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketTemplate {
    /// `network`, `endpoint` or `email`.
    pub key: String,
    pub name: String,
    /// Field names, in display order.
    pub fields: Vec<String>,
}

/// An uploaded file's metadata (`GET /api/attachments/{id}` serves its bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// The ticket it belongs to, once attached.
    pub ticket_id: Option<i64>,
    /// The memo it belongs to; `null` on a file of the ticket's body (or not attached yet).
    pub memo_id: Option<i64>,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A raw record kept as a ticket's evidence (what triggered it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRecord {
    pub id: i64,
    /// When the record was attached.
    pub at: DateTime<Utc>,
    /// The record as received (`_time`, `emp_key` and its fields).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: serde_json::Value,
}
