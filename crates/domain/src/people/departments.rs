//! Departments: a tree without cycles, names unique among siblings, at most one manager each
//! (one of the department's own employees).

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page,
    people::{Department, DepartmentPatch, NewDepartment},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{department, employee},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    people::{contains_ci, department_dtos},
    services::audit,
    values::DepartmentName,
};

/// Most levels walked up the tree before the data is taken to be corrupt.
pub(crate) const MAX_DEPTH: usize = 1000;

async fn dto(db: &impl ConnectionTrait, model: department::Model) -> DomainResult<Department> {
    department_dtos(db, vec![model])
        .await?
        .pop()
        .ok_or_else(|| DomainError::Internal("department answer missing".into()))
}

/// Every department whose name contains `search` (ignoring case), by name.
pub async fn list(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    page: &PageRequest,
) -> DomainResult<Page<Department>> {
    let mut select = department::Entity::find();
    if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(contains_ci((department::Entity, department::Column::Name), q));
    }
    let ordering = Ordering {
        sort: department::Column::Name,
        id: department::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let rows = fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.name.clone()), m.id)).await?;
    Ok(Page {
        items: department_dtos(db, rows.items).await?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}

/// One department. Fails with `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<Department> {
    let model =
        department::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("department"))?;
    dto(db, model).await
}

/// The child of `parent_id` (a top-level department for `None`) named exactly `name`.
pub(crate) async fn find_child(
    db: &impl ConnectionTrait,
    parent_id: Option<i64>,
    name: &str,
) -> DomainResult<Option<department::Model>> {
    let parent = match parent_id {
        Some(p) => department::Column::ParentId.eq(p),
        None => department::Column::ParentId.is_null(),
    };
    Ok(department::Entity::find().filter(parent).filter(department::Column::Name.eq(name)).one(db).await?)
}

async fn ensure_name_free(
    db: &impl ConnectionTrait,
    parent_id: Option<i64>,
    name: &str,
    except: Option<i64>,
) -> DomainResult<()> {
    match find_child(db, parent_id, name).await? {
        Some(other) if Some(other.id) != except => Err(DomainError::Conflict(format!(
            "a department named '{name}' already exists {}",
            if parent_id.is_some() { "under the same parent" } else { "at the top level" }
        ))),
        _ => Ok(()),
    }
}

/// Whether making `parent_id` the parent of `id` would close a loop (`parent_id` is `id` or
/// below it).
async fn would_cycle(db: &impl ConnectionTrait, id: i64, parent_id: i64) -> DomainResult<bool> {
    let mut seen = BTreeSet::new();
    let mut current = Some(parent_id);
    while let Some(dept) = current {
        if dept == id {
            return Ok(true);
        }
        if !seen.insert(dept) || seen.len() > MAX_DEPTH {
            // Already looping without `id` in the loop: stored data is corrupt, refuse to add to it.
            return Ok(true);
        }
        current = department::Entity::find_by_id(dept).one(db).await?.and_then(|d| d.parent_id);
    }
    Ok(false)
}

