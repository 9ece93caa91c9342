//! Creating, reading, changing and deleting detection rules. A rule is checked whole when saved
//! (a bad regex, CIDR, query or template is a 422 naming the field), so it cannot fail to compile
//! when records arrive.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page,
    rules::{NewRule, Rule, RuleKind},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{account, log_table, rule, site, tag, ticket_category},
    error::Violations,
    logs::query,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    rules::{condition, template::Template},
    services::audit,
    tickets::service::{check_id, check_ids},
    values::{BoundedName, OptionalText},
};

/// Dedup window when the rule names none: one day.
const DEFAULT_DEDUP_WINDOW_SECS: i64 = 86_400;
/// The longest dedup window: a year.
const MAX_DEDUP_WINDOW_SECS: i64 = 31_536_000;

fn check_field_list(field: &str, names: &[String], max: usize, v: &mut Violations) {
    if names.len() > max {
        v.push(field, format!("at most {max} fields"));
    }
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() || name.chars().count() > 64 {
            v.push(format!("{field}[{i}]"), "must be 1 to 64 characters");
        }
    }
}

fn check_template(field: &str, raw: &str, max_chars: usize, v: &mut Violations) {
    if raw.chars().count() > max_chars {
        v.push(field, format!("must be at most {max_chars} characters"));
    } else if let Err(e) = Template::parse(raw) {
        v.push(field, e);
    }
}

/// Checks everything about a rule that needs no database.
fn check_shape(new: &NewRule, v: &mut Violations) {
    match new.kind {
        RuleKind::Stream => {
            match &new.condition {
                Some(c) => {
                    if let Err(errors) = condition::compile(c, "condition") {
                        v.extend(errors);
                    }
                }
                None => v.push("condition", "is required for stream rules"),
            }
            if new.batch.is_some() {
                v.push("batch", "is only for batch rules");
            }
        }
        RuleKind::Batch => {
            match &new.batch {
                Some(b) => {
                    if !(60..=604_800).contains(&b.interval_secs) {
                        v.push("batch.interval_secs", "must be between 60 and 604800");
                    }
                    if !(60..=2_678_400).contains(&b.lookback_secs) {
                        v.push("batch.lookback_secs", "must be between 60 and 2678400");
                    }
                    if !(1..=1_000_000).contains(&b.threshold) {
                        v.push("batch.threshold", "must be between 1 and 1000000");
                    }
                    if !b.query.trim().is_empty()
                        && let Err(e) = query::parse(&b.query)
                    {
                        v.push("batch.query", e.to_string());
                    }
                    check_field_list("batch.group_by", &b.group_by, 10, v);
                }
                None => v.push("batch", "is required for batch rules"),
            }
            if new.condition.is_some() {
                v.push("condition", "is only for stream rules");
            }
        }
    }
    let t = &new.ticket;
    if t.title.trim().is_empty() {
        v.push("ticket.title", "must not be empty");
    }
    check_template("ticket.title", &t.title, 255, v);
    check_template("ticket.body", t.body.as_deref().unwrap_or(""), 100_000, v);
    if t.fields.len() > 200 {
        v.push("ticket.fields", "at most 200 fields");
    }
    for (i, f) in t.fields.iter().enumerate() {
        if f.name.trim().is_empty() || f.name.chars().count() > 100 {
            v.push(format!("ticket.fields[{i}].name"), "must be 1 to 100 characters");
        }
        if f.from.trim().is_empty() || f.from.chars().count() > 64 {
            v.push(format!("ticket.fields[{i}].from"), "must be 1 to 64 characters");
        }
    }
    if let Some(e) = &new.explanation {
        if !(1..=365).contains(&e.deadline_days) {
            v.push("explanation.deadline_days", "must be between 1 and 365");
        }
        check_template("explanation.message", e.message.as_deref().unwrap_or(""), 10_000, v);
    }
    check_field_list("dedup_fields", &new.dedup_fields, 10, v);
    if new.dedup_window_secs.is_some_and(|w| !(0..=MAX_DEDUP_WINDOW_SECS).contains(&w)) {
        v.push("dedup_window_secs", format!("must be between 0 and {MAX_DEDUP_WINDOW_SECS}"));
    }
}

