//! Turning ticket rows into the API's `Ticket`, loading related rows in batches.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use socdesk_types::{
    catalog::SiteRef,
    tickets::{
        AccountRef, Attack, BodyFormat, CreatedBy, Incident, NamedRef, Priority, TagRef, Ticket, TicketField,
        TicketKind, TicketStatus,
    },
};

use crate::{
    Actor, DomainError, DomainResult, Permission,
    entities::{account, site, tag, ticket, ticket_approver, ticket_assignee, ticket_category, ticket_tag},
    markdown,
    tickets::workflow::{Roles, TicketFacts, allowed_actions},
};

/// People and tags of tickets, by ticket id.
#[derive(Default)]
pub struct Links {
    pub assignees: BTreeMap<i64, Vec<i64>>,
    pub approvers: BTreeMap<i64, Vec<i64>>,
    pub tags: BTreeMap<i64, Vec<i64>>,
}

/// The assignees, approvers and tags of `ids`, three queries in all.
pub async fn load_links(db: &impl ConnectionTrait, ids: &[i64]) -> DomainResult<Links> {
    let mut links = Links::default();
    for row in ticket_assignee::Entity::find()
        .filter(ticket_assignee::Column::TicketId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        links.assignees.entry(row.ticket_id).or_default().push(row.account_id);
    }
    for row in ticket_approver::Entity::find()
        .filter(ticket_approver::Column::TicketId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        links.approvers.entry(row.ticket_id).or_default().push(row.account_id);
    }
    for row in ticket_tag::Entity::find()
        .filter(ticket_tag::Column::TicketId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        links.tags.entry(row.ticket_id).or_default().push(row.tag_id);
    }
    Ok(links)
}

/// A stored enum value, or an internal error naming the column (data written by this code
/// always parses).
pub fn stored<T>(column: &str, raw: &str, parse: impl Fn(&str) -> Option<T>) -> DomainResult<T> {
    parse(raw).ok_or_else(|| DomainError::Internal(format!("tickets.{column} holds unknown value {raw:?}")))
}

/// The roles `actor` holds towards a ticket with these people.
pub fn roles(actor: &Actor, assignees: &[i64], approvers: &[i64]) -> Roles {
    Roles {
        admin: actor.is_admin(),
        editor: actor.has(Permission::TicketEdit),
        assignee: assignees.contains(&actor.account_id),
        approver: approvers.contains(&actor.account_id),
    }
}

/// Full tickets for `models`, in the same order.
pub async fn assemble(
    db: &impl ConnectionTrait,
    actor: &Actor,
    models: Vec<ticket::Model>,
    separation_of_duties: bool,
) -> DomainResult<Vec<Ticket>> {
    assemble_rows(db, actor, models, separation_of_duties, true).await
}

/// Like [`assemble`]; `render_body: false` skips rendering bodies (lists do not show them).
pub async fn assemble_rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    models: Vec<ticket::Model>,
    separation_of_duties: bool,
    render_body: bool,
) -> DomainResult<Vec<Ticket>> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let links = load_links(db, &ids).await?;
    let account_ids: BTreeSet<i64> = links
        .assignees
        .values()
        .chain(links.approvers.values())
        .flatten()
        .copied()
        .chain(models.iter().filter_map(|m| m.registered_by))
        .collect();
    let accounts: BTreeMap<i64, AccountRef> = account::Entity::find()
        .filter(account::Column::Id.is_in(account_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, AccountRef { id: a.id, login: a.login, display_name: a.display_name }))
        .collect();
    let tag_ids: BTreeSet<i64> = links.tags.values().flatten().copied().collect();
    let tags: BTreeMap<i64, TagRef> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(tag_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, TagRef { id: t.id, name: t.name, color: t.color }))
        .collect();
    let site_ids: BTreeSet<i64> = models.iter().map(|m| m.site_id).collect();
    let sites: BTreeMap<i64, String> = site::Entity::find()
        .filter(site::Column::Id.is_in(site_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let category_ids: BTreeSet<i64> = models.iter().filter_map(|m| m.category_id).collect();
    let categories: BTreeMap<i64, String> = ticket_category::Entity::find()
        .filter(ticket_category::Column::Id.is_in(category_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();

    let people = |ids: Option<&Vec<i64>>| -> Vec<AccountRef> {
        ids.map(|ids| ids.iter().filter_map(|id| accounts.get(id).cloned()).collect()).unwrap_or_default()
    };
    let empty = Vec::new();
    let mut out = Vec::with_capacity(models.len());
    for m in models {
        let status = stored("status", &m.status, TicketStatus::parse)?;
        let body_format = stored("body_format", &m.body_format, BodyFormat::parse)?;
        let assignee_ids = links.assignees.get(&m.id).unwrap_or(&empty);
        let approver_ids = links.approvers.get(&m.id).unwrap_or(&empty);
        let facts = TicketFacts {
            status,
            has_assignee: !assignee_ids.is_empty(),
            has_approver: !approver_ids.is_empty(),
            separation_of_duties,
        };
        let allowed = allowed_actions(facts, roles(actor, assignee_ids, approver_ids));
        let fields: Vec<TicketField> = serde_json::from_value(m.fields.clone()).unwrap_or_default();
        out.push(Ticket {
            id: m.id,
            site: SiteRef { id: m.site_id, name: sites.get(&m.site_id).cloned().unwrap_or_default() },
            category: m
                .category_id
                .map(|id| NamedRef { id, name: categories.get(&id).cloned().unwrap_or_default() }),
            kind: stored("kind", &m.kind, TicketKind::parse)?,
            body_html: if render_body { markdown::render(body_format, &m.body) } else { String::new() },
            title: m.title,
            body: m.body,
            body_format,
            fields,
            priority: stored("priority", &m.priority, Priority::parse)?,
            status,
            attack: m.attack.as_deref().map(|a| stored("attack", a, Attack::parse)).transpose()?,
            incident: m.incident.as_deref().map(|i| stored("incident", i, Incident::parse)).transpose()?,
            assignees: people(links.assignees.get(&m.id)),
            approvers: people(links.approvers.get(&m.id)),
            tags: links
                .tags
                .get(&m.id)
                .map(|ids| ids.iter().filter_map(|id| tags.get(id).cloned()).collect())
                .unwrap_or_default(),
            created_by: stored("created_by", &m.created_by, CreatedBy::parse)?,
            registered_by: m.registered_by.and_then(|id| accounts.get(&id).cloned()),
            rule_id: m.rule_id,
            duplicate_count: m.duplicate_count,
            first_seen_at: m.first_seen_at,
            last_seen_at: m.last_seen_at,
            explanation_status: m
                .explanation_status
                .as_deref()
                .and_then(socdesk_types::explanations::ExplanationStatus::parse),
            risk_score: m.risk_score,
            time_to_assign_secs: m.first_assigned_at.map(|at| (at - m.created_at).num_seconds()),
            time_to_close_secs: m.closed_at.map(|at| (at - m.created_at).num_seconds()),
            created_at: m.created_at,
            modified_at: m.modified_at,
            closed_at: m.closed_at,
            version: m.version,
            allowed_actions: allowed,
        });
    }
    Ok(out)
}
