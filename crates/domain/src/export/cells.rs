//! What each export column holds for one ticket or explanation: the words the screens show.

use socdesk_types::{
    explanations::Explanation,
    export::ExportColumn,
    labels,
    tickets::{AccountRef, TicketSummary},
};

use super::Cell;

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: Option<impl Into<String>>) -> Cell {
    s.map_or(Cell::Empty, text)
}

fn names(people: &[AccountRef]) -> Cell {
    if people.is_empty() {
        Cell::Empty
    } else {
        text(people.iter().map(|a| a.display_name.as_str()).collect::<Vec<_>>().join(", "))
    }
}

fn ticket_cell(key: &str, t: &TicketSummary) -> Cell {
    match key {
        "id" => Cell::Int(t.id),
        "category" => opt(t.category.as_ref().map(|c| c.name.clone())),
        "priority" => text(labels::priority(t.priority)),
        "status" => text(labels::ticket_status(t.status)),
        "title" => text(t.title.clone()),
        "assignees" => names(&t.assignees),
        "approvers" => names(&t.approvers),
        "attack" => opt(t.attack.map(labels::attack)),
        "incident" => opt(t.incident.map(labels::incident)),
        "created" => Cell::Time(t.created_at),
        "modified" => Cell::Time(t.modified_at),
        "closed" => t.closed_at.map_or(Cell::Empty, Cell::Time),
        "explanation_status" => opt(t.explanation_status.map(labels::explanation_status)),
        "site" => text(t.site.name.clone()),
        "registered_by" => opt(t.registered_by.as_ref().map(|a| a.display_name.clone())),
        "duplicate_count" => Cell::Int(t.duplicate_count),
        "format" => text(labels::body_format(t.body_format)),
        "kind" => text(labels::ticket_kind(t.kind)),
        "tags" => {
            if t.tags.is_empty() {
                Cell::Empty
            } else {
                text(t.tags.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", "))
            }
        }
        "created_by" => text(labels::created_by(t.created_by)),
        "risk_score" => t.risk_score.map_or(Cell::Empty, |r| Cell::Int(r.into())),
        _ => Cell::Empty,
    }
}

fn explanation_cell(key: &str, e: &Explanation) -> Cell {
    match key {
        "id" => Cell::Int(e.id),
        "priority" => text(labels::priority(e.priority)),
        "status" => text(labels::explanation_status(e.status)),
        "violator" => text(e.violator.name.clone()),
        "violator_id" => text(e.violator.id.clone()),
        "manager" => text(e.manager.name.clone()),
        "auditor" => opt(e.auditor.as_ref().map(|a| a.name.clone())),
        "owner" => text(e.owner.as_ref().map_or("A detection rule", |o| o.name.as_str())),
        "category" => text(e.category.name.clone()),
        "ticket" => opt(e.ticket.as_ref().map(|t| t.name.clone())),
        "ticket_id" => e.ticket.as_ref().map_or(Cell::Empty, |t| Cell::Int(t.id)),
        "result" => opt(e.result.map(labels::explanation_result)),
        "created" => Cell::Time(e.created_at),
        "deadline" => Cell::Time(e.deadline),
        "submitted" => e.submitted_at.map_or(Cell::Empty, Cell::Time),
        "closed" => e.closed_at.map_or(Cell::Empty, Cell::Time),
        "evidence_count" => Cell::Int(e.evidence_count.into()),
        _ => Cell::Empty,
    }
}

/// One ticket's cells, one per column.
pub fn ticket_cells(columns: &[ExportColumn], t: &TicketSummary) -> Vec<Cell> {
    columns.iter().map(|c| ticket_cell(c.key, t)).collect()
}

/// One explanation's cells, one per column.
pub fn explanation_cells(columns: &[ExportColumn], e: &Explanation) -> Vec<Cell> {
    columns.iter().map(|c| explanation_cell(c.key, e)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use socdesk_types::{
        catalog::SiteRef,
        explanations::{EmployeeRef, ExplanationResult, ExplanationStatus, NamedRef as ExplanationRef},
        export::{EXPLANATION_COLUMNS, TICKET_COLUMNS},
        tickets::{
            Attack, BodyFormat, CreatedBy, Incident, NamedRef, Priority, TagRef, TicketKind, TicketStatus,
        },
    };

    fn account() -> AccountRef {
        AccountRef { id: 1, login: "kim".into(), display_name: "Kim".into() }
    }

    #[test]
    fn every_ticket_column_has_a_value_for_a_complete_ticket() {
        let t = TicketSummary {
            id: 7,
            site: SiteRef { id: 1, name: "Seoul".into() },
            category: Some(NamedRef { id: 1, name: "Web".into() }),
            kind: TicketKind::Detection,
            title: "t".into(),
            body_format: BodyFormat::Json,
            priority: Priority::High,
            status: TicketStatus::InProgress,
            attack: Some(Attack::TruePositive),
            incident: Some(Incident::Normal),
            assignees: vec![account(), account()],
            approvers: vec![account()],
            tags: vec![TagRef { id: 1, name: "vpn".into(), color: "#fff".into() }],
            created_by: CreatedBy::System,
            registered_by: Some(account()),
            duplicate_count: 3,
            risk_score: Some(80),
            created_at: Utc::now(),
            modified_at: Utc::now(),
            closed_at: Some(Utc::now()),
            explanation_status: Some(ExplanationStatus::Submitted),
            version: 1,
        };
        let cells = ticket_cells(TICKET_COLUMNS, &t);
        for (c, cell) in TICKET_COLUMNS.iter().zip(&cells) {
            assert_ne!(cell, &Cell::Empty, "ticket column {} has no value", c.key);
        }
        let at = |key: &str| cells[TICKET_COLUMNS.iter().position(|c| c.key == key).unwrap()].clone();
        assert_eq!(at("assignees"), Cell::Text("Kim, Kim".into()));
        assert_eq!(at("status"), Cell::Text("In Progress".into()));
        assert_eq!(at("id"), Cell::Int(7));
    }

    #[test]
    fn every_explanation_column_has_a_value_for_a_complete_explanation() {
        let person = |id: &str| EmployeeRef { id: id.into(), name: format!("{id} name") };
        let e = Explanation {
            id: 3,
            priority: Priority::Low,
            status: ExplanationStatus::Closed,
            violator: person("E1"),
            manager: person("E2"),
            auditor: Some(person("E3")),
            owner: None,
            rule_id: Some(1),
            category: ExplanationRef { id: 1, name: "USB".into() },
            ticket: Some(ExplanationRef { id: 9, name: "Ticket".into() }),
            result: Some(ExplanationResult::Violated),
            deadline: Utc::now(),
            created_at: Utc::now(),
            modified_at: Utc::now(),
            submitted_at: Some(Utc::now()),
            closed_at: Some(Utc::now()),
            evidence_count: 2,
            link_active: false,
            version: 1,
        };
        let cells = explanation_cells(EXPLANATION_COLUMNS, &e);
        for (c, cell) in EXPLANATION_COLUMNS.iter().zip(&cells) {
            assert_ne!(cell, &Cell::Empty, "explanation column {} has no value", c.key);
        }
        assert!(cells.contains(&Cell::Text("A detection rule".into())));
        assert!(cells.contains(&Cell::Text("Violated".into())));
    }
}
