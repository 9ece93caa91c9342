//! The explanation status machine, as data.
//!
//! [`RULES`] is the SPEC's explanation table, one row per (action, role): from which statuses it
//! is taken and where it leads. [`transition`] answers any action; [`submit`], [`review`] and
//! [`bulk`] are the shapes the services need; [`allowed_actions`] is what a client shows as
//! buttons. Tests iterate over every (status, action, role set) cell.
//!
//! Where the SPEC leaves a choice, this is what the table does:
//! - The result is recorded only when the status becomes final (`closed` or `audit_completed`);
//!   every other transition leaves it unset. In particular the manager's confirmation towards an
//!   auditor (`awaiting`) keeps no provisional result: the manager's verdict is a comment in the
//!   history, the auditor's is the result. So a stored result is set exactly when the status is
//!   final.
//! - One employee may be both the manager and the auditor: both steps are theirs, one after the
//!   other (the manager's on `submitted`, the auditor's on `awaiting`), and nobody is mailed in
//!   between since the next reviewer is the caller.
//! - The violator never reviews their own explanation, even when also named its manager or
//!   auditor (403). EXPLANATION_AUDIT's bulk review and delete are not restricted this way.
//! - A resubmission after an audit return goes to `submitted` and the manager is mailed, as the
//!   SPEC table says: only the manager can act on `submitted`, and the auditor sees the
//!   explanation again once the manager confirms it.
//! - A bulk return is a return: the violator is mailed a new link, as on every return.
//! - A new link can be issued only while the explanation waits for the violator (`new`,
//!   `returned`, `audit_returned`), the only time a link lets them do something; links can be
//!   revoked at any time.

use socdesk_types::explanations::ReviewAction;
pub use socdesk_types::explanations::{ExplanationAction, ExplanationResult, ExplanationStatus};

use crate::DomainError;

/// A role an account (or the holder of a link) plays towards one explanation. One can hold
/// several: a manager who also holds EXPLANATION_AUDIT, a manager who is also the auditor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The violator: the holder of a live link (the token page).
    Violator,
    /// The employee named as manager (primary reviewer), through an account linked to them.
    Manager,
    /// The employee named as auditor (secondary reviewer), through an account linked to them.
    Auditor,
    /// Holds EXPLANATION_AUDIT or ADMIN.
    Auditing,
}

/// The roles a caller holds towards an explanation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub violator: bool,
    pub manager: bool,
    pub auditor: bool,
    pub auditing: bool,
}

impl Roles {
    /// The holder of a live link.
    pub const VIOLATOR: Roles = Roles { violator: true, manager: false, auditor: false, auditing: false };
    /// An account with EXPLANATION_AUDIT or ADMIN and no part in the explanation.
    pub const AUDITING: Roles = Roles { violator: false, manager: false, auditor: false, auditing: true };

    fn holds(self, role: Role) -> bool {
        match role {
            Role::Violator => self.violator,
            Role::Manager => self.manager,
            Role::Auditor => self.auditor,
            Role::Auditing => self.auditing,
        }
    }
}

/// Facts about the explanation that the rules depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExplanationFacts {
    pub status: ExplanationStatus,
    /// Whether an auditor (secondary reviewer) is named.
    pub has_auditor: bool,
}

/// Whom a change mails (written to the outbox in the same transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notify {
    /// Nobody: the review is over, or nothing changed for anyone else.
    Nobody,
    /// The violator, with a fresh link; every older link stops working.
    Violator,
    /// The manager: an explanation to review.
    Manager,
    /// The auditor: an explanation to review.
    Auditor,
}

/// Where a submission or a review leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The new status.
    pub status: ExplanationStatus,
    /// The result to store: set exactly when `status` is final, cleared otherwise.
    pub result: Option<ExplanationResult>,
    /// Whom to mail.
    pub notify: Notify,
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The explanation moves to another status.
    Moved(Outcome),
    /// Status and result stay; only the link changes (`Notify::Violator`: a new one is mailed).
    Link { notify: Notify },
    /// The explanation is deleted (the audit log keeps it).
    Removed,
}

