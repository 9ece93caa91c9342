//! Sort ranks stored beside enum columns, so lists sort by meaning rather than spelling.

use socdesk_types::tickets::{Priority, TicketStatus};

/// 1 for high, 2 for medium, 3 for low: ascending puts the urgent first.
pub fn priority_rank(p: Priority) -> i16 {
    match p {
        Priority::High => 1,
        Priority::Medium => 2,
        Priority::Low => 3,
    }
}

/// The status's position in the workflow, `new` first.
pub fn status_rank(s: TicketStatus) -> i16 {
    TicketStatus::ALL.iter().position(|x| *x == s).map_or(0, |i| i as i16 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_urgency_and_workflow_order() {
        assert!(priority_rank(Priority::High) < priority_rank(Priority::Medium));
        assert!(priority_rank(Priority::Medium) < priority_rank(Priority::Low));
        assert_eq!(status_rank(TicketStatus::New), 1);
        assert_eq!(status_rank(TicketStatus::Closed), 7);
    }
}
