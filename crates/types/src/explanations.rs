//! Explanations: the closed value sets of explanation requests and their review.

use crate::wire_enum;

/// How urgent an explanation request is: the same scale as a ticket's (default `low`).
pub use crate::tickets::Priority;

wire_enum! {
    /// Where an explanation request is in its review.
    pub enum ExplanationStatus {
        /// Requested; the violator has not submitted an explanation yet.
        New = "new",
        /// The violator submitted an explanation; it waits for the manager.
        Submitted = "submitted",
        /// The manager returned it; it waits for the violator again.
        Returned = "returned",
        /// The manager confirmed it and there is no auditor: final, with a result.
        Closed = "closed",
        /// The manager confirmed it; it waits for the auditor.
        Awaiting = "awaiting",
        /// The auditor returned it; it waits for the violator again.
        AuditReturned = "audit_returned",
        /// The auditor (or a bulk review) confirmed it: final, with a result.
        AuditCompleted = "audit_completed",
    }
}

wire_enum! {
    /// The final verdict on an explanation (unset until it is closed or audit-completed).
    pub enum ExplanationResult {
        /// The explanation justifies what happened.
        Normal = "normal",
        /// It was a security violation.
        Violated = "violated",
    }
}

wire_enum! {
    /// A reviewer's decision (`POST /api/explanations/{id}/review`, and the bulk review).
    pub enum ReviewAction {
        /// Send it back to the violator, who gets a new link.
        Return = "return",
        /// Confirm it as normal.
        Normal = "normal",
        /// Confirm it as a violation.
        Violated = "violated",
    }
}

impl ReviewAction {
    /// The result this decision records when it is final; `None` for a return.
    pub fn verdict(self) -> Option<ExplanationResult> {
        match self {
            ReviewAction::Return => None,
            ReviewAction::Normal => Some(ExplanationResult::Normal),
            ReviewAction::Violated => Some(ExplanationResult::Violated),
        }
    }
}

wire_enum! {
    /// Something a caller may do to an explanation now (what `allowed_actions` lists).
    pub enum ExplanationAction {
        /// Submit an explanation (the violator, through the token page).
        Submit = "submit",
        /// Return it to the violator (the manager or the auditor, whoever's turn it is).
        Return = "return",
        /// Confirm it as normal (the manager or the auditor, whoever's turn it is).
        Normal = "normal",
        /// Confirm it as a violation (the manager or the auditor, whoever's turn it is).
        Violated = "violated",
        /// Bulk review: back to `new` (EXPLANATION_AUDIT).
        BulkReturn = "bulk_return",
        /// Bulk review: `audit_completed` as normal (EXPLANATION_AUDIT).
        BulkNormal = "bulk_normal",
        /// Bulk review: `audit_completed` as violated (EXPLANATION_AUDIT).
        BulkViolated = "bulk_violated",
        /// Delete it; the audit log keeps it (EXPLANATION_AUDIT).
        Delete = "delete",
        /// Mail the violator a fresh link; older links stop working (EXPLANATION_AUDIT).
        ReissueLink = "reissue_link",
        /// Make every link to it stop working (EXPLANATION_AUDIT).
        RevokeLink = "revoke_link",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_are_the_spec_values() {
        let statuses: Vec<&str> = ExplanationStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            statuses,
            ["new", "submitted", "returned", "closed", "awaiting", "audit_returned", "audit_completed"]
        );
        let results: Vec<&str> = ExplanationResult::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(results, ["normal", "violated"]);
        let reviews: Vec<&str> = ReviewAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(reviews, ["return", "normal", "violated"]);
        let actions: Vec<&str> = ExplanationAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "submit",
                "return",
                "normal",
                "violated",
                "bulk_return",
                "bulk_normal",
                "bulk_violated",
                "delete",
                "reissue_link",
                "revoke_link"
            ]
        );
    }

    #[test]
    fn values_round_trip_through_json() {
        for &s in ExplanationStatus::ALL {
            let json = serde_json::to_string(&s).ok();
            assert_eq!(json, Some(format!("\"{s}\"")));
            assert_eq!(serde_json::from_str::<ExplanationStatus>(&format!("\"{s}\"")).ok(), Some(s));
        }
        assert_eq!(serde_json::from_str::<ReviewAction>("\"return\"").ok(), Some(ReviewAction::Return));
        assert!(serde_json::from_str::<ReviewAction>("\"Return\"").is_err());
        assert_eq!(ExplanationAction::parse("bulk_violated"), Some(ExplanationAction::BulkViolated));
        assert_eq!(ExplanationStatus::parse("audit-returned"), None);
    }

    #[test]
    fn only_confirmations_carry_a_verdict() {
        assert_eq!(ReviewAction::Return.verdict(), None);
        assert_eq!(ReviewAction::Normal.verdict(), Some(ExplanationResult::Normal));
        assert_eq!(ReviewAction::Violated.verdict(), Some(ExplanationResult::Violated));
    }
}