/// Where a row leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Back to the violator: this status, result cleared, a new link mailed.
    ToViolator(ExplanationStatus),
    /// `submitted`, result cleared, the manager mailed.
    ToManager,
    /// The manager's confirmation: `closed` with the result if there is no auditor; else
    /// `awaiting` with the result unset, and the auditor mailed.
    ManagerVerdict,
    /// Final: this status with the action's result; nobody mailed.
    Final(ExplanationStatus),
    /// Same status; the violator is mailed a new link.
    NewLink,
    /// Same status; every link stops working.
    NoLink,
    /// Deleted.
    Removed,
}

/// One row of the status table.
#[derive(Debug)]
pub struct Rule {
    pub action: ExplanationAction,
    /// Who may take it.
    pub who: Role,
    /// From which statuses; empty means any.
    pub from: &'static [ExplanationStatus],
    target: Target,
}

use ExplanationAction as A;
use ExplanationStatus as S;
use Role::*;

/// The statuses in which the explanation waits for the violator.
pub(crate) const WAITING_FOR_VIOLATOR: &[ExplanationStatus] = &[S::New, S::Returned, S::AuditReturned];

/// The SPEC's explanation status table. Rows of one action never overlap in `from`, so at most
/// one row applies to a caller, whatever roles they hold.
pub const RULES: &[Rule] = &[
    Rule { action: A::Submit, who: Violator, from: WAITING_FOR_VIOLATOR, target: Target::ToManager },
    Rule { action: A::Return, who: Manager, from: &[S::Submitted], target: Target::ToViolator(S::Returned) },
    Rule { action: A::Normal, who: Manager, from: &[S::Submitted], target: Target::ManagerVerdict },
    Rule { action: A::Violated, who: Manager, from: &[S::Submitted], target: Target::ManagerVerdict },
    Rule {
        action: A::Return,
        who: Auditor,
        from: &[S::Awaiting],
        target: Target::ToViolator(S::AuditReturned),
    },
    Rule { action: A::Normal, who: Auditor, from: &[S::Awaiting], target: Target::Final(S::AuditCompleted) },
    Rule {
        action: A::Violated,
        who: Auditor,
        from: &[S::Awaiting],
        target: Target::Final(S::AuditCompleted),
    },
    Rule { action: A::BulkReturn, who: Auditing, from: &[], target: Target::ToViolator(S::New) },
    Rule { action: A::BulkNormal, who: Auditing, from: &[], target: Target::Final(S::AuditCompleted) },
    Rule { action: A::BulkViolated, who: Auditing, from: &[], target: Target::Final(S::AuditCompleted) },
    Rule { action: A::Delete, who: Auditing, from: &[], target: Target::Removed },
    Rule { action: A::ReissueLink, who: Auditing, from: WAITING_FOR_VIOLATOR, target: Target::NewLink },
    Rule { action: A::RevokeLink, who: Auditing, from: &[], target: Target::NoLink },
];

/// Why an action was refused. The `Display` text is the problem detail shown to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The action is not possible from the current status (409); the text says whose turn it is.
    WrongStatus { current: ExplanationStatus, action: ExplanationAction },
    /// A review by someone who is neither this explanation's manager nor its auditor (403).
    NotYours { action: ExplanationAction },
    /// The violator may not review their own explanation (403).
    OwnExplanation { action: ExplanationAction },
    /// The action needs a role the caller lacks: the violator's link, or EXPLANATION_AUDIT (403).
    NotPermitted { action: ExplanationAction, who: Role },
}

impl Refusal {
    /// Whether the caller may never do this (403), rather than not now (409).
    pub fn is_forbidden(&self) -> bool {
        !matches!(self, Refusal::WrongStatus { .. })
    }
}

fn verb(action: ExplanationAction) -> &'static str {
    match action {
        A::Submit => "submit",
        A::Return => "return",
        A::Normal => "confirm as normal",
        A::Violated => "confirm as violated",
        A::BulkReturn => "bulk-return",
        A::BulkNormal => "bulk-confirm as normal",
        A::BulkViolated => "bulk-confirm as violated",
        A::Delete => "delete",
        A::ReissueLink => "reissue the link to",
        A::RevokeLink => "revoke the links to",
    }
}

