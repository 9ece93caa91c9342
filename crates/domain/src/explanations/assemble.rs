//! Turning explanation rows into DTOs, with the names of the people, category, owner and ticket
//! they point at fetched once per page rather than once per row.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use socdesk_types::explanations::{
    EmployeeRef, EvidenceGroup, EvidenceRecord, Explanation, ExplanationResult, ExplanationStatus,
    ExplanationStep, NamedRef, Priority,
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{
        account, employee, explanation, explanation_category, explanation_evidence, explanation_history,
        ticket,
    },
    tickets::scope::visible_tickets,
};

fn parse<T>(what: &str, raw: &str, f: impl Fn(&str) -> Option<T>) -> DomainResult<T> {
    f(raw).ok_or_else(|| DomainError::Internal(format!("stored {what} '{raw}'")))
}

/// The DTOs of `rows`, in their order, as `actor` may see them: a ticket on a site the actor
/// cannot see is left out (explanations are about employees and not scoped by site; the
/// ticket's title is the ticket's).
pub(crate) async fn summaries(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rows: Vec<explanation::Model>,
) -> DomainResult<Vec<Explanation>> {
    let people: BTreeSet<String> = rows
        .iter()
        .flat_map(|r| [Some(r.violator_id.clone()), Some(r.manager_id.clone()), r.auditor_id.clone()])
        .flatten()
        .collect();
    let names: HashMap<String, String> = employee::Entity::find()
        .filter(employee::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let categories: HashMap<i64, String> = explanation_category::Entity::find()
        .filter(
            explanation_category::Column::Id
                .is_in(rows.iter().map(|r| r.category_id).collect::<BTreeSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let owners: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(rows.iter().filter_map(|r| r.owner_id).collect::<BTreeSet<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    let tickets: HashMap<i64, String> = visible_tickets(actor)
        .filter(ticket::Column::Id.is_in(rows.iter().filter_map(|r| r.ticket_id).collect::<BTreeSet<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.title))
        .collect();
    let person =
        |id: &str| EmployeeRef { id: id.to_owned(), name: names.get(id).cloned().unwrap_or_default() };
    rows.into_iter()
        .map(|r| {
            Ok(Explanation {
                priority: parse("priority", &r.priority, Priority::parse)?,
                status: parse("status", &r.status, ExplanationStatus::parse)?,
                result: r
                    .result
                    .as_deref()
                    .map(|v| parse("result", v, ExplanationResult::parse))
                    .transpose()?,
                violator: person(&r.violator_id),
                manager: person(&r.manager_id),
                auditor: r.auditor_id.as_deref().map(person),
                owner: r
                    .owner_id
                    .map(|id| NamedRef { id, name: owners.get(&id).cloned().unwrap_or_default() }),
                rule_id: r.rule_id,
                category: NamedRef {
                    id: r.category_id,
                    name: categories.get(&r.category_id).cloned().unwrap_or_default(),
                },
                ticket: r
                    .ticket_id
                    .and_then(|id| tickets.get(&id).map(|title| NamedRef { id, name: title.clone() })),
                deadline: r.deadline,
                created_at: r.created_at,
                modified_at: r.modified_at,
                submitted_at: r.submitted_at,
                closed_at: r.closed_at,
                evidence_count: r.evidence_count,
                link_active: r.token_hash.is_some(),
                version: r.version,
                id: r.id,
            })
        })
        .collect()
}

/// The evidence of an explanation, grouped by schema (schemas by name, records by time).
pub(crate) async fn evidence(
    db: &impl ConnectionTrait,
    explanation_id: i64,
) -> DomainResult<Vec<EvidenceGroup>> {
    let rows = explanation_evidence::Entity::find()
        .filter(explanation_evidence::Column::ExplanationId.eq(explanation_id))
        .order_by_asc(explanation_evidence::Column::SchemaName)
        .order_by_asc(explanation_evidence::Column::At)
        .order_by_asc(explanation_evidence::Column::Id)
        .all(db)
        .await?;
    let mut groups: BTreeMap<String, Vec<EvidenceRecord>> = BTreeMap::new();
    for r in rows {
        let fields = match r.record {
            Value::Object(map) => map,
            other => {
                let mut map = serde_json::Map::new();
                map.insert("value".into(), other);
                map
            }
        };
        groups.entry(r.schema_name).or_default().push(EvidenceRecord { id: r.id, time: r.at, fields });
    }
    Ok(groups.into_iter().map(|(schema, records)| EvidenceGroup { schema, records }).collect())
}

/// The history of an explanation in order; `for_violator` leaves out internal comments and
/// reviewers' names.
pub(crate) async fn history(
    db: &impl ConnectionTrait,
    explanation_id: i64,
    for_violator: bool,
) -> DomainResult<Vec<ExplanationStep>> {
    let rows = explanation_history::Entity::find()
        .filter(explanation_history::Column::ExplanationId.eq(explanation_id))
        .order_by_asc(explanation_history::Column::Id)
        .all(db)
        .await?;
    let people: BTreeSet<String> = rows.iter().filter_map(|r| r.actor_employee_id.clone()).collect();
    let names: HashMap<String, String> = employee::Entity::find()
        .filter(employee::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let accounts: BTreeSet<i64> = rows.iter().filter_map(|r| r.actor_account_id).collect();
    let account_names: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(accounts))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    let step_ids: Vec<i64> = rows.iter().filter(|r| r.actor_kind == "violator").map(|r| r.id).collect();
    let mut files = super::attachments::of_steps(db, &step_ids).await?;
    rows.into_iter()
        .filter(|r| !(for_violator && r.internal))
        .map(|r| {
            let name = r
                .actor_employee_id
                .as_ref()
                .and_then(|id| names.get(id).cloned())
                .or_else(|| r.actor_account_id.and_then(|id| account_names.get(&id).cloned()));
            Ok(ExplanationStep {
                actor_name: if for_violator && r.actor_kind != "violator" { None } else { name },
                from_status: r
                    .from_status
                    .as_deref()
                    .map(|s| parse("status", s, ExplanationStatus::parse))
                    .transpose()?,
                to_status: r
                    .to_status
                    .as_deref()
                    .map(|s| parse("status", s, ExplanationStatus::parse))
                    .transpose()?,
                result: r
                    .result
                    .as_deref()
                    .map(|s| parse("result", s, ExplanationResult::parse))
                    .transpose()?,
                at: r.at,
                actor: r.actor_kind,
                action: r.action,
                comment: r.comment,
                attachments: files.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}