/// An employee as an explanation names them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmployeeRef {
    pub id: String,
    pub name: String,
}

/// Something an explanation points at by id, with its name (category, ticket, owner).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// Body of `POST /api/explanations` (and, without `ticket_id`, of
/// `POST /api/tickets/{id}/explanations`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewExplanation {
    /// Default `low`.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The employee id of the violator.
    pub violator_id: String,
    /// The primary reviewer; default: the automatic one (`GET /api/employees/{id}/primary-reviewer`).
    #[serde(default)]
    pub manager_id: Option<String>,
    /// The optional secondary reviewer.
    #[serde(default)]
    pub auditor_id: Option<String>,
    pub category_id: i64,
    /// The submission deadline; must be in the future.
    pub deadline: chrono::DateTime<chrono::Utc>,
    /// The request message, at most 10,000 characters.
    #[serde(default)]
    pub message: String,
    /// The ticket it is asked from: the ticket's evidence is copied.
    #[serde(default)]
    pub ticket_id: Option<i64>,
    /// Stored log records to copy as evidence (ids from a log search); each must carry the
    /// violator's id as its `emp_key`.
    #[serde(default)]
    pub evidence_record_ids: Vec<i64>,
}

/// An explanation request as lists show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explanation {
    pub id: i64,
    pub priority: Priority,
    pub status: ExplanationStatus,
    pub violator: EmployeeRef,
    pub manager: EmployeeRef,
    pub auditor: Option<EmployeeRef>,
    /// The account that asked; `null` when a rule did.
    pub owner: Option<NamedRef>,
    pub rule_id: Option<i64>,
    pub category: NamedRef,
    /// The linked ticket (its title as `name`).
    pub ticket: Option<NamedRef>,
    pub result: Option<ExplanationResult>,
    pub deadline: chrono::DateTime<chrono::Utc>,
    /// The request date.
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub modified_at: chrono::DateTime<chrono::Utc>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub evidence_count: i32,
    /// Whether the violator currently has a working link.
    pub link_active: bool,
    pub version: i64,
}

/// Evidence records of one schema.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceGroup {
    pub schema: String,
    pub records: Vec<EvidenceRecord>,
}

/// One evidence record (a copy taken when it was attached).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRecord {
    pub id: i64,
    #[serde(rename = "_time")]
    pub time: chrono::DateTime<chrono::Utc>,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// One step of an explanation's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationStep {
    pub at: chrono::DateTime<chrono::Utc>,
    /// `owner`, `system`, `violator`, `manager`, `auditor` or `audit`.
    pub actor: String,
    /// Who, by name (absent on the violator's page for reviewers).
    pub actor_name: Option<String>,
    /// `requested`, `submitted`, `returned`, `confirmed`, `bulk_review`, `link_reissued`, ...
    pub action: String,
    pub from_status: Option<ExplanationStatus>,
    pub to_status: Option<ExplanationStatus>,
    pub result: Option<ExplanationResult>,
    pub comment: Option<String>,
    /// Files the violator attached to this submission.
    pub attachments: Vec<crate::tickets::Attachment>,
}