/// Whose turn it is in `status`.
fn turn(status: ExplanationStatus) -> &'static str {
    match status {
        S::New => "it waits for the violator's explanation",
        S::Returned => "the manager returned it and it waits for the violator's new explanation",
        S::AuditReturned => "the auditor returned it and it waits for the violator's new explanation",
        S::Submitted => "it waits for the manager's review",
        S::Awaiting => "it waits for the auditor's review",
        S::Closed | S::AuditCompleted => {
            "the review is over; only an account with EXPLANATION_AUDIT can still change it"
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Refusal::WrongStatus { current, action } => {
                write!(
                    f,
                    "cannot {} this explanation: its status is {current} ({})",
                    verb(action),
                    turn(current)
                )
            }
            Refusal::NotYours { .. } => f.write_str(
                "only the manager or the auditor of this explanation can review it, through an account \
                 linked to that very employee",
            ),
            Refusal::OwnExplanation { .. } => f.write_str("the violator cannot review their own explanation"),
            Refusal::NotPermitted { action, who } => {
                let who = match who {
                    Violator => "the violator, through the link in their email,",
                    Manager => "the manager of this explanation",
                    Auditor => "the auditor of this explanation",
                    Auditing => "an account with EXPLANATION_AUDIT or ADMIN",
                };
                write!(f, "only {who} can {} this explanation", verb(action))
            }
        }
    }
}

impl From<Refusal> for DomainError {
    fn from(refusal: Refusal) -> Self {
        if refusal.is_forbidden() {
            DomainError::Forbidden(refusal.to_string())
        } else {
            DomainError::Conflict(refusal.to_string())
        }
    }
}

fn is_review(action: ExplanationAction) -> bool {
    matches!(action, A::Return | A::Normal | A::Violated)
}

fn verdict(action: ExplanationAction) -> Option<ExplanationResult> {
    match action {
        A::Normal | A::BulkNormal => Some(ExplanationResult::Normal),
        A::Violated | A::BulkViolated => Some(ExplanationResult::Violated),
        _ => None,
    }
}

fn effect(rule: &Rule, facts: ExplanationFacts, roles: Roles) -> Effect {
    let moved = |status, result, notify| Effect::Moved(Outcome { status, result, notify });
    match rule.target {
        Target::ToViolator(status) => moved(status, None, Notify::Violator),
        Target::ToManager => moved(S::Submitted, None, Notify::Manager),
        Target::ManagerVerdict if facts.has_auditor => {
            // A manager who is also the auditor takes the next step themselves: no mail to self.
            moved(S::Awaiting, None, if roles.auditor { Notify::Nobody } else { Notify::Auditor })
        }
        Target::ManagerVerdict => moved(S::Closed, verdict(rule.action), Notify::Nobody),
        Target::Final(status) => moved(status, verdict(rule.action), Notify::Nobody),
        Target::NewLink => Effect::Link { notify: Notify::Violator },
        Target::NoLink => Effect::Link { notify: Notify::Nobody },
        Target::Removed => Effect::Removed,
    }
}

/// What `action` does to an explanation with `facts`, taken by someone with `roles`.
///
/// Fails with a 403 refusal when the caller holds no role the action needs (checked first), and
/// with [`Refusal::WrongStatus`] (409) when the current status doesn't allow it.
pub fn transition(
    facts: ExplanationFacts,
    roles: Roles,
    action: ExplanationAction,
) -> Result<Effect, Refusal> {
    let rows = || RULES.iter().filter(move |r| r.action == action);
    let mut held = rows().filter(|r| roles.holds(r.who)).peekable();
    if held.peek().is_none() {
        return Err(if is_review(action) {
            Refusal::NotYours { action }
        } else {
            // Every action has a row (a test checks it), so the fallback is never taken.
            Refusal::NotPermitted { action, who: rows().next().map_or(Auditing, |r| r.who) }
        });
    }
    if is_review(action) && roles.violator {
        return Err(Refusal::OwnExplanation { action });
    }
    match held.find(|r| r.from.is_empty() || r.from.contains(&facts.status)) {
        Some(rule) => Ok(effect(rule, facts, roles)),
        None => Err(Refusal::WrongStatus { current: facts.status, action }),
    }
}

