//! Employees and the department tree: CRUD, the CSV import, and the automatic primary reviewer
//! of an explanation request.
//!
//! A department has at most one manager, who is one of its own employees; so an employee
//! manages at most their own department, and `is_manager` is "the manager of my department".
//! Moving a manager to another department (or deleting them) leaves the old one without a
//! manager.

pub mod departments;
pub mod employees;
pub mod import;
pub mod reviewer;

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr, SimpleExpr},
};
use socdesk_types::people::{Department, Employee, Language};

use crate::{
    DomainResult,
    entities::{account, department, employee},
    tickets::list::like_escape,
};

/// `col` contains `text`, ignoring ASCII case, with LIKE wildcards in `text` taken literally
/// (the same on SQLite and PostgreSQL).
pub(crate) fn contains_ci(col: impl IntoColumnRef, text: &str) -> SimpleExpr {
    let pattern = format!("%{}%", like_escape(&text.to_lowercase()));
    Func::lower(Expr::col(col)).like(LikeExpr::new(pattern).escape('\\'))
}

/// The stored language as the API value (an unknown one, from a newer release, reads as none).
fn language(stored: Option<&str>) -> Option<Language> {
    stored.and_then(Language::parse)
}

/// Employee answers for `models`, with department names, manager flags and linked accounts
/// looked up in two queries.
pub(crate) async fn employee_dtos(
    db: &impl ConnectionTrait,
    models: Vec<employee::Model>,
) -> DomainResult<Vec<Employee>> {
    let dept_ids: BTreeSet<i64> = models.iter().filter_map(|m| m.department_id).collect();
    let departments: BTreeMap<i64, department::Model> = if dept_ids.is_empty() {
        BTreeMap::new()
    } else {
        department::Entity::find()
            .filter(department::Column::Id.is_in(dept_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect()
    };
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    let accounts: BTreeMap<String, i64> = if ids.is_empty() {
        BTreeMap::new()
    } else {
        account::Entity::find()
            .filter(account::Column::EmployeeId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|a| a.employee_id.map(|e| (e, a.id)))
            .collect()
    };
    Ok(models
        .into_iter()
        .map(|m| {
            let dept = m.department_id.and_then(|id| departments.get(&id));
            Employee {
                department_name: dept.map(|d| d.name.clone()),
                is_manager: dept.is_some_and(|d| d.manager_id.as_deref() == Some(m.id.as_str())),
                account_id: accounts.get(&m.id).copied(),
                language: language(m.language.as_deref()),
                id: m.id,
                name: m.name,
                email: m.email,
                department_id: m.department_id,
                is_admin: m.is_admin,
                created_at: m.created_at,
                modified_at: m.modified_at,
            }
        })
        .collect())
}

/// Department answers for `models`, with their managers' names looked up in one query.
pub(crate) async fn department_dtos(
    db: &impl ConnectionTrait,
    models: Vec<department::Model>,
) -> DomainResult<Vec<Department>> {
    let manager_ids: BTreeSet<String> = models.iter().filter_map(|m| m.manager_id.clone()).collect();
    let names: BTreeMap<String, String> = if manager_ids.is_empty() {
        BTreeMap::new()
    } else {
        employee::Entity::find()
            .filter(employee::Column::Id.is_in(manager_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    };
    Ok(models
        .into_iter()
        .map(|m| Department {
            manager_name: m.manager_id.as_ref().and_then(|id| names.get(id).cloned()),
            id: m.id,
            name: m.name,
            parent_id: m.parent_id,
            manager_id: m.manager_id,
            created_at: m.created_at,
            modified_at: m.modified_at,
        })
        .collect())
}
