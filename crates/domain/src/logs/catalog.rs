//! Log schemas (named field lists) and log tables (named record stores under one schema).

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page,
    logs::{LogSchema, LogTable, NewLogSchema, NewLogTable, SchemaField},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{log_schema, log_table},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    services::audit,
    values::{BoundedName, OptionalText},
};

/// The most fields a schema may have.
const MAX_FIELDS: usize = 200;

/// Field names: letters, digits, `_`, `-`, `.`; 1..=64; not starting with `_` (reserved for
/// `_id` and `_time`); not `emp_key`.
fn check_field_name(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.chars().count() > 64 {
        return Some("must be 1 to 64 characters");
    }
    if name.starts_with('_') || name == "emp_key" {
        return Some("is reserved (`_…` and `emp_key` are every record's own)");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Some("may hold only letters, digits, `_`, `-` and `.`");
    }
    None
}

/// Table names: lower-case letters, digits, `_` and `-`, starting with a letter, 1..=64.
fn check_table_name(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !first_ok
        || name.len() > 64
        || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Some("must be 1 to 64 lower-case letters, digits, `_` or `-`, starting with a letter");
    }
    None
}

pub(crate) fn schema_fields(model: &log_schema::Model) -> DomainResult<Vec<SchemaField>> {
    serde_json::from_value(model.fields.clone())
        .map_err(|e| DomainError::Internal(format!("stored schema {} fields: {e}", model.id)))
}

fn schema_dto(model: log_schema::Model) -> DomainResult<LogSchema> {
    let fields = schema_fields(&model)?;
    Ok(LogSchema {
        id: model.id,
        name: model.name,
        description: model.description,
        fields,
        created_at: model.created_at,
    })
}

/// Creates a schema. Fails with `Validation` naming every bad field, `Conflict` on a taken name.
pub async fn create_schema(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewLogSchema,
) -> DomainResult<LogSchema> {
    let mut v = Violations::new();
    let name = v.check(BoundedName::<100>::parse("name", &new.name));
    let description =
        v.check(OptionalText::<2000>::parse("description", new.description.as_deref().unwrap_or("")));
    if new.fields.is_empty() || new.fields.len() > MAX_FIELDS {
        v.push("fields", format!("must hold 1 to {MAX_FIELDS} fields"));
    }
    let mut seen = BTreeSet::new();
    for (i, f) in new.fields.iter().enumerate() {
        if let Some(msg) = check_field_name(&f.name) {
            v.push(format!("fields[{i}].name"), msg);
        } else if !seen.insert(f.name.as_str()) {
            v.push(format!("fields[{i}].name"), format!("'{}' appears twice", f.name));
        }
    }
    v.finish()?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(DomainError::Internal("validated schema missing".into()));
    };
    let name = name.into_inner();
    let txn = db.begin().await?;
    if log_schema::Entity::find().filter(log_schema::Column::Name.eq(&name)).count(&txn).await? > 0 {
        return Err(DomainError::Conflict(format!("a log schema named '{name}' already exists")));
    }
    let model = log_schema::ActiveModel {
        name: Set(name),
        description: Set(description),
        fields: Set(json!(new.fields)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "log_schema.create",
        Some(("log_schema", model.id)),
        json!({"name": model.name}),
    )
    .await?;
    txn.commit().await?;
    schema_dto(model)
}

/// Every schema, by name.
pub async fn list_schemas(db: &impl ConnectionTrait, page: &PageRequest) -> DomainResult<Page<LogSchema>> {
    let ordering = Ordering {
        sort: log_schema::Column::Name,
        id: log_schema::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let rows =
        fetch_page(db, log_schema::Entity::find(), ordering, page, |m| (SortKey::Text(m.name.clone()), m.id))
            .await?;
    Ok(Page {
        items: rows.items.into_iter().map(schema_dto).collect::<DomainResult<_>>()?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}

async fn table_dto(db: &impl ConnectionTrait, model: log_table::Model) -> DomainResult<LogTable> {
    let schema = log_schema::Entity::find_by_id(model.schema_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Internal(format!("table {} lost its schema", model.id)))?;
    Ok(LogTable {
        id: model.id,
        name: model.name,
        description: model.description,
        schema_id: model.schema_id,
        schema: schema.name,
        record_count: model.record_count,
        created_at: model.created_at,
    })
}

/// Creates a table. Fails with `Validation` (bad name, unknown schema) or `Conflict` (taken name).
pub async fn create_table(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewLogTable,
) -> DomainResult<LogTable> {
    let mut v = Violations::new();
    let name = new.name.trim().to_owned();
    if let Some(msg) = check_table_name(&name) {
        v.push("name", msg);
    }
    let description =
        v.check(OptionalText::<2000>::parse("description", new.description.as_deref().unwrap_or("")));
    let txn = db.begin().await?;
    if log_schema::Entity::find_by_id(new.schema_id).one(&txn).await?.is_none() {
        v.push("schema_id", format!("log schema {} does not exist", new.schema_id));
    }
    v.finish()?;
    if log_table::Entity::find().filter(log_table::Column::Name.eq(&name)).count(&txn).await? > 0 {
        return Err(DomainError::Conflict(format!("a log table named '{name}' already exists")));
    }
    let model = log_table::ActiveModel {
        name: Set(name),
        description: Set(description.flatten()),
        schema_id: Set(new.schema_id),
        record_count: Set(0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "log_table.create",
        Some(("log_table", model.id)),
        json!({"name": model.name}),
    )
    .await?;
    let dto = table_dto(&txn, model).await?;
    txn.commit().await?;
    Ok(dto)
}

/// Every table, by name.
pub async fn list_tables(db: &impl ConnectionTrait, page: &PageRequest) -> DomainResult<Page<LogTable>> {
    let ordering = Ordering {
        sort: log_table::Column::Name,
        id: log_table::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let rows =
        fetch_page(db, log_table::Entity::find(), ordering, page, |m| (SortKey::Text(m.name.clone()), m.id))
            .await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for m in rows.items {
        items.push(table_dto(db, m).await?);
    }
    Ok(Page { items, next_cursor: rows.next_cursor, total: rows.total })
}

/// A table and its schema, by the table's name.
pub(crate) async fn table_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> DomainResult<(log_table::Model, log_schema::Model)> {
    let table = log_table::Entity::find()
        .filter(log_table::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("log table"))?;
    let schema = log_schema::Entity::find_by_id(table.schema_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Internal(format!("table {} lost its schema", table.id)))?;
    Ok((table, schema))
}

/// One table by name.
pub async fn get_table(db: &impl ConnectionTrait, name: &str) -> DomainResult<LogTable> {
    let (table, _) = table_by_name(db, name).await?;
    table_dto(db, table).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_checked() {
        assert_eq!(check_field_name("src_ip"), None);
        assert_eq!(check_field_name("http.status-code"), None);
        assert!(check_field_name("").is_some());
        assert!(check_field_name("_id").is_some());
        assert!(check_field_name("emp_key").is_some());
        assert!(check_field_name("a b").is_some());
        assert!(check_field_name(&"x".repeat(65)).is_some());
    }

    #[test]
    fn table_names_are_checked() {
        assert_eq!(check_table_name("firewall"), None);
        assert_eq!(check_table_name("fw-2_a"), None);
        assert!(check_table_name("Firewall").is_some());
        assert!(check_table_name("1fw").is_some());
        assert!(check_table_name("").is_some());
        assert!(check_table_name("a/b").is_some());
    }
}
