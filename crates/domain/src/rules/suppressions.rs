//! Suppressions: "this rule, these values: known and accepted, open nothing until it expires".
//! A suppressed match is counted on the suppression (and on the rule) instead.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Map, Value, json};
use socdesk_types::{
    Page,
    rules::{NewSuppression, Suppression},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{rule, suppression},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    rules::template::text_of,
    services::audit,
    values::BoundedName,
};

/// An active suppression, decoded for matching.
pub(crate) struct Active {
    pub id: i64,
    key_values: BTreeMap<String, String>,
}

impl Active {
    /// Whether every named field of the record has the suppressed value.
    pub fn covers(&self, view: &Map<String, Value>) -> bool {
        self.key_values
            .iter()
            .all(|(field, value)| view.get(field).and_then(text_of).as_deref() == Some(value))
    }
}

fn unexpired(now: DateTime<Utc>) -> Condition {
    Condition::any().add(suppression::Column::ExpiresAt.is_null()).add(suppression::Column::ExpiresAt.gt(now))
}

/// The suppressions of these rules in force at `now`, by rule.
pub(crate) async fn active(
    db: &impl ConnectionTrait,
    rule_ids: &[i64],
    now: DateTime<Utc>,
) -> DomainResult<HashMap<i64, Vec<Active>>> {
    let mut by_rule: HashMap<i64, Vec<Active>> = HashMap::new();
    if rule_ids.is_empty() {
        return Ok(by_rule);
    }
    let rows = suppression::Entity::find()
        .filter(suppression::Column::RuleId.is_in(rule_ids.iter().copied()))
        .filter(unexpired(now))
        .all(db)
        .await?;
    for row in rows {
        let key_values = serde_json::from_value(row.key_values.clone())
            .map_err(|e| DomainError::Internal(format!("suppression {}: {e}", row.id)))?;
        by_rule.entry(row.rule_id).or_default().push(Active { id: row.id, key_values });
    }
    Ok(by_rule)
}

/// Counts hits: `hits` maps a suppression id to the matches it swallowed.
pub(crate) async fn count_hits(
    db: &impl ConnectionTrait,
    hits: &BTreeMap<i64, i64>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    for (id, n) in hits {
        suppression::Entity::update_many()
            .col_expr(suppression::Column::HitCount, Expr::col(suppression::Column::HitCount).add(*n))
            .col_expr(suppression::Column::LastHitAt, Expr::value(now))
            .filter(suppression::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

fn to_dto(m: suppression::Model, now: DateTime<Utc>) -> DomainResult<Suppression> {
    Ok(Suppression {
        key_values: serde_json::from_value(m.key_values.clone())
            .map_err(|e| DomainError::Internal(format!("suppression {}: {e}", m.id)))?,
        active: m.expires_at.is_none_or(|e| e > now),
        id: m.id,
        rule_id: m.rule_id,
        reason: m.reason,
        expires_at: m.expires_at,
        hit_count: m.hit_count,
        last_hit_at: m.last_hit_at,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

/// Creates a suppression.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewSuppression,
) -> DomainResult<Suppression> {
    let mut v = Violations::new();
    let reason = v.check(BoundedName::<1000>::parse("reason", &new.reason));
    if new.key_values.is_empty() || new.key_values.len() > 10 {
        v.push("key_values", "must name 1 to 10 fields");
    }
    for (field, value) in &new.key_values {
        if field.trim().is_empty() || field.chars().count() > 64 {
            v.push(format!("key_values.{field}"), "field names must be 1 to 64 characters");
        }
        if value.chars().count() > 1000 {
            v.push(format!("key_values.{field}"), "must be at most 1000 characters");
        }
    }
    let now = Utc::now();
    if new.expires_at.is_some_and(|e| e <= now) {
        v.push("expires_at", "must be in the future");
    }
    let txn = db.begin().await?;
    if rule::Entity::find_by_id(new.rule_id).one(&txn).await?.is_none() {
        v.push("rule_id", format!("rule {} does not exist", new.rule_id));
    }
    v.finish()?;
    let Some(reason) = reason else { return Err(DomainError::Internal("validated reason missing".into())) };
    let model = suppression::ActiveModel {
        rule_id: Set(new.rule_id),
        key_values: Set(json!(new.key_values)),
        reason: Set(reason.into_inner()),
        expires_at: Set(new.expires_at),
        hit_count: Set(0),
        last_hit_at: Set(None),
        created_by: Set(Some(actor.login.clone())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "suppression.create",
        Some(("suppression", model.id)),
        json!({"rule_id": model.rule_id}),
    )
    .await?;
    txn.commit().await?;
    to_dto(model, now)
}

/// Deletes a suppression.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
    let txn = db.begin().await?;
    let found = suppression::Entity::delete_by_id(id).exec(&txn).await?;
    if found.rows_affected == 0 {
        return Err(DomainError::NotFound("suppression"));
    }
    audit::record(&txn, actor.into(), "suppression.delete", Some(("suppression", id)), json!({})).await?;
    txn.commit().await?;
    Ok(())
}

/// One suppression.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<Suppression> {
    let m = suppression::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("suppression"))?;
    to_dto(m, Utc::now())
}

/// Suppressions, newest first; of one rule, and only those in force, when asked.
pub async fn list(
    db: &impl ConnectionTrait,
    rule_id: Option<i64>,
    active_only: bool,
    page: &PageRequest,
) -> DomainResult<Page<Suppression>> {
    let now = Utc::now();
    let mut select = suppression::Entity::find();
    if let Some(r) = rule_id {
        select = select.filter(suppression::Column::RuleId.eq(r));
    }
    if active_only {
        select = select.filter(unexpired(now));
    }
    let ordering = Ordering {
        sort: suppression::Column::Id,
        id: suppression::Column::Id,
        descending: true,
        sort_is_id: true,
    };
    let rows = fetch_page(db, select, ordering, page, |m| (SortKey::Int(m.id), m.id)).await?;
    Ok(Page {
        items: rows.items.into_iter().map(|m| to_dto(m, now)).collect::<DomainResult<_>>()?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_only_when_every_value_matches() {
        let s = Active {
            id: 1,
            key_values: [("src_ip".to_owned(), "10.0.0.5".to_owned()), ("port".to_owned(), "22".to_owned())]
                .into(),
        };
        let rec = |v: Value| v.as_object().cloned().unwrap_or_default();
        assert!(s.covers(&rec(json!({"src_ip": "10.0.0.5", "port": 22, "x": 1}))));
        assert!(!s.covers(&rec(json!({"src_ip": "10.0.0.5", "port": 23}))));
        assert!(!s.covers(&rec(json!({"src_ip": "10.0.0.5"}))));
    }
}
