//! A rule as its form holds it — text as typed, durations in a unit, lists as comma-separated
//! text — and the conversions to and from the API's `NewRule`. The form's own checks (numbers
//! that are not numbers) name the same fields the server would.

use std::collections::BTreeSet;

use socdesk_types::{
    FieldError,
    rules::{BatchSpec, ExplanationSpec, FieldMapping, NewRule, Rule, RuleKind, TicketTemplateSpec},
    tickets::{AccountRef, Priority},
};

use super::condition::{self, Combine, Test};

/// The unit a duration is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl Unit {
    pub const ALL: [Unit; 4] = [Unit::Seconds, Unit::Minutes, Unit::Hours, Unit::Days];

    pub fn secs(self) -> i64 {
        match self {
            Unit::Seconds => 1,
            Unit::Minutes => 60,
            Unit::Hours => 3600,
            Unit::Days => 86_400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Days => "days",
        }
    }

    pub fn parse(raw: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == raw)
    }
}

/// A duration as typed: a number and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    pub value: String,
    pub unit: Unit,
}

impl Duration {
    /// `secs` in the largest unit that holds it whole.
    pub fn of(secs: i64) -> Self {
        let unit = [Unit::Days, Unit::Hours, Unit::Minutes]
            .into_iter()
            .find(|u| secs != 0 && secs % u.secs() == 0)
            .unwrap_or(Unit::Seconds);
        Duration { value: (secs / unit.secs()).to_string(), unit }
    }

    /// The seconds it says, if the number is a whole one.
    pub fn secs(&self) -> Option<i64> {
        self.value.trim().parse::<i64>().ok().and_then(|n| n.checked_mul(self.unit.secs()))
    }
}

/// Comma-separated names as a list (blanks dropped).
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// `Ticket field = record field` lines as field mappings.
pub fn parse_mappings(text: &str) -> Result<Vec<FieldMapping>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| match l.split_once('=') {
            Some((name, from)) if !name.trim().is_empty() && !from.trim().is_empty() => {
                Ok(FieldMapping { name: name.trim().to_owned(), from: from.trim().to_owned() })
            }
            _ => Err(format!("line {} must read “Ticket field = record field”", i + 1)),
        })
        .collect()
}

/// Field mappings as the form's lines.
pub fn mappings_text(fields: &[FieldMapping]) -> String {
    fields.iter().map(|f| format!("{} = {}", f.name, f.from)).collect::<Vec<_>>().join("\n")
}

/// The rule form's values.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub description: String,
    pub kind: RuleKind,
    pub enabled: bool,
    pub table: String,
    pub combine: Combine,
    pub tests: Vec<Test>,
    /// The condition is edited as JSON (`raw`) rather than as tests.
    pub raw_mode: bool,
    pub raw: String,
    pub query: String,
    pub interval: Duration,
    pub lookback: Duration,
    pub threshold: String,
    pub group_by: String,
    pub site_id: Option<i64>,
    pub category_id: Option<i64>,
    pub priority: Priority,
    pub assignees: Vec<AccountRef>,
    pub approvers: Vec<AccountRef>,
    pub tag_ids: BTreeSet<i64>,
    pub title: String,
    pub body: String,
    pub mappings: String,
    pub explain: bool,
    pub explanation_category_id: Option<i64>,
    pub deadline_days: String,
    pub message: String,
    pub dedup_fields: String,
    pub dedup_window: Duration,
}

impl Default for RuleDraft {
    fn default() -> Self {
        RuleDraft {
            name: String::new(),
            description: String::new(),
            kind: RuleKind::Stream,
            enabled: true,
            table: String::new(),
            combine: Combine::All,
            tests: vec![Test::new(0)],
            raw_mode: false,
            raw: String::new(),
            query: String::new(),
            interval: Duration { value: "5".into(), unit: Unit::Minutes },
            lookback: Duration { value: "1".into(), unit: Unit::Hours },
            threshold: "10".into(),
            group_by: String::new(),
            site_id: None,
            category_id: None,
            priority: Priority::Low,
            assignees: Vec::new(),
            approvers: Vec::new(),
            tag_ids: BTreeSet::new(),
            title: String::new(),
            body: String::new(),
            mappings: String::new(),
            explain: false,
            explanation_category_id: None,
            deadline_days: "7".into(),
            message: String::new(),
            dedup_fields: String::new(),
            dedup_window: Duration { value: "1".into(), unit: Unit::Days },
        }
    }
}

