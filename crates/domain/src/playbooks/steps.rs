//! The steps that change only the database, each through the ticket (or explanation) service
//! that a person's request would use, inside the caller's transaction so the change and its
//! task's `done` commit together. Webhook calls are made by the API's runner (no HTTP here).

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use socdesk_types::{
    explanations::{NewExplanation, Priority as ExplanationPriority},
    playbooks::PlaybookStep,
    tickets::{BodyFormat, NewMemo, TicketPatch},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{ticket, ticket_evidence},
    explanations::service::{self as explanations, Links},
    tickets::{memos, scope::visible_tickets, update::update_in},
};

/// Why a step failed, in words for the Tasks tab.
pub fn reason(err: &DomainError) -> String {
    match err {
        DomainError::NotFound(what) => {
            format!("{what} not found (deleted, or not visible to the account that started the run)")
        }
        DomainError::Validation(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        DomainError::Db(_) | DomainError::Unavailable(_) | DomainError::Internal(_) => {
            "the database failed while running the step".into()
        }
        other => other.to_string(),
    }
}

/// The `emp_key` of the ticket's first evidence record that carries one.
async fn first_emp_key(db: &impl ConnectionTrait, ticket_id: i64) -> DomainResult<Option<String>> {
    let records = ticket_evidence::Entity::find()
        .filter(ticket_evidence::Column::TicketId.eq(ticket_id))
        .order_by_asc(ticket_evidence::Column::Id)
        .all(db)
        .await?;
    Ok(records.into_iter().find_map(|r| {
        r.record
            .get("emp_key")
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
    }))
}

/// Applies one database step to `ticket_id` as `actor`; answers what it did. Fails with the
/// service's error (the ticket gone or out of the actor's sites, a refused change...), or
/// `Conflict` for a webhook step (not a database step) or a ticket without an `emp_key`.
pub async fn apply(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
    step: &PlaybookStep,
    playbook_name: &str,
    links: &Links,
) -> DomainResult<String> {
    match step {
        PlaybookStep::SetPriority(p) => {
            let t = update_in(
                txn,
                actor,
                ticket_id,
                None,
                TicketPatch { priority: Some(p.priority), ..Default::default() },
            )
            .await?;
            Ok(format!("priority is {}", t.priority.as_str()))
        }
        PlaybookStep::AddTags(p) => {
            let current = visible_tickets(actor)
                .filter(ticket::Column::Id.eq(ticket_id))
                .one(txn)
                .await?
                .ok_or(DomainError::NotFound("ticket"))?;
            let mut ids: Vec<i64> = crate::entities::ticket_tag::Entity::find()
                .filter(crate::entities::ticket_tag::Column::TicketId.eq(current.id))
                .all(txn)
                .await?
                .into_iter()
                .map(|t| t.tag_id)
                .collect();
            ids.extend(p.tag_ids.iter().copied());
            let t = update_in(
                txn,
                actor,
                ticket_id,
                None,
                TicketPatch { tag_ids: Some(ids), ..Default::default() },
            )
            .await?;
            let names: Vec<String> = t.tags.iter().map(|t| t.name.clone()).collect();
            Ok(format!("tags are {}", names.join(", ")))
        }
        PlaybookStep::Assign(p) => {
            let t = update_in(
                txn,
                actor,
                ticket_id,
                None,
                TicketPatch { assignee_ids: Some(p.account_ids.clone()), ..Default::default() },
            )
            .await?;
            let names: Vec<String> = t.assignees.iter().map(|a| a.login.clone()).collect();
            Ok(format!("assigned to {}; status {}", names.join(", "), t.status.as_str()))
        }
        PlaybookStep::AddMemo(p) => {
            let memo = memos::create_in(
                txn,
                actor,
                ticket_id,
                NewMemo {
                    format: Some(p.format.unwrap_or(BodyFormat::Markdown)),
                    body: p.body.clone(),
                    attachment_ids: Vec::new(),
                },
            )
            .await?;
            Ok(format!("memo #{} written", memo.id))
        }
        PlaybookStep::RequestExplanation(p) => {
            let t = visible_tickets(actor)
                .filter(ticket::Column::Id.eq(ticket_id))
                .one(txn)
                .await?
                .ok_or(DomainError::NotFound("ticket"))?;
            let Some(emp_key) = first_emp_key(txn, ticket_id).await? else {
                return Err(DomainError::Conflict(
                    "no evidence record of the ticket carries an emp_key, so there is nobody to ask".into(),
                ));
            };
            let message = p.message.clone().filter(|m| !m.trim().is_empty()).unwrap_or_else(|| {
                format!("Playbook \"{playbook_name}\" asks you to explain this activity.")
            });
            let priority = p.priority.or_else(|| ExplanationPriority::parse(&t.priority));
            let id = explanations::create_in(
                txn,
                actor,
                NewExplanation {
                    priority,
                    violator_id: emp_key.clone(),
                    manager_id: None,
                    auditor_id: None,
                    category_id: p.category_id,
                    deadline: Utc::now() + chrono::Duration::days(i64::from(p.deadline_days.clamp(1, 365))),
                    message,
                    ticket_id: Some(ticket_id),
                    evidence_record_ids: Vec::new(),
                },
                links,
            )
            .await?;
            Ok(format!("explanation #{id} requested from {emp_key}"))
        }
        PlaybookStep::CallWebhook(_) => {
            Err(DomainError::Internal("a webhook step is run by the API's runner".into()))
        }
    }
}