/// `GET /api/explanations/{id}`: the summary, the request message, evidence by schema, the
/// history in order, and what the caller may do now.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationDetail {
    #[serde(flatten)]
    pub summary: Explanation,
    pub message: String,
    pub evidence: Vec<EvidenceGroup>,
    pub history: Vec<ExplanationStep>,
    pub allowed_actions: Vec<ExplanationAction>,
}

/// What the violator's token page shows: only their own request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicExplanation {
    pub priority: Priority,
    pub category: String,
    pub status: ExplanationStatus,
    pub violator_name: String,
    pub message: String,
    pub deadline: chrono::DateTime<chrono::Utc>,
    /// Until when a submission is taken (the deadline, or later with the token expiry option).
    pub submission_closes_at: chrono::DateTime<chrono::Utc>,
    /// Whether Submit Explanation works now.
    pub can_submit: bool,
    pub evidence: Vec<EvidenceGroup>,
    /// The violator's explanations and the reviewers' comments meant for them, in order.
    pub conversation: Vec<ExplanationStep>,
}

/// Body of `POST /api/public/explanations/{token}/submit`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitExplanation {
    /// 1 to 10,000 characters.
    pub explanation: String,
    /// Files uploaded through this link (`POST /api/public/explanations/{token}/attachments`)
    /// that this explanation carries; at most 10.
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
}

/// Body of `POST /api/explanations/{id}/review`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub action: ReviewAction,
    /// Required to return (the violator reads it); at most 10,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
    /// Keep the comment from the violator's page.
    #[serde(default)]
    pub internal: bool,
}

crate::wire_enum! {
    /// What `GET /api/explanations/trend` counts per day.
    pub enum TrendView {
        /// Requests by their current status.
        Status = "status",
        /// Requests by result (`normal`, `violated`, `none` while undecided).
        Result = "result",
    }
}

/// One day of the explanation trend.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationTrendDay {
    /// `yyyy-MM-dd` in the server's time zone.
    pub date: String,
    pub total: u64,
    /// Every status (or result) of the view, zero included.
    pub counts: std::collections::BTreeMap<String, u64>,
}

/// `GET /api/explanations/trend`: requests per request day over the filtered period.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationTrend {
    pub view: TrendView,
    /// The IANA time zone days are counted in (`SOCDESK_TIMEZONE`).
    pub timezone: String,
    pub days: Vec<ExplanationTrendDay>,
}

/// Body of `POST /api/explanations/bulk-review`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkReview {
    /// 1..=1000 explanation ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub ids: Vec<i64>,
    /// `normal` / `violated`: audit-completed with that result; `return`: back to `new` with a
    /// new link for the violator.
    pub action: ReviewAction,
    /// The auditor's opinion, required (1..=10,000 characters), recorded on each.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub opinion: String,
}

/// Body of `POST /api/explanations/bulk-delete`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkDelete {
    /// 1..=1000 explanation ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub ids: Vec<i64>,
}

/// The outcome of a bulk action for one explanation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationBulkItem {
    pub id: i64,
    pub ok: bool,
    /// Its status afterwards (a review), when it changed.
    pub status: Option<ExplanationStatus>,
    /// Why it was refused: the HTTP status a single request would have got, and the message.
    pub error_status: Option<u16>,
    pub error: Option<String>,
}

/// The answer of a bulk action: one result per requested id, in request order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationBulkResponse {
    pub succeeded: u32,
    pub failed: u32,
    pub results: Vec<ExplanationBulkItem>,
}

/// How an employee's explanations ended, over every request the caller may read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultCounts {
    pub total: u64,
    /// Confirmed as Normal.
    pub normal: u64,
    /// Confirmed as Violated.
    pub violated: u64,
    /// Not decided yet.
    pub open: u64,
}

/// `GET /api/employees/{id}/explanations`: an employee's explanation history (newest first,
/// every date) and how their explanations ended, so a reviewer sees repeat behaviour.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmployeeExplanations {
    pub employee: EmployeeRef,
    pub counts: ResultCounts,
    pub explanations: crate::Page<Explanation>,
}
