//! Employees: the people explanations are requested from and reviewed by.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page,
    people::{Employee, EmployeePatch, NewEmployee},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{department, employee},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    people::{contains_ci, departments, employee_dtos},
    services::audit,
    values::{BoundedName, Email, EmployeeId},
};

/// Filters of the employee list.
#[derive(Debug, Default, Clone)]
pub struct EmployeeFilter {
    /// Text in the name, id or email (ignoring case).
    pub q: Option<String>,
    pub department_id: Option<i64>,
    pub is_admin: Option<bool>,
}

/// The answer for one stored employee.
pub(crate) async fn dto(db: &impl ConnectionTrait, model: employee::Model) -> DomainResult<Employee> {
    employee_dtos(db, vec![model])
        .await?
        .pop()
        .ok_or_else(|| DomainError::Internal("employee answer missing".into()))
}

/// Employees matching `filter`, by name (then id).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &EmployeeFilter,
    page: &PageRequest,
) -> DomainResult<Page<Employee>> {
    let mut select = employee::Entity::find();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(
            Condition::any()
                .add(contains_ci((employee::Entity, employee::Column::Name), q))
                .add(contains_ci((employee::Entity, employee::Column::Id), q))
                .add(contains_ci((employee::Entity, employee::Column::Email), q)),
        );
    }
    if let Some(d) = filter.department_id {
        select = select.filter(employee::Column::DepartmentId.eq(d));
    }
    if let Some(a) = filter.is_admin {
        select = select.filter(employee::Column::IsAdmin.eq(a));
    }
    let ordering = Ordering {
        sort: employee::Column::Name,
        id: employee::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let rows =
        fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.name.clone()), m.id.clone())).await?;
    Ok(Page { items: employee_dtos(db, rows.items).await?, next_cursor: rows.next_cursor, total: rows.total })
}

/// One employee. Fails with `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> DomainResult<Employee> {
    let model = employee::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("employee"))?;
    dto(db, model).await
}

/// Keeps departments' managers consistent after `employee_id` moved from `old_department` to
/// `new_department` (the same for no move) and maybe asked to be (`Some(true)`) or not to be
/// (`Some(false)`) its manager: a manager who leaves a department no longer manages it;
/// `Some(true)` replaces the new department's manager. The caller has checked that
/// `Some(true)` comes with a department.
pub(crate) async fn sync_manager(
    db: &impl ConnectionTrait,
    employee_id: &str,
    old_department: Option<i64>,
    new_department: Option<i64>,
    is_manager: Option<bool>,
) -> DomainResult<()> {
    if old_department != new_department
        && let Some(old) = old_department
    {
        stop_managing(db, old, employee_id).await?;
    }
    match (new_department, is_manager) {
        (Some(d), Some(true)) => departments::set_manager(db, d, Some(employee_id.to_owned())).await,
        (Some(d), Some(false)) => stop_managing(db, d, employee_id).await,
        _ => Ok(()),
    }
}

/// Leaves `department_id` without a manager if `employee_id` is its manager.
async fn stop_managing(db: &impl ConnectionTrait, department_id: i64, employee_id: &str) -> DomainResult<()> {
    let dept = department::Entity::find_by_id(department_id).one(db).await?;
    if dept.is_some_and(|d| d.manager_id.as_deref() == Some(employee_id)) {
        departments::set_manager(db, department_id, None).await?;
    }
    Ok(())
}

async fn check_department(
    db: &impl ConnectionTrait,
    department_id: Option<i64>,
    v: &mut Violations,
) -> DomainResult<()> {
    if let Some(d) = department_id
        && department::Entity::find_by_id(d).one(db).await?.is_none()
    {
        v.push("department_id", format!("department {d} does not exist"));
    }
    Ok(())
}