impl RuleDraft {
    /// The draft of a stored rule; `people` names its assignees and approvers (ids it does not
    /// know show as `#id`). A condition deeper than the tests can show opens as JSON.
    pub fn of(rule: &Rule, people: &[AccountRef]) -> Self {
        let named = |ids: &[i64]| {
            ids.iter()
                .map(|id| {
                    people.iter().find(|a| a.id == *id).cloned().unwrap_or_else(|| AccountRef {
                        id: *id,
                        login: format!("#{id}"),
                        display_name: format!("#{id}"),
                    })
                })
                .collect::<Vec<_>>()
        };
        let mut d = RuleDraft {
            name: rule.name.clone(),
            description: rule.description.clone().unwrap_or_default(),
            kind: rule.kind,
            enabled: rule.enabled,
            table: rule.table.clone(),
            site_id: Some(rule.ticket.site_id),
            category_id: rule.ticket.category_id,
            priority: rule.ticket.priority.unwrap_or(Priority::Low),
            assignees: named(&rule.ticket.assignee_ids),
            approvers: named(&rule.ticket.approver_ids),
            tag_ids: rule.ticket.tag_ids.iter().copied().collect(),
            title: rule.ticket.title.clone(),
            body: rule.ticket.body.clone().unwrap_or_default(),
            mappings: mappings_text(&rule.ticket.fields),
            dedup_fields: rule.dedup_fields.join(", "),
            dedup_window: Duration::of(rule.dedup_window_secs),
            ..RuleDraft::default()
        };
        if let Some(c) = &rule.condition {
            match condition::from_condition(c) {
                Some((combine, tests)) if !tests.is_empty() => {
                    d.combine = combine;
                    d.tests = tests;
                }
                _ => {
                    d.raw_mode = true;
                    d.raw = serde_json::to_string_pretty(c).unwrap_or_default();
                }
            }
        }
        if let Some(b) = &rule.batch {
            d.query = b.query.clone();
            d.interval = Duration::of(b.interval_secs);
            d.lookback = Duration::of(b.lookback_secs);
            d.threshold = b.threshold.to_string();
            d.group_by = b.group_by.join(", ");
        }
        if let Some(e) = &rule.explanation {
            d.explain = true;
            d.explanation_category_id = e.category_id;
            d.deadline_days = e.deadline_days.to_string();
            d.message = e.message.clone().unwrap_or_default();
        }
        d
    }

