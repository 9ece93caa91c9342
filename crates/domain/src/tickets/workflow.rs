//! The ticket status machine, as data.
//!
//! [`RULES`] is the SPEC's status table, one row per action: who may take it, from which
//! statuses, and where it leads. `transition` answers one request; `allowed_actions` tells a
//! client exactly which buttons to show. Tests iterate over every (status, action, role) cell.

pub use socdesk_types::tickets::{TicketAction, TicketStatus};

/// The status a ticket starts in, or returns to on reopening.
pub fn initial_status(has_assignee: bool) -> TicketStatus {
    if has_assignee { TicketStatus::Assigned } else { TicketStatus::New }
}

/// A role an account plays towards one ticket. An account can hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Holds `ADMIN`.
    Admin,
    /// Holds `TICKET_EDIT`.
    Editor,
    /// Is one of the ticket's assignees.
    Assignee,
    /// Is one of the ticket's approvers.
    Approver,
}

/// The roles an account holds towards a ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub admin: bool,
    pub editor: bool,
    pub assignee: bool,
    pub approver: bool,
}

impl Roles {
    fn holds(self, role: Role) -> bool {
        match role {
            Role::Admin => self.admin,
            Role::Editor => self.editor,
            Role::Assignee => self.assignee,
            Role::Approver => self.approver,
        }
    }
}

/// Facts about the ticket that some rules depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketFacts {
    pub status: TicketStatus,
    pub has_assignee: bool,
    pub has_approver: bool,
    /// Separation of duties (global option, on by default): an assignee may not approve or
    /// reject the same ticket.
    pub separation_of_duties: bool,
}

/// Where an action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    To(TicketStatus),
    /// `assigned` if the ticket has an assignee, else `new`.
    Initial,
}

/// One row of the status table.
#[derive(Debug)]
pub struct Rule {
    pub action: TicketAction,
    /// Who may take it (any one of these roles is enough).
    pub who: &'static [Role],
    /// From which statuses; empty means any.
    pub from: &'static [TicketStatus],
    /// Statuses it is never taken from (for "any but closed").
    pub except: &'static [TicketStatus],
    target: Target,
}

use Role::*;
use TicketStatus as S;

/// The SPEC's ticket status table.
pub const RULES: &[Rule] = &[
    Rule {
        action: TicketAction::Start,
        who: &[Assignee],
        from: &[S::Assigned, S::Rejected],
        except: &[],
        target: Target::To(S::InProgress),
    },
    Rule {
        action: TicketAction::BackToAssigned,
        who: &[Assignee],
        from: &[S::InProgress],
        except: &[],
        target: Target::To(S::Assigned),
    },
    Rule {
        action: TicketAction::Submit,
        who: &[Assignee],
        from: &[S::Assigned, S::InProgress, S::Rejected],
        except: &[],
        target: Target::To(S::Submitted),
    },
    Rule {
        action: TicketAction::Approve,
        who: &[Approver],
        from: &[S::Submitted],
        except: &[],
        target: Target::To(S::Approved),
    },
    Rule {
        action: TicketAction::Reject,
        who: &[Approver],
        from: &[S::Submitted],
        except: &[],
        target: Target::To(S::Rejected),
    },
    Rule {
        action: TicketAction::Close,
        who: &[Admin, Editor, Approver],
        from: &[],
        except: &[S::Closed],
        target: Target::To(S::Closed),
    },
    Rule {
        action: TicketAction::Reopen,
        who: &[Admin, Editor],
        from: &[S::Closed],
        except: &[],
        target: Target::Initial,
    },
    Rule {
        action: TicketAction::Restart,
        who: &[Admin, Editor],
        from: &[],
        except: &[],
        target: Target::To(S::New),
    },
];

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The action is not possible from the current status (409).
    WrongStatus { current: TicketStatus, action: TicketAction },
    /// The caller does not hold a role the action needs (403).
    NotPermitted { action: TicketAction, who: &'static [Role] },
    /// Submitting needs an approver first (409).
    NoApprover,
    /// Separation of duties: an assignee may not approve or reject their own ticket (403).
    OwnTicket { action: TicketAction },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::WrongStatus { current, action } => {
                write!(f, "cannot {} a ticket whose status is {}", action.as_str(), current.as_str())
            }
            Refusal::NotPermitted { action, who } => {
                let names: Vec<&str> = who
                    .iter()
                    .map(|r| match r {
                        Admin => "an administrator",
                        Editor => "an account with TICKET_EDIT",
                        Assignee => "an assignee of the ticket",
                        Approver => "an approver of the ticket",
                    })
                    .collect();
                write!(f, "only {} can {} this ticket", names.join(" or "), action.as_str())
            }
            Refusal::NoApprover => f.write_str("set an approver before submitting the ticket for approval"),
            Refusal::OwnTicket { action } => write!(
                f,
                "separation of duties: an assignee of this ticket cannot {} it; another approver must",
                action.as_str()
            ),
        }
    }
}

