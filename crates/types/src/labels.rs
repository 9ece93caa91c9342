//! The words people read for the API's values (the manuals' names): the web app shows them and
//! exports write them, so a spreadsheet says what the screen said.

use crate::{
    explanations::{ExplanationResult, ExplanationStatus},
    tickets::{Attack, BodyFormat, CreatedBy, Incident, Priority, TicketKind, TicketStatus},
};

/// A ticket status as the manual names it.
pub fn ticket_status(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::New => "New",
        TicketStatus::Assigned => "Assigned",
        TicketStatus::InProgress => "In Progress",
        TicketStatus::Submitted => "Submitted",
        TicketStatus::Approved => "Approved",
        TicketStatus::Rejected => "Rejected",
        TicketStatus::Closed => "Closed",
    }
}

/// High, Medium or Low.
pub fn priority(p: Priority) -> &'static str {
    match p {
        Priority::High => "High",
        Priority::Medium => "Medium",
        Priority::Low => "Low",
    }
}

/// True positive or False positive.
pub fn attack(a: Attack) -> &'static str {
    match a {
        Attack::TruePositive => "True positive",
        Attack::FalsePositive => "False positive",
    }
}

/// Incident or Normal.
pub fn incident(i: Incident) -> &'static str {
    match i {
        Incident::Incident => "Incident",
        Incident::Normal => "Normal",
    }
}

/// System (a rule) or User.
pub fn created_by(c: CreatedBy) -> &'static str {
    match c {
        CreatedBy::System => "System",
        CreatedBy::User => "User",
    }
}

/// Text, JSON or Markdown.
pub fn body_format(f: BodyFormat) -> &'static str {
    match f {
        BodyFormat::Text => "Text",
        BodyFormat::Markdown => "Markdown",
        BodyFormat::Json => "JSON",
    }
}

/// Analysis or Detection.
pub fn ticket_kind(k: TicketKind) -> &'static str {
    match k {
        TicketKind::Analysis => "Analysis",
        TicketKind::Detection => "Detection",
    }
}

/// An explanation status as the manual names it.
pub fn explanation_status(s: ExplanationStatus) -> &'static str {
    match s {
        ExplanationStatus::New => "New",
        ExplanationStatus::Submitted => "Submitted",
        ExplanationStatus::Returned => "Returned",
        ExplanationStatus::Closed => "Closed",
        ExplanationStatus::Awaiting => "Awaiting",
        ExplanationStatus::AuditReturned => "Audit-returned",
        ExplanationStatus::AuditCompleted => "Audit-completed",
    }
}

/// Normal or Violated.
pub fn explanation_result(r: ExplanationResult) -> &'static str {
    match r {
        ExplanationResult::Normal => "Normal",
        ExplanationResult::Violated => "Violated",
    }
}