/// Creates an employee. `is_manager: true` makes them the manager of their department. Fails with
/// `Validation` (every bad field) or `Conflict` (the id is taken).
pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewEmployee) -> DomainResult<Employee> {
    let mut v = Violations::new();
    let id = v.check(EmployeeId::parse("id", &new.id));
    let name = v.check(BoundedName::<100>::parse("name", &new.name));
    let email = v.check(Email::parse("email", &new.email));
    if new.is_manager == Some(true) && new.department_id.is_none() {
        v.push("is_manager", "a manager needs a department_id");
    }
    let txn = db.begin().await?;
    check_department(&txn, new.department_id, &mut v).await?;
    v.finish()?;
    let (Some(id), Some(name), Some(email)) = (id, name, email) else {
        return Err(DomainError::Internal("validated employee fields missing".into()));
    };
    if employee::Entity::find_by_id(id.as_str()).one(&txn).await?.is_some() {
        return Err(DomainError::Conflict(format!("an employee with id '{}' already exists", id.as_str())));
    }
    let now = Utc::now();
    let model = employee::ActiveModel {
        id: Set(id.into_inner()),
        name: Set(name.into_inner()),
        email: Set(email.into_inner()),
        department_id: Set(new.department_id),
        is_admin: Set(new.is_admin.unwrap_or(false)),
        language: Set(new.language.map(|l| l.as_str().to_owned())),
        created_at: Set(now),
        modified_at: Set(now),
    }
    .insert(&txn)
    .await?;
    sync_manager(&txn, &model.id, model.department_id, model.department_id, new.is_manager).await?;
    audit::record_keyed(
        &txn,
        actor.into(),
        "employee.create",
        ("employee", &model.id),
        json!({"name": model.name, "department_id": model.department_id, "is_admin": model.is_admin,
               "is_manager": new.is_manager == Some(true)}),
    )
    .await?;
    let employee = dto(&txn, model).await?;
    txn.commit().await?;
    Ok(employee)
}

/// Changes the fields present. Moving a manager to another department ends their management of
/// the old one. Fails with `NotFound` or `Validation`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: &str,
    patch: EmployeePatch,
) -> DomainResult<Employee> {
    let mut v = Violations::new();
    let name = patch.name.as_deref().and_then(|n| v.check(BoundedName::<100>::parse("name", n)));
    let email = patch.email.as_deref().and_then(|e| v.check(Email::parse("email", e)));
    let txn = db.begin().await?;
    let current =
        employee::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("employee"))?;
    if let Some(d) = patch.department_id {
        check_department(&txn, d, &mut v).await?;
    }
    let old_department = current.department_id;
    let new_department = patch.department_id.unwrap_or(old_department);
    if patch.is_manager == Some(true) && new_department.is_none() {
        v.push("is_manager", "a manager needs a department_id");
    }
    v.finish()?;
    let mut row: employee::ActiveModel = current.into();
    let mut changed = serde_json::Map::new();
    if let Some(n) = name {
        row.name = Set(n.into_inner());
        changed.insert("name".into(), json!(true));
    }
    if let Some(e) = email {
        row.email = Set(e.into_inner());
        changed.insert("email".into(), json!(true));
    }
    if let Some(d) = patch.department_id {
        row.department_id = Set(d);
        changed.insert("department_id".into(), json!([old_department, d]));
    }
    if let Some(a) = patch.is_admin {
        row.is_admin = Set(a);
        changed.insert("is_admin".into(), json!(a));
    }
    if let Some(l) = patch.language {
        row.language = Set(l.map(|l| l.as_str().to_owned()));
        changed.insert("language".into(), json!(l));
    }
    if let Some(m) = patch.is_manager {
        changed.insert("is_manager".into(), json!(m));
    }
    row.modified_at = Set(Utc::now());
    let model = row.update(&txn).await?;
    sync_manager(&txn, id, old_department, new_department, patch.is_manager).await?;
    audit::record_keyed(
        &txn,
        actor.into(),
        "employee.update",
        ("employee", id),
        json!({ "changed": changed }),
    )
    .await?;
    let employee = dto(&txn, model).await?;
    txn.commit().await?;
    Ok(employee)
}

/// Deletes an employee: their department loses its manager if they were it, and a linked
/// account is unlinked. Fails with `NotFound`.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: &str) -> DomainResult<()> {
    let txn = db.begin().await?;
    let current =
        employee::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("employee"))?;
    // The foreign keys clear `departments.manager_id` and `accounts.employee_id` (ON DELETE SET NULL).
    employee::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record_keyed(
        &txn,
        actor.into(),
        "employee.delete",
        ("employee", id),
        json!({"name": current.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
