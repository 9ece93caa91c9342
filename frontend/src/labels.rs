//! The words the screens use for the API's values (the manuals' names, shared with exports), and
//! their colours.

pub use socdesk_types::labels::*;
use socdesk_types::{
    explanations::ExplanationStatus,
    tickets::{TicketAction, TicketStatus},
};

/// The colour of a ticket status, in badges and in the trend chart alike.
pub fn ticket_status_color(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::New => "#6b7280",
        TicketStatus::Assigned => "#2563eb",
        TicketStatus::InProgress => "#0891b2",
        TicketStatus::Submitted => "#7c3aed",
        TicketStatus::Approved => "#16a34a",
        TicketStatus::Rejected => "#dc2626",
        TicketStatus::Closed => "#374151",
    }
}

/// The trend chart's stacking order: the manual lists Rejected before Approved.
pub const TICKET_TREND_ORDER: [TicketStatus; 7] = [
    TicketStatus::New,
    TicketStatus::Assigned,
    TicketStatus::InProgress,
    TicketStatus::Submitted,
    TicketStatus::Rejected,
    TicketStatus::Approved,
    TicketStatus::Closed,
];

/// A workflow action as a button says it.
pub fn ticket_action(a: TicketAction) -> &'static str {
    match a {
        TicketAction::Start => "Start work",
        TicketAction::BackToAssigned => "Back to assigned",
        TicketAction::Submit => "Submit Approval",
        TicketAction::Approve => "Approve",
        TicketAction::Reject => "Reject",
        TicketAction::Close => "Close",
        TicketAction::Reopen => "Reopen",
        TicketAction::Restart => "Restart",
    }
}

/// The colour of an explanation status.
pub fn explanation_status_color(s: ExplanationStatus) -> &'static str {
    match s {
        ExplanationStatus::New => "#6b7280",
        ExplanationStatus::Submitted => "#7c3aed",
        ExplanationStatus::Returned => "#d97706",
        ExplanationStatus::Closed => "#374151",
        ExplanationStatus::Awaiting => "#2563eb",
        ExplanationStatus::AuditReturned => "#dc2626",
        ExplanationStatus::AuditCompleted => "#16a34a",
    }
}