/// The violator submits an explanation through the token page (the link proves who they are;
/// whether it is still open is [`super::window`]'s question, asked separately).
///
/// Leads to `submitted` and mails the manager, also after an audit return: the SPEC table sends
/// every submission to the manager, the only one who can act on `submitted`; the auditor sees it
/// again after the manager confirms it. Fails with [`Refusal::WrongStatus`] unless the
/// explanation waits for the violator (`new`, `returned`, `audit_returned`).
pub fn submit(status: ExplanationStatus) -> Result<Outcome, Refusal> {
    // `has_auditor` plays no part in submitting.
    let facts = ExplanationFacts { status, has_auditor: false };
    match transition(facts, Roles::VIOLATOR, A::Submit)? {
        Effect::Moved(outcome) => Ok(outcome),
        // The submit row always moves the status; refuse rather than panic if it ever did not.
        _ => Err(Refusal::WrongStatus { current: status, action: A::Submit }),
    }
}

/// The manager's or the auditor's decision (`POST /api/explanations/{id}/review`): the manager's
/// on `submitted`, the auditor's on `awaiting`; one employee holding both takes both in turn.
///
/// Fails with [`Refusal::NotYours`] (403) unless the caller is this explanation's manager or
/// auditor, [`Refusal::OwnExplanation`] (403) if they are also its violator, and
/// [`Refusal::WrongStatus`] (409) when it isn't their turn.
pub fn review(facts: ExplanationFacts, roles: Roles, action: ReviewAction) -> Result<Outcome, Refusal> {
    let action = match action {
        ReviewAction::Return => A::Return,
        ReviewAction::Normal => A::Normal,
        ReviewAction::Violated => A::Violated,
    };
    match transition(facts, roles, action)? {
        Effect::Moved(outcome) => Ok(outcome),
        _ => Err(Refusal::WrongStatus { current: facts.status, action }),
    }
}

/// A bulk review (EXPLANATION_AUDIT, checked by the caller), from any status: a confirmation
/// leads to `audit_completed` with the result, a return to `new` with the result cleared and a
/// new link mailed to the violator.
pub fn bulk(action: ReviewAction) -> Result<Outcome, Refusal> {
    let action = match action {
        ReviewAction::Return => A::BulkReturn,
        ReviewAction::Normal => A::BulkNormal,
        ReviewAction::Violated => A::BulkViolated,
    };
    // Bulk rows take any status and ignore `has_auditor`, so any facts give the same answer.
    let facts = ExplanationFacts { status: S::New, has_auditor: false };
    match transition(facts, Roles::AUDITING, action)? {
        Effect::Moved(outcome) => Ok(outcome),
        _ => Err(Refusal::WrongStatus { current: facts.status, action }),
    }
}