    /// The body of `POST /api/rules` / `PUT /api/rules/{id}`, or what the form must fix first
    /// (named as the server names fields; condition rows as `condition.and[i]`).
    pub fn to_new(&self) -> Result<NewRule, Vec<FieldError>> {
        let mut errors = Vec::new();
        let condition = match self.kind {
            RuleKind::Batch => None,
            RuleKind::Stream if self.raw_mode => match serde_json::from_str(&self.raw) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(FieldError::new("condition", format!("is not a condition: {e}")));
                    None
                }
            },
            RuleKind::Stream if self.tests.is_empty() => {
                errors.push(FieldError::new("condition", "add at least one test"));
                None
            }
            RuleKind::Stream => match condition::to_condition(self.combine, &self.tests) {
                Ok(c) => Some(c),
                Err(rows) => {
                    let list = if self.combine == Combine::All { "and" } else { "or" };
                    errors.extend(
                        rows.into_iter()
                            .map(|(i, m)| FieldError::new(format!("condition.{list}[{i}].value"), m)),
                    );
                    None
                }
            },
        };
        let mut number = |field: &str, text: &str| match text.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.push(FieldError::new(field, "must be a whole number"));
                0
            }
        };
        let batch = match self.kind {
            RuleKind::Stream => None,
            RuleKind::Batch => {
                let threshold = number("batch.threshold", &self.threshold);
                let interval_secs = self.interval.secs();
                let lookback_secs = self.lookback.secs();
                if interval_secs.is_none() {
                    errors.push(FieldError::new("batch.interval_secs", "must be a whole number"));
                }
                if lookback_secs.is_none() {
                    errors.push(FieldError::new("batch.lookback_secs", "must be a whole number"));
                }
                Some(BatchSpec {
                    interval_secs: interval_secs.unwrap_or(0),
                    lookback_secs: lookback_secs.unwrap_or(0),
                    query: self.query.trim().to_owned(),
                    group_by: split_list(&self.group_by),
                    threshold,
                })
            }
        };
        let explanation = if self.explain {
            let deadline_days = match self.deadline_days.trim().parse::<i32>() {
                Ok(n) => n,
                Err(_) => {
                    errors
                        .push(FieldError::new("explanation.deadline_days", "must be a whole number of days"));
                    0
                }
            };
            Some(ExplanationSpec {
                category_id: self.explanation_category_id,
                deadline_days,
                message: Some(self.message.clone()).filter(|m| !m.trim().is_empty()),
            })
        } else {
            None
        };
        let Some(site_id) = self.site_id else {
            errors.push(FieldError::new("ticket.site_id", "choose the site tickets are opened on"));
            return Err(errors);
        };
        let fields = match parse_mappings(&self.mappings) {
            Ok(f) => f,
            Err(m) => {
                errors.push(FieldError::new("ticket.fields", m));
                Vec::new()
            }
        };
        let dedup_window_secs = self.dedup_window.secs();
        if dedup_window_secs.is_none() {
            errors.push(FieldError::new("dedup_window_secs", "must be a whole number"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewRule {
            name: self.name.trim().to_owned(),
            description: Some(self.description.trim().to_owned()).filter(|d| !d.is_empty()),
            kind: self.kind,
            enabled: Some(self.enabled),
            table: self.table.trim().to_owned(),
            condition,
            batch,
            ticket: TicketTemplateSpec {
                site_id,
                category_id: self.category_id,
                priority: Some(self.priority),
                assignee_ids: self.assignees.iter().map(|a| a.id).collect(),
                approver_ids: self.approvers.iter().map(|a| a.id).collect(),
                tag_ids: self.tag_ids.iter().copied().collect(),
                title: self.title.clone(),
                body: Some(self.body.clone()).filter(|b| !b.is_empty()),
                fields,
            },
            explanation,
            dedup_fields: split_list(&self.dedup_fields),
            dedup_window_secs,
        })
    }
}