/// Checks the ids a rule refers to; returns the log table's id.
async fn check_refs(
    db: &impl ConnectionTrait,
    new: &NewRule,
    v: &mut Violations,
) -> DomainResult<Option<i64>> {
    let table =
        log_table::Entity::find().filter(log_table::Column::Name.eq(new.table.trim())).one(db).await?;
    if table.is_none() {
        v.push("table", format!("log table '{}' does not exist", new.table));
    }
    let t = &new.ticket;
    check_id::<site::Entity>(db, "ticket.site_id", t.site_id, site::Column::Id, v).await?;
    if let Some(c) = t.category_id {
        check_id::<ticket_category::Entity>(db, "ticket.category_id", c, ticket_category::Column::Id, v)
            .await?;
    }
    check_ids::<account::Entity>(db, "ticket.assignee_ids", &t.assignee_ids, account::Column::Id, v).await?;
    check_ids::<account::Entity>(db, "ticket.approver_ids", &t.approver_ids, account::Column::Id, v).await?;
    check_ids::<tag::Entity>(db, "ticket.tag_ids", &t.tag_ids, tag::Column::Id, v).await?;
    Ok(table.map(|t| t.id))
}

/// The stored form of a checked rule (counters untouched).
fn stored(new: &NewRule, name: String, description: Option<String>, table_id: i64) -> rule::ActiveModel {
    let now = Utc::now();
    rule::ActiveModel {
        name: Set(name),
        description: Set(description),
        kind: Set(new.kind.as_str().to_owned()),
        enabled: Set(new.enabled.unwrap_or(true)),
        table_id: Set(table_id),
        condition: Set(new.condition.as_ref().map(|c| json!(c))),
        batch: Set(new.batch.as_ref().map(|b| json!(b))),
        ticket: Set(json!(new.ticket)),
        explanation: Set(new.explanation.as_ref().map(|e| json!(e))),
        dedup_fields: Set(json!(new.dedup_fields.iter().map(|f| f.trim()).collect::<Vec<_>>())),
        dedup_window_secs: Set(new.dedup_window_secs.unwrap_or(DEFAULT_DEDUP_WINDOW_SECS)),
        next_run_at: Set(new.batch.as_ref().map(|b| now + Duration::seconds(b.interval_secs))),
        modified_at: Set(now),
        ..Default::default()
    }
}

async fn check(
    db: &impl ConnectionTrait,
    new: &NewRule,
    except: Option<i64>,
) -> DomainResult<(String, Option<String>, i64)> {
    let mut v = Violations::new();
    let name = v.check(BoundedName::<100>::parse("name", &new.name));
    let description =
        v.check(OptionalText::<2000>::parse("description", new.description.as_deref().unwrap_or("")));
    check_shape(new, &mut v);
    let table_id = check_refs(db, new, &mut v).await?;
    v.finish()?;
    let (Some(name), Some(description), Some(table_id)) = (name, description, table_id) else {
        return Err(DomainError::Internal("validated rule missing".into()));
    };
    let name = name.into_inner();
    let mut taken = rule::Entity::find().filter(rule::Column::Name.eq(&name));
    if let Some(id) = except {
        taken = taken.filter(rule::Column::Id.ne(id));
    }
    if taken.count(db).await? > 0 {
        return Err(DomainError::Conflict(format!("a rule named '{name}' already exists")));
    }
    Ok((name, description, table_id))
}

fn decode<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> DomainResult<T> {
    serde_json::from_value(value.clone()).map_err(|e| DomainError::Internal(format!("stored rule: {e}")))
}

