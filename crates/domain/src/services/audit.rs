//! The audit log: appended to in the same transaction as the change it records.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use socdesk_types::audit::AuditEntry;

use crate::{
    Actor, DomainResult,
    entities::audit_log,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
};
use socdesk_types::Page;

/// Who did something: a signed-in account, or someone unauthenticated (a failed login).
#[derive(Debug, Clone, Copy)]
pub struct AuditActor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub ip: Option<&'a str>,
}

impl<'a> From<&'a Actor> for AuditActor<'a> {
    fn from(actor: &'a Actor) -> Self {
        AuditActor { id: Some(actor.account_id), name: &actor.login, ip: actor.ip.as_deref() }
    }
}

/// Appends one entry. `target` is the kind and id of the object acted on.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: AuditActor<'_>,
    action: &str,
    target: Option<(&str, i64)>,
    detail: serde_json::Value,
) -> DomainResult<()> {
    let target = target.map(|(kind, id)| (kind, id.to_string()));
    append(db, actor, action, target.as_ref().map(|(kind, id)| (*kind, id.as_str())), detail).await
}

/// Appends one entry about an object whose id is text (an employee).
pub async fn record_keyed(
    db: &impl ConnectionTrait,
    actor: AuditActor<'_>,
    action: &str,
    target: (&str, &str),
    detail: serde_json::Value,
) -> DomainResult<()> {
    append(db, actor, action, Some(target), detail).await
}

async fn append(
    db: &impl ConnectionTrait,
    actor: AuditActor<'_>,
    action: &str,
    target: Option<(&str, &str)>,
    detail: serde_json::Value,
) -> DomainResult<()> {
    let entry = audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(actor.id),
        actor: Set(actor.name.chars().take(255).collect()),
        action: Set(action.to_owned()),
        target_type: Set(target.map(|(kind, _)| kind.to_owned())),
        target_id: Set(target.map(|(_, id)| id.to_owned())),
        detail: Set(detail),
        ip: Set(actor.ip.map(str::to_owned)),
        ..Default::default()
    };
    audit_log::Entity::insert(entry).exec_without_returning(db).await?;
    Ok(())
}

/// Appends one entry per target, all with the same actor, action and detail (a bulk change).
pub async fn record_many(
    db: &impl ConnectionTrait,
    actor: AuditActor<'_>,
    action: &str,
    kind: &str,
    ids: &[i64],
    detail: serde_json::Value,
) -> DomainResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let at = Utc::now();
    let entries = ids.iter().map(|id| audit_log::ActiveModel {
        at: Set(at),
        actor_id: Set(actor.id),
        actor: Set(actor.name.chars().take(255).collect()),
        action: Set(action.to_owned()),
        target_type: Set(Some(kind.to_owned())),
        target_id: Set(Some(id.to_string())),
        detail: Set(detail.clone()),
        ip: Set(actor.ip.map(str::to_owned)),
        ..Default::default()
    });
    audit_log::Entity::insert_many(entries).exec_without_returning(db).await?;
    Ok(())
}

/// Filters of the audit log list.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
}

/// Newest entries first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: AuditFilter,
    page: &PageRequest,
) -> DomainResult<Page<AuditEntry>> {
    let mut select = audit_log::Entity::find();
    if let Some(actor_id) = filter.actor_id {
        select = select.filter(audit_log::Column::ActorId.eq(actor_id));
    }
    if let Some(action) = filter.action {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    let ordering = Ordering {
        sort: audit_log::Column::Id,
        id: audit_log::Column::Id,
        descending: true,
        sort_is_id: true,
    };
    let page = fetch_page(db, select, ordering, page, |m| (SortKey::Int(m.id), m.id)).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|m| AuditEntry {
                id: m.id,
                at: m.at,
                actor_id: m.actor_id,
                actor: m.actor,
                action: m.action,
                target_type: m.target_type,
                target_id: m.target_id,
                detail: m.detail,
                ip: m.ip,
            })
            .collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}