/// A stored rule as a `PUT` body that keeps it as it is — for switching it on or off alone.
pub fn rule_to_new(rule: &Rule, enabled: bool) -> NewRule {
    NewRule {
        name: rule.name.clone(),
        description: rule.description.clone(),
        kind: rule.kind,
        enabled: Some(enabled),
        table: rule.table.clone(),
        condition: rule.condition.clone(),
        batch: rule.batch.clone(),
        ticket: rule.ticket.clone(),
        explanation: rule.explanation.clone(),
        dedup_fields: rule.dedup_fields.clone(),
        dedup_window_secs: Some(rule.dedup_window_secs),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use socdesk_types::rules::{Condition, TextTest};

    use super::*;
    use crate::components::admin::condition::Op;

    fn rule() -> Rule {
        Rule {
            id: 3,
            name: "Denied traffic".into(),
            description: None,
            kind: RuleKind::Stream,
            enabled: true,
            table: "fw".into(),
            condition: Some(Condition::And(vec![Condition::Equals(TextTest {
                field: "action".into(),
                value: "deny".into(),
                ignore_case: false,
            })])),
            batch: None,
            ticket: TicketTemplateSpec {
                site_id: 1,
                category_id: None,
                priority: Some(Priority::High),
                assignee_ids: vec![5, 9],
                approver_ids: vec![],
                tag_ids: vec![2],
                title: "Deny from {src_ip}".into(),
                body: None,
                fields: vec![FieldMapping { name: "Source IP".into(), from: "src_ip".into() }],
            },
            explanation: Some(ExplanationSpec { category_id: Some(4), deadline_days: 3, message: None }),
            dedup_fields: vec!["src_ip".into()],
            dedup_window_secs: 7200,
            match_count: 0,
            ticket_count: 0,
            suppressed_count: 0,
            error_count: 0,
            last_error: None,
            last_matched_at: None,
            last_run_at: None,
            next_run_at: None,
            created_at: Utc::now(),
            modified_at: Utc::now(),
            version: 1,
        }
    }

    #[test]
    fn durations_read_in_their_largest_whole_unit() {
        assert_eq!(Duration::of(86_400), Duration { value: "1".into(), unit: Unit::Days });
        assert_eq!(Duration::of(5400), Duration { value: "90".into(), unit: Unit::Minutes });
        assert_eq!(Duration::of(61), Duration { value: "61".into(), unit: Unit::Seconds });
        assert_eq!(Duration::of(0), Duration { value: "0".into(), unit: Unit::Seconds });
        assert_eq!(Duration { value: " 2 ".into(), unit: Unit::Hours }.secs(), Some(7200));
        assert_eq!(Duration { value: "x".into(), unit: Unit::Hours }.secs(), None);
    }

    #[test]
    fn lists_and_mappings_parse_from_text() {
        assert_eq!(split_list(" src_ip, ,dst_ip "), ["src_ip", "dst_ip"]);
        let m = parse_mappings("Source IP = src_ip\n\nHost=host").unwrap();
        assert_eq!(mappings_text(&m), "Source IP = src_ip\nHost = host");
        assert!(parse_mappings("just words").unwrap_err().contains("line 1"));
    }

    #[test]
    fn a_stored_rule_goes_through_the_form_unchanged() {
        let r = rule();
        let people = vec![AccountRef { id: 5, login: "alice".into(), display_name: "Alice".into() }];
        let d = RuleDraft::of(&r, &people);
        assert_eq!(d.assignees[0].display_name, "Alice");
        assert_eq!(d.assignees[1].display_name, "#9");
        assert_eq!(d.dedup_window, Duration { value: "2".into(), unit: Unit::Hours });
        assert!(!d.raw_mode);
        let back = d.to_new().unwrap();
        let same = rule_to_new(&r, true);
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&same).unwrap());
    }

    #[test]
    fn a_new_rule_needs_a_site_and_numbers_where_numbers_go() {
        let mut d =
            RuleDraft { name: "r".into(), table: "fw".into(), title: "t".into(), ..RuleDraft::default() };
        d.tests[0] = Test { field: "bytes".into(), op: Op::Gt, value: "many".into(), ..Test::new(0) };
        let fields: Vec<String> = d.to_new().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["condition.and[0].value", "ticket.site_id"]);

        d.site_id = Some(1);
        d.tests[0].value = "1e6".into();
        d.kind = RuleKind::Batch;
        d.threshold = "ten".into();
        let fields: Vec<String> = d.to_new().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["batch.threshold"], "a batch rule has no condition to check");
    }

    #[test]
    fn a_nested_condition_opens_as_json_and_saves_from_it() {
        let mut r = rule();
        r.condition = Some(Condition::Or(vec![Condition::And(vec![])]));
        let d = RuleDraft::of(&r, &[]);
        assert!(d.raw_mode);
        assert_eq!(d.to_new().unwrap().condition, r.condition);
        let broken = RuleDraft { raw: "{\"and\": [".into(), ..d };
        assert_eq!(broken.to_new().unwrap_err()[0].field, "condition");
    }
}