fn rule(action: TicketAction) -> &'static Rule {
    // RULES has a row for every action (a test checks it), so the fallback is never taken.
    RULES.iter().find(|r| r.action == action).unwrap_or(&RULES[0])
}

/// The status `action` leads to for a ticket with `facts`, taken by someone with `roles`.
pub fn transition(facts: TicketFacts, roles: Roles, action: TicketAction) -> Result<TicketStatus, Refusal> {
    let r = rule(action);
    let from_ok = (r.from.is_empty() || r.from.contains(&facts.status)) && !r.except.contains(&facts.status);
    if !r.who.iter().any(|role| roles.holds(*role)) {
        return Err(Refusal::NotPermitted { action, who: r.who });
    }
    if !from_ok {
        return Err(Refusal::WrongStatus { current: facts.status, action });
    }
    if action == TicketAction::Submit && !facts.has_approver {
        return Err(Refusal::NoApprover);
    }
    if matches!(action, TicketAction::Approve | TicketAction::Reject)
        && facts.separation_of_duties
        && roles.assignee
    {
        return Err(Refusal::OwnTicket { action });
    }
    Ok(match r.target {
        Target::To(s) => s,
        Target::Initial => initial_status(facts.has_assignee),
    })
}

/// The actions the caller may take now, in table order: what a client shows as buttons.
pub fn allowed_actions(facts: TicketFacts, roles: Roles) -> Vec<TicketAction> {
    TicketAction::ALL.iter().copied().filter(|a| transition(facts, roles, *a).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: TicketStatus) -> TicketFacts {
        TicketFacts { status, has_assignee: true, has_approver: true, separation_of_duties: true }
    }

    const ONLY: [(Role, Roles); 4] = [
        (Admin, Roles { admin: true, editor: false, assignee: false, approver: false }),
        (Editor, Roles { admin: false, editor: true, assignee: false, approver: false }),
        (Assignee, Roles { admin: false, editor: false, assignee: true, approver: false }),
        (Approver, Roles { admin: false, editor: false, assignee: false, approver: true }),
    ];

    /// The SPEC table written out independently: (action, roles allowed, statuses allowed from).
    fn spec_allows(action: TicketAction, role: Role, status: TicketStatus) -> bool {
        use TicketAction as A;
        let who: &[Role] = match action {
            A::Start | A::BackToAssigned | A::Submit => &[Assignee],
            A::Approve | A::Reject => &[Approver],
            A::Close => &[Admin, Editor, Approver],
            A::Reopen | A::Restart => &[Admin, Editor],
        };
        let from = match action {
            A::Start => matches!(status, S::Assigned | S::Rejected),
            A::BackToAssigned => status == S::InProgress,
            A::Submit => matches!(status, S::Assigned | S::InProgress | S::Rejected),
            A::Approve | A::Reject => status == S::Submitted,
            A::Close => status != S::Closed,
            A::Reopen => status == S::Closed,
            A::Restart => true,
        };
        who.contains(&role) && from
    }

    #[test]
    fn every_action_has_exactly_one_rule() {
        for &a in TicketAction::ALL {
            assert_eq!(RULES.iter().filter(|r| r.action == a).count(), 1, "{a:?}");
        }
    }

    #[test]
    fn every_status_action_and_role_cell_matches_the_spec_table() {
        for &status in TicketStatus::ALL {
            for &action in TicketAction::ALL {
                for (role, roles) in ONLY {
                    let got = transition(facts(status), roles, action);
                    assert_eq!(
                        got.is_ok(),
                        spec_allows(action, role, status),
                        "{status:?} {action:?} by {role:?}: {got:?}"
                    );
                    if let Err(refusal) = got {
                        let expected_status_error = rule(action).who.contains(&role);
                        assert_eq!(
                            matches!(refusal, Refusal::WrongStatus { .. }),
                            expected_status_error,
                            "{refusal:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn targets_follow_the_table() {
        let assignee = ONLY[2].1;
        let approver = ONLY[3].1;
        let editor = ONLY[1].1;
        assert_eq!(transition(facts(S::Assigned), assignee, TicketAction::Start), Ok(S::InProgress));
        assert_eq!(transition(facts(S::InProgress), assignee, TicketAction::BackToAssigned), Ok(S::Assigned));
        assert_eq!(transition(facts(S::Rejected), assignee, TicketAction::Submit), Ok(S::Submitted));
        assert_eq!(transition(facts(S::Submitted), approver, TicketAction::Approve), Ok(S::Approved));
        assert_eq!(transition(facts(S::Submitted), approver, TicketAction::Reject), Ok(S::Rejected));
        assert_eq!(transition(facts(S::Approved), approver, TicketAction::Close), Ok(S::Closed));
        assert_eq!(transition(facts(S::Closed), editor, TicketAction::Reopen), Ok(S::Assigned));
        let unassigned = TicketFacts { has_assignee: false, ..facts(S::Closed) };
        assert_eq!(transition(unassigned, editor, TicketAction::Reopen), Ok(S::New));
        assert_eq!(transition(facts(S::Approved), editor, TicketAction::Restart), Ok(S::New));
    }

    #[test]
    fn submitting_needs_an_approver() {
        let no_approver = TicketFacts { has_approver: false, ..facts(S::InProgress) };
        assert_eq!(transition(no_approver, ONLY[2].1, TicketAction::Submit), Err(Refusal::NoApprover));
    }

    #[test]
    fn separation_of_duties_stops_an_assignee_approving_their_own_ticket() {
        let both = Roles { assignee: true, approver: true, ..Roles::default() };
        let refused = transition(facts(S::Submitted), both, TicketAction::Approve);
        assert_eq!(refused, Err(Refusal::OwnTicket { action: TicketAction::Approve }));
        assert!(refused.map_err(|e| e.to_string()).unwrap_err().contains("separation of duties"));
        let off = TicketFacts { separation_of_duties: false, ..facts(S::Submitted) };
        assert_eq!(transition(off, both, TicketAction::Reject), Ok(S::Rejected));
    }

    #[test]
    fn allowed_actions_are_what_the_caller_may_click() {
        let both = Roles { assignee: true, approver: true, ..Roles::default() };
        assert_eq!(
            allowed_actions(facts(S::Assigned), both),
            [TicketAction::Start, TicketAction::Submit, TicketAction::Close]
        );
        assert_eq!(
            allowed_actions(facts(S::Closed), ONLY[1].1),
            [TicketAction::Reopen, TicketAction::Restart]
        );
        assert!(allowed_actions(facts(S::Closed), Roles::default()).is_empty());
    }

    #[test]
    fn refusals_name_the_current_status() {
        let err = transition(facts(S::Closed), ONLY[2].1, TicketAction::Start).map_err(|e| e.to_string());
        assert_eq!(err, Err("cannot start a ticket whose status is closed".to_owned()));
    }

    #[test]
    fn statuses_parse_their_api_values() {
        for &s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{}\"", s.as_str())));
        }
        assert_eq!(TicketStatus::parse("In Progress"), None);
    }
}
