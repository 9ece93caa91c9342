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