/// The actions the caller may take now, in declaration order: what a client shows as buttons.
/// `submit` is listed by status only; the token page also asks [`super::window::can_submit`].
pub fn allowed_actions(facts: ExplanationFacts, roles: Roles) -> Vec<ExplanationAction> {
    ExplanationAction::ALL.iter().copied().filter(|&a| transition(facts, roles, a).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExplanationResult::{Normal as N, Violated as V};

    /// Every combination of the four roles, the empty set included.
    fn role_sets() -> Vec<Roles> {
        (0u8..16)
            .map(|bits| Roles {
                violator: bits & 1 != 0,
                manager: bits & 2 != 0,
                auditor: bits & 4 != 0,
                auditing: bits & 8 != 0,
            })
            .collect()
    }

    /// Every (status, has_auditor, roles) the API can build: an auditor role needs an auditor.
    fn cells() -> Vec<(ExplanationFacts, Roles)> {
        let mut cells = Vec::new();
        for &status in S::ALL {
            for has_auditor in [false, true] {
                for roles in role_sets() {
                    if roles.auditor && !has_auditor {
                        continue;
                    }
                    cells.push((ExplanationFacts { status, has_auditor }, roles));
                }
            }
        }
        cells
    }

    /// What a cell should do, as its refusal class or its effect.
    #[derive(Debug, PartialEq)]
    enum Want {
        Moved(ExplanationStatus, Option<ExplanationResult>, Notify),
        Link(Notify),
        Removed,
        NotYours,
        Own,
        NotPermitted,
        Conflict,
    }

    fn got(result: Result<Effect, Refusal>) -> Want {
        match result {
            Ok(Effect::Moved(o)) => Want::Moved(o.status, o.result, o.notify),
            Ok(Effect::Link { notify }) => Want::Link(notify),
            Ok(Effect::Removed) => Want::Removed,
            Err(Refusal::NotYours { .. }) => Want::NotYours,
            Err(Refusal::OwnExplanation { .. }) => Want::Own,
            Err(Refusal::NotPermitted { .. }) => Want::NotPermitted,
            Err(Refusal::WrongStatus { .. }) => Want::Conflict,
        }
    }

    /// The SPEC table and the module's decisions, written out independently of `RULES`.
    fn want(facts: ExplanationFacts, roles: Roles, action: ExplanationAction) -> Want {
        let status = facts.status;
        let waits_for_violator = matches!(status, S::New | S::Returned | S::AuditReturned);
        let result = match action {
            A::Normal | A::BulkNormal => Some(N),
            A::Violated | A::BulkViolated => Some(V),
            _ => None,
        };
        match action {
            A::Submit if !roles.violator => Want::NotPermitted,
            A::Submit if waits_for_violator => Want::Moved(S::Submitted, None, Notify::Manager),
            A::Submit => Want::Conflict,
            A::Return | A::Normal | A::Violated => {
                if !roles.manager && !roles.auditor {
                    Want::NotYours
                } else if roles.violator {
                    Want::Own
                } else if status == S::Submitted && roles.manager {
                    match result {
                        None => Want::Moved(S::Returned, None, Notify::Violator),
                        Some(_) if facts.has_auditor && roles.auditor => {
                            Want::Moved(S::Awaiting, None, Notify::Nobody)
                        }
                        Some(_) if facts.has_auditor => Want::Moved(S::Awaiting, None, Notify::Auditor),
                        Some(r) => Want::Moved(S::Closed, Some(r), Notify::Nobody),
                    }
                } else if status == S::Awaiting && roles.auditor {
                    match result {
                        None => Want::Moved(S::AuditReturned, None, Notify::Violator),
                        Some(r) => Want::Moved(S::AuditCompleted, Some(r), Notify::Nobody),
                    }
                } else {
                    Want::Conflict
                }
            }
            _ if !roles.auditing => Want::NotPermitted,
            A::BulkReturn => Want::Moved(S::New, None, Notify::Violator),
            A::BulkNormal | A::BulkViolated => Want::Moved(S::AuditCompleted, result, Notify::Nobody),
            A::Delete => Want::Removed,
            A::ReissueLink if waits_for_violator => Want::Link(Notify::Violator),
            A::ReissueLink => Want::Conflict,
            A::RevokeLink => Want::Link(Notify::Nobody),
        }
    }

    #[test]
    fn every_action_has_a_row_and_rows_of_one_action_never_overlap() {
        for &action in A::ALL {
            let rows: Vec<&Rule> = RULES.iter().filter(|r| r.action == action).collect();
            assert!(!rows.is_empty(), "{action:?} has no row");
            for &status in S::ALL {
                let applying = rows.iter().filter(|r| r.from.is_empty() || r.from.contains(&status)).count();
                assert!(applying <= 1, "{action:?} from {status:?}: {applying} rows");
            }
        }
    }

    #[test]
    fn every_status_action_and_role_set_cell_matches_the_spec_table() {
        let mut checked = 0;
        for (facts, roles) in cells() {
            for &action in A::ALL {
                let result = transition(facts, roles, action);
                assert_eq!(got(result), want(facts, roles, action), "{facts:?} {roles:?} {action:?}");
                checked += 1;
            }
        }
        // 7 statuses × (8 role sets without an auditor + 16 with one) × 10 actions.
        assert_eq!(checked, 7 * 24 * 10);
    }

    #[test]
    fn a_result_is_stored_exactly_when_the_status_is_final() {
        for (facts, roles) in cells() {
            for &action in A::ALL {
                if let Ok(Effect::Moved(o)) = transition(facts, roles, action) {
                    let is_final = matches!(o.status, S::Closed | S::AuditCompleted);
                    assert_eq!(o.result.is_some(), is_final, "{facts:?} {roles:?} {action:?}: {o:?}");
                }
            }
        }
    }

    #[test]
    fn allowed_actions_list_exactly_what_would_succeed() {
        for (facts, roles) in cells() {
            let allowed = allowed_actions(facts, roles);
            for &action in A::ALL {
                let succeeds = match action {
                    A::Submit => roles.violator && submit(facts.status).is_ok(),
                    A::Return => review(facts, roles, ReviewAction::Return).is_ok(),
                    A::Normal => review(facts, roles, ReviewAction::Normal).is_ok(),
                    A::Violated => review(facts, roles, ReviewAction::Violated).is_ok(),
                    // Bulk review and the rest: any status, for EXPLANATION_AUDIT; links per status.
                    _ => transition(facts, roles, action).is_ok(),
                };
                assert_eq!(allowed.contains(&action), succeeds, "{facts:?} {roles:?} {action:?}");
            }
        }
    }

    #[test]
    fn submit_review_and_bulk_agree_with_the_table() {
        for (facts, roles) in cells() {
            for &(review_action, action) in &[
                (ReviewAction::Return, A::Return),
                (ReviewAction::Normal, A::Normal),
                (ReviewAction::Violated, A::Violated),
            ] {
                let direct = transition(facts, roles, action).map(|e| got(Ok(e)));
                let via =
                    review(facts, roles, review_action).map(|o| Want::Moved(o.status, o.result, o.notify));
                assert_eq!(via, direct, "{facts:?} {roles:?} {review_action:?}");
            }
        }
        for &status in S::ALL {
            let via = submit(status).map(|o| Want::Moved(o.status, o.result, o.notify));
            let facts = ExplanationFacts { status, has_auditor: true };
            assert_eq!(via, transition(facts, Roles::VIOLATOR, A::Submit).map(|e| got(Ok(e))));
        }
        assert_eq!(
            bulk(ReviewAction::Return).ok(),
            Some(Outcome { status: S::New, result: None, notify: Notify::Violator })
        );
        assert_eq!(
            bulk(ReviewAction::Normal).ok(),
            Some(Outcome { status: S::AuditCompleted, result: Some(N), notify: Notify::Nobody })
        );
        assert_eq!(
            bulk(ReviewAction::Violated).ok(),
            Some(Outcome { status: S::AuditCompleted, result: Some(V), notify: Notify::Nobody })
        );
    }

    fn manager() -> Roles {
        Roles { manager: true, ..Roles::default() }
    }

    fn auditor() -> Roles {
        Roles { auditor: true, ..Roles::default() }
    }

    #[test]
    fn a_round_with_an_auditor_goes_through_both_reviewers_and_back_to_the_manager() {
        let with_auditor = |status| ExplanationFacts { status, has_auditor: true };
        let s = submit(S::New).map(|o| (o.status, o.notify));
        assert_eq!(s, Ok((S::Submitted, Notify::Manager)));
        let o = review(with_auditor(S::Submitted), manager(), ReviewAction::Violated);
        assert_eq!(o, Ok(Outcome { status: S::Awaiting, result: None, notify: Notify::Auditor }));
        let o = review(with_auditor(S::Awaiting), auditor(), ReviewAction::Return);
        assert_eq!(o, Ok(Outcome { status: S::AuditReturned, result: None, notify: Notify::Violator }));
        let o = submit(S::AuditReturned);
        assert_eq!(o, Ok(Outcome { status: S::Submitted, result: None, notify: Notify::Manager }));
        let o = review(with_auditor(S::Submitted), manager(), ReviewAction::Normal);
        assert_eq!(o.map(|o| o.status), Ok(S::Awaiting));
        let o = review(with_auditor(S::Awaiting), auditor(), ReviewAction::Normal);
        assert_eq!(o, Ok(Outcome { status: S::AuditCompleted, result: Some(N), notify: Notify::Nobody }));
    }

    #[test]
    fn without_an_auditor_the_manager_closes_it() {
        let facts = ExplanationFacts { status: S::Submitted, has_auditor: false };
        let o = review(facts, manager(), ReviewAction::Violated);
        assert_eq!(o, Ok(Outcome { status: S::Closed, result: Some(V), notify: Notify::Nobody }));
        let o = review(facts, manager(), ReviewAction::Return);
        assert_eq!(o, Ok(Outcome { status: S::Returned, result: None, notify: Notify::Violator }));
    }

    #[test]
    fn a_manager_who_is_also_the_auditor_takes_both_steps_without_mailing_themselves() {
        let both = Roles { manager: true, auditor: true, ..Roles::default() };
        let at = |status| ExplanationFacts { status, has_auditor: true };
        let o = review(at(S::Submitted), both, ReviewAction::Normal);
        assert_eq!(o, Ok(Outcome { status: S::Awaiting, result: None, notify: Notify::Nobody }));
        assert_eq!(allowed_actions(at(S::Awaiting), both), [A::Return, A::Normal, A::Violated]);
        let o = review(at(S::Awaiting), both, ReviewAction::Violated);
        assert_eq!(o, Ok(Outcome { status: S::AuditCompleted, result: Some(V), notify: Notify::Nobody }));
    }

    #[test]
    fn not_your_explanation_is_forbidden_and_not_your_turn_is_a_conflict() {
        let facts = ExplanationFacts { status: S::Submitted, has_auditor: true };
        let stranger = Roles::AUDITING;
        let refused = review(facts, stranger, ReviewAction::Normal);
        assert_eq!(refused, Err(Refusal::NotYours { action: A::Normal }));
        assert!(matches!(refused.map_err(DomainError::from), Err(DomainError::Forbidden(_))));

        let refused = review(facts, auditor(), ReviewAction::Normal);
        assert_eq!(refused, Err(Refusal::WrongStatus { current: S::Submitted, action: A::Normal }));
        let detail = refused.map_err(DomainError::from);
        assert!(
            matches!(&detail, Err(DomainError::Conflict(m)) if m.contains("waits for the manager's review"))
        );

        let own = Roles { violator: true, manager: true, ..Roles::default() };
        let refused = review(facts, own, ReviewAction::Normal).map_err(DomainError::from);
        assert!(matches!(refused, Err(DomainError::Forbidden(m)) if m.contains("their own explanation")));
    }

    #[test]
    fn refusals_name_the_current_status_and_who_may_act() {
        let text = |facts, roles, action| transition(facts, roles, action).map_err(|r| r.to_string());
        let closed = ExplanationFacts { status: S::Closed, has_auditor: false };
        assert_eq!(
            text(closed, manager(), A::Return),
            Err("cannot return this explanation: its status is closed (the review is over; only an \
                 account with EXPLANATION_AUDIT can still change it)"
                .to_owned())
        );
        let awaiting = ExplanationFacts { status: S::Awaiting, has_auditor: true };
        assert_eq!(
            text(awaiting, manager(), A::Normal),
            Err("cannot confirm as normal this explanation: its status is awaiting (it waits for the \
                 auditor's review)"
                .to_owned())
        );
        let submitted = ExplanationFacts { status: S::Submitted, has_auditor: false };
        assert_eq!(
            text(submitted, Roles::VIOLATOR, A::Submit),
            Err("cannot submit this explanation: its status is submitted (it waits for the manager's \
                 review)"
                .to_owned())
        );
        assert_eq!(
            text(submitted, manager(), A::Delete),
            Err("only an account with EXPLANATION_AUDIT or ADMIN can delete this explanation".to_owned())
        );
        assert_eq!(
            text(submitted, Roles::AUDITING, A::Submit),
            Err("only the violator, through the link in their email, can submit this explanation".to_owned())
        );
        assert_eq!(
            text(submitted, Roles::default(), A::Return),
            Err("only the manager or the auditor of this explanation can review it, through an account \
                 linked to that very employee"
                .to_owned())
        );
        // Every status explains whose turn it is.
        for &status in S::ALL {
            let refusal = Refusal::WrongStatus { current: status, action: A::Submit }.to_string();
            assert!(refusal.contains(&format!("its status is {status} (")), "{refusal}");
        }
    }

    #[test]
    fn allowed_actions_are_what_the_caller_may_click() {
        let at = |status| ExplanationFacts { status, has_auditor: false };
        assert_eq!(allowed_actions(at(S::New), Roles::VIOLATOR), [A::Submit]);
        assert!(allowed_actions(at(S::Submitted), Roles::VIOLATOR).is_empty());
        assert_eq!(allowed_actions(at(S::Submitted), manager()), [A::Return, A::Normal, A::Violated]);
        assert!(allowed_actions(at(S::Closed), manager()).is_empty());
        let manager_and_audit = Roles { manager: true, auditing: true, ..Roles::default() };
        assert_eq!(
            allowed_actions(at(S::Returned), manager_and_audit),
            [A::BulkReturn, A::BulkNormal, A::BulkViolated, A::Delete, A::ReissueLink, A::RevokeLink]
        );
        assert_eq!(
            allowed_actions(at(S::Closed), Roles::AUDITING),
            [A::BulkReturn, A::BulkNormal, A::BulkViolated, A::Delete, A::RevokeLink]
        );
        assert!(allowed_actions(at(S::New), Roles::default()).is_empty());
    }
}