pub(crate) fn to_dto(m: rule::Model, table: String) -> DomainResult<Rule> {
    Ok(Rule {
        id: m.id,
        kind: RuleKind::parse(&m.kind)
            .ok_or_else(|| DomainError::Internal(format!("rule kind '{}'", m.kind)))?,
        condition: m.condition.as_ref().map(decode).transpose()?,
        batch: m.batch.as_ref().map(decode).transpose()?,
        ticket: decode(&m.ticket)?,
        explanation: m.explanation.as_ref().map(decode).transpose()?,
        dedup_fields: decode(&m.dedup_fields)?,
        name: m.name,
        description: m.description,
        enabled: m.enabled,
        table,
        dedup_window_secs: m.dedup_window_secs,
        match_count: m.match_count,
        ticket_count: m.ticket_count,
        suppressed_count: m.suppressed_count,
        error_count: m.error_count,
        last_error: m.last_error,
        last_matched_at: m.last_matched_at,
        last_run_at: m.last_run_at,
        next_run_at: m.next_run_at,
        created_at: m.created_at,
        modified_at: m.modified_at,
        version: m.version,
    })
}

async fn with_table(db: &impl ConnectionTrait, m: rule::Model) -> DomainResult<Rule> {
    let table = log_table::Entity::find_by_id(m.table_id).one(db).await?.map(|t| t.name).unwrap_or_default();
    to_dto(m, table)
}

/// Creates a rule.
pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewRule) -> DomainResult<Rule> {
    let txn = db.begin().await?;
    let (name, description, table_id) = check(&txn, &new, None).await?;
    let mut model = stored(&new, name, description, table_id);
    model.created_at = Set(Utc::now());
    model.version = Set(1);
    let model = model.insert(&txn).await?;
    audit::record(&txn, actor.into(), "rule.create", Some(("rule", model.id)), json!({"name": model.name}))
        .await?;
    let rule = with_table(&txn, model).await?;
    txn.commit().await?;
    Ok(rule)
}

/// Replaces a rule's definition, keeping its counters. `if_match` is the version the caller
/// read (412 when stale).
pub async fn replace(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    new: NewRule,
    if_match: Option<i64>,
) -> DomainResult<Rule> {
    let txn = db.begin().await?;
    let current = rule::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("rule"))?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(DomainError::PreconditionFailed(format!(
            "the rule is at version {}, not {}; reload it and try again",
            current.version,
            if_match.unwrap_or_default()
        )));
    }
    let (name, description, table_id) = check(&txn, &new, Some(id)).await?;
    let mut model = stored(&new, name, description, table_id);
    model.id = Set(id);
    model.version = Set(current.version + 1);
    // An unchanged schedule keeps its next run; a new one starts counting now.
    if current.batch == new.batch.as_ref().map(|b| json!(b)) && current.next_run_at.is_some() {
        model.next_run_at = Set(current.next_run_at);
    }
    let model = model.update(&txn).await?;
    audit::record(&txn, actor.into(), "rule.update", Some(("rule", id)), json!({"name": model.name})).await?;
    let rule = with_table(&txn, model).await?;
    txn.commit().await?;
    Ok(rule)
}

/// Deletes a rule and its suppressions; its tickets stay (their `rule_id` keeps the number).
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
    let txn = db.begin().await?;
    let current = rule::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("rule"))?;
    rule::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, actor.into(), "rule.delete", Some(("rule", id)), json!({"name": current.name}))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// One rule.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<Rule> {
    let m = rule::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("rule"))?;
    with_table(db, m).await
}

/// Every rule, by name.
pub async fn list(db: &impl ConnectionTrait, page: &PageRequest) -> DomainResult<Page<Rule>> {
    let ordering =
        Ordering { sort: rule::Column::Name, id: rule::Column::Id, descending: false, sort_is_id: false };
    let rows =
        fetch_page(db, rule::Entity::find(), ordering, page, |m| (SortKey::Text(m.name.clone()), m.id))
            .await?;
    let table_ids: BTreeSet<i64> = rows.items.iter().map(|m| m.table_id).collect();
    let tables = log_table::Entity::find().filter(log_table::Column::Id.is_in(table_ids)).all(db).await?;
    let name_of = |id: i64| tables.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default();
    Ok(Page {
        items: rows
            .items
            .into_iter()
            .map(|m| to_dto(m.clone(), name_of(m.table_id)))
            .collect::<DomainResult<_>>()?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}
