//! Detection rules: stream conditions, batch schedules, ticket templates, suppressions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::tickets::Priority;

crate::wire_enum! {
    /// How a rule runs: on every stored record (`stream`) or on a schedule over a window (`batch`).
    pub enum RuleKind {
        Stream = "stream",
        Batch = "batch",
    }
}

/// A stream rule's test of one record. Combine leaves with `and`, `or` and `not`.
///
/// A field that is missing never matches a leaf (so `not` of it does). Field names are the
/// record's own (`_id`, `_time`, `emp_key` included). Text comparisons use the value as text
/// (numbers and booleans in their JSON form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every condition holds (an empty list always holds).
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    And(Vec<Condition>),
    /// At least one condition holds (an empty list never holds).
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Or(Vec<Condition>),
    /// The condition does not hold.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Not(Box<Condition>),
    /// The field's text equals `value`.
    Equals(TextTest),
    /// The field's text contains `value`.
    Contains(TextTest),
    /// The field's text matches the regular expression `value` (Rust `regex` syntax, linear time).
    Regex(TextTest),
    /// The field is an IP address inside the network `value` (`10.0.0.0/8`, `2001:db8::/32`, or a
    /// single address).
    Cidr(TextTest),
    /// The field is a number (or numeric text) greater than `value`.
    Gt(NumberTest),
    /// ... greater than or equal to `value`.
    Gte(NumberTest),
    /// ... less than `value`.
    Lt(NumberTest),
    /// ... less than or equal to `value`.
    Lte(NumberTest),
    /// The field is present and not null.
    Exists(FieldRef),
}

/// A text test on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TextTest {
    pub field: String,
    pub value: String,
    /// Compare without regard to letter case (default false).
    #[serde(default)]
    pub ignore_case: bool,
}

/// A numeric comparison on one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NumberTest {
    pub field: String,
    pub value: f64,
}

/// Names one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldRef {
    pub field: String,
}

/// A detection ticket field filled from a record field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    /// The ticket field's name (`Source IP`).
    pub name: String,
    /// The record field it is read from (`src_ip`).
    pub from: String,
}

/// What a rule opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketTemplateSpec {
    pub site_id: i64,
    #[serde(default)]
    pub category_id: Option<i64>,
    /// Default `low`.
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub assignee_ids: Vec<i64>,
    #[serde(default)]
    pub approver_ids: Vec<i64>,
    #[serde(default)]
    pub tag_ids: Vec<i64>,
    /// The title, with `{field}` holes filled from the first matching record (`{{` for a brace).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255))]
    pub title: String,
    /// Markdown body with `{field}` holes; default empty.
    #[serde(default)]
    pub body: Option<String>,
    /// Detection fields copied from the record, in order.
    #[serde(default)]
    pub fields: Vec<FieldMapping>,
}

/// The explanation request a rule asks of the violator (`emp_key` of the record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExplanationSpec {
    /// The explanation category.
    #[serde(default)]
    pub category_id: Option<i64>,
    /// Days the violator has to answer, 1..=365.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub deadline_days: i32,
    /// Message to the violator, with `{field}` holes.
    #[serde(default)]
    pub message: Option<String>,
}

/// A batch rule's schedule and threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchSpec {
    /// Seconds between runs, 60..=604800.
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 604800))]
    pub interval_secs: i64,
    /// Seconds of records each run looks back over, 60..=2678400 (31 days).
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 2678400))]
    pub lookback_secs: i64,
    /// Query expression the records must match (the log search syntax); empty matches all.
    #[serde(default)]
    pub query: String,
    /// Records are counted per distinct value of these fields.
    #[serde(default)]
    pub group_by: Vec<String>,
    /// A group with at least this many records opens (or adds to) a ticket; 1..=1000000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub threshold: i64,
}

/// A detection rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub kind: RuleKind,
    pub enabled: bool,
    /// The log table it reads.
    pub table: String,
    /// Stream rules: the test of each record.
    pub condition: Option<Condition>,
    /// Batch rules: schedule, query, grouping and threshold.
    pub batch: Option<BatchSpec>,
    pub ticket: TicketTemplateSpec,
    pub explanation: Option<ExplanationSpec>,
    /// Matches of the same values of these fields, while the first ticket is open and younger
    /// than the window, add to that ticket instead of opening another.
    pub dedup_fields: Vec<String>,
    pub dedup_window_secs: i64,
    /// Records (or batch groups) that matched.
    pub match_count: i64,
    /// Tickets opened.
    pub ticket_count: i64,
    /// Matches that a suppression swallowed.
    pub suppressed_count: i64,
    /// Runs or matches that failed (logged; ingestion went on).
    pub error_count: i64,
    pub last_error: Option<String>,
    pub last_matched_at: Option<DateTime<Utc>>,
    /// Batch rules: the last and next scheduled run.
    pub last_run_at: Option<DateTime<Utc>>,
    pub next_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub version: i64,
}

/// Body of `POST /api/rules` and `PUT /api/rules/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub kind: RuleKind,
    /// Default true.
    #[serde(default)]
    pub enabled: Option<bool>,
    pub table: String,
    /// Required for stream rules.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// Required for batch rules.
    #[serde(default)]
    pub batch: Option<BatchSpec>,
    pub ticket: TicketTemplateSpec,
    #[serde(default)]
    pub explanation: Option<ExplanationSpec>,
    /// At most 10 fields; empty: every match of the rule is the same attack.
    #[serde(default)]
    pub dedup_fields: Vec<String>,
    /// Default 86400 (one day); 0 turns deduplication off.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 31536000))]
    pub dedup_window_secs: Option<i64>,
}

/// What `POST /api/rules/{id}/run` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleRun {
    pub rule_id: i64,
    pub started_at: DateTime<Utc>,
    /// Records in the look-back window that matched the query.
    pub matched_records: i64,
    /// Groups at or over the threshold.
    pub groups: i64,
    /// Tickets opened by this run.
    pub created_ticket_ids: Vec<i64>,
    /// Open tickets this run added to.
    pub updated_ticket_ids: Vec<i64>,
    /// Groups a suppression swallowed.
    pub suppressed: i64,
}

/// A suppression: matches of a rule with these key values open nothing until it expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suppression {
    pub id: i64,
    pub rule_id: i64,
    /// Field → value; a match is suppressed when each named field has that value.
    pub key_values: std::collections::BTreeMap<String, String>,
    pub reason: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// Matches it swallowed.
    pub hit_count: i64,
    pub last_hit_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    /// False once `expires_at` has passed.
    pub active: bool,
}

/// Body of `POST /api/suppressions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSuppression {
    pub rule_id: i64,
    /// 1..=10 field → value pairs.
    pub key_values: std::collections::BTreeMap<String, String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub reason: String,
    /// Never expires when absent.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}