/// Inserts a department (no checks beyond the database's); the import and `create` share it.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    name: String,
    parent_id: Option<i64>,
) -> DomainResult<department::Model> {
    let now = Utc::now();
    Ok(department::ActiveModel {
        name: Set(name),
        parent_id: Set(parent_id),
        manager_id: Set(None),
        created_at: Set(now),
        modified_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Makes `manager_id` the manager of `department_id` (`None`: no manager).
pub(crate) async fn set_manager(
    db: &impl ConnectionTrait,
    department_id: i64,
    manager_id: Option<String>,
) -> DomainResult<()> {
    department::ActiveModel {
        id: Set(department_id),
        manager_id: Set(manager_id),
        modified_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Creates a department. Fails with `Validation` (name, unknown `parent_id`) or `Conflict` (a
/// sibling has the name).
pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewDepartment) -> DomainResult<Department> {
    let mut v = Violations::new();
    let name = v.check(DepartmentName::parse("name", &new.name));
    let txn = db.begin().await?;
    if let Some(p) = new.parent_id
        && department::Entity::find_by_id(p).one(&txn).await?.is_none()
    {
        v.push("parent_id", format!("department {p} does not exist"));
    }
    v.finish()?;
    let Some(name) = name else { return Err(DomainError::Internal("validated name missing".into())) };
    ensure_name_free(&txn, new.parent_id, &name, None).await?;
    let model = insert(&txn, name, new.parent_id).await?;
    audit::record(
        &txn,
        actor.into(),
        "department.create",
        Some(("department", model.id)),
        json!({"name": model.name, "parent_id": model.parent_id}),
    )
    .await?;
    let dept = dto(&txn, model).await?;
    txn.commit().await?;
    Ok(dept)
}

/// Changes the fields present. A parent that is the department itself or below it is refused
/// (`parent_id`), and so is a manager who is not one of its employees (`manager_id`). Fails with
/// `NotFound`, `Validation` or `Conflict` (a sibling has the name).
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    patch: DepartmentPatch,
) -> DomainResult<Department> {
    let mut v = Violations::new();
    let name = patch.name.as_deref().and_then(|n| v.check(DepartmentName::parse("name", n)));
    let txn = db.begin().await?;
    let current =
        department::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("department"))?;
    if let Some(Some(p)) = patch.parent_id {
        if department::Entity::find_by_id(p).one(&txn).await?.is_none() {
            v.push("parent_id", format!("department {p} does not exist"));
        } else if would_cycle(&txn, id, p).await? {
            v.push("parent_id", "would make the department its own ancestor");
        }
    }
    if let Some(Some(m)) = &patch.manager_id {
        match employee::Entity::find_by_id(m.as_str()).one(&txn).await? {
            None => v.push("manager_id", format!("employee {m} does not exist")),
            Some(e) if e.department_id != Some(id) => {
                v.push("manager_id", format!("employee {m} is not in this department"))
            }
            Some(_) => {}
        }
    }
    v.finish()?;
    let parent_id = patch.parent_id.unwrap_or(current.parent_id);
    let new_name = name.unwrap_or_else(|| current.name.clone());
    if parent_id != current.parent_id || new_name != current.name {
        ensure_name_free(&txn, parent_id, &new_name, Some(id)).await?;
    }
    let before =
        json!({"name": current.name, "parent_id": current.parent_id, "manager_id": current.manager_id});
    let mut row: department::ActiveModel = current.into();
    row.name = Set(new_name);
    row.parent_id = Set(parent_id);
    if let Some(manager) = patch.manager_id {
        row.manager_id = Set(manager);
    }
    row.modified_at = Set(Utc::now());
    let model = row.update(&txn).await?;
    audit::record(
        &txn,
        actor.into(),
        "department.update",
        Some(("department", id)),
        json!({
            "before": before,
            "after": {"name": model.name, "parent_id": model.parent_id, "manager_id": model.manager_id},
        }),
    )
    .await?;
    let dept = dto(&txn, model).await?;
    txn.commit().await?;
    Ok(dept)
}

/// Deletes a department. Fails with `NotFound`, or `Conflict` while it has sub-departments or
/// employees.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
    let txn = db.begin().await?;
    let current =
        department::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("department"))?;
    let children = department::Entity::find().filter(department::Column::ParentId.eq(id)).count(&txn).await?;
    if children > 0 {
        return Err(DomainError::Conflict(format!(
            "the department has {children} sub-department(s); move or delete them first"
        )));
    }
    let members = employee::Entity::find().filter(employee::Column::DepartmentId.eq(id)).count(&txn).await?;
    if members > 0 {
        return Err(DomainError::Conflict(format!(
            "the department has {members} employee(s); move them to another department first"
        )));
    }
    department::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor.into(),
        "department.delete",
        Some(("department", id)),
        json!({"name": current.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
