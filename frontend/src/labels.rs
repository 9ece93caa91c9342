//! The words the screens use for the API's values (the manuals' names, shared with exports), and
//! their colours.

pub use socdesk_types::labels::*;
use socdesk_types::{
    explanations::ExplanationStatus,
    playbooks::{StepKind, TaskStatus},
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

/// What a playbook step does, in a few words.
pub fn step_kind(k: StepKind) -> &'static str {
    match k {
        StepKind::SetPriority => "Set priority",
        StepKind::AddTags => "Add tags",
        StepKind::Assign => "Assign",
        StepKind::AddMemo => "Add memo",
        StepKind::CallWebhook => "Call webhook",
        StepKind::RequestExplanation => "Request explanation",
    }
}

/// A playbook task's status.
pub fn task_status(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Pending => "Pending",
        TaskStatus::Running => "Running",
        TaskStatus::Done => "Done",
        TaskStatus::Failed => "Failed",
        TaskStatus::Skipped => "Skipped",
    }
}

/// The colour of a task status badge.
pub fn task_status_color(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Pending => "#6b7280",
        TaskStatus::Running => "#2563eb",
        TaskStatus::Done => "#16a34a",
        TaskStatus::Failed => "#dc2626",
        TaskStatus::Skipped => "#9ca3af",
    }
}
