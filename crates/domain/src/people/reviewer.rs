//! The automatic primary reviewer of an explanation request, by the manual's rules:
//!
//! 1. the manager of the violator's department;
//! 2. if it has none, the manager of the nearest department above it that has one;
//! 3. a violator who manages their own department starts at its parent department instead (a
//!    manager never reviews themselves);
//! 4. if no manager is found up to the top-level department, or the violator has no department,
//!    an employee with administrator privileges (`is_admin`) other than the violator: the lowest
//!    id (byte order), so the choice is the same every time and on every database.
//!
//! A loop in the stored tree (which the department service refuses to create) is walked once.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use socdesk_types::people::Employee;

use crate::{
    DomainError, DomainResult,
    entities::{department, employee},
    people::{departments::MAX_DEPTH, employees},
};

/// What the rules need to know of one department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentNode {
    pub parent_id: Option<i64>,
    pub manager_id: Option<String>,
}

/// Why an employee was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The manager of this department (the violator's own, or the nearest one above it).
    DepartmentManager { department_id: i64 },
    /// No manager up the tree: an employee with administrator privileges.
    Administrator,
}

/// The chosen primary reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub employee_id: String,
    pub basis: Basis,
}

/// Rules 1–3: the first manager other than the violator, walking up from `department_id`
/// through `departments` (which holds at least the violator's department and those above it).
pub fn department_manager(
    violator: &str,
    department_id: Option<i64>,
    departments: &BTreeMap<i64, DepartmentNode>,
) -> Option<Choice> {
    let mut seen = BTreeSet::new();
    let mut current = department_id;
    while let Some(id) = current {
        if !seen.insert(id) {
            return None;
        }
        let node = departments.get(&id)?;
        if let Some(manager) = node.manager_id.as_deref().filter(|m| *m != violator) {
            return Some(Choice {
                employee_id: manager.to_owned(),
                basis: Basis::DepartmentManager { department_id: id },
            });
        }
        current = node.parent_id;
    }
    None
}

/// Rule 4: the lowest id among `admins` that is not the violator.
pub fn administrator(violator: &str, admins: &[String]) -> Option<Choice> {
    admins
        .iter()
        .filter(|a| a.as_str() != violator)
        .min()
        .map(|a| Choice { employee_id: a.clone(), basis: Basis::Administrator })
}

/// Every rule at once, for data already in memory.
pub fn choose(
    violator: &str,
    department_id: Option<i64>,
    departments: &BTreeMap<i64, DepartmentNode>,
    admins: &[String],
) -> Option<Choice> {
    department_manager(violator, department_id, departments).or_else(|| administrator(violator, admins))
}

/// The violator's department and those above it, one query per level.
async fn chain(
    db: &impl ConnectionTrait,
    department_id: Option<i64>,
) -> DomainResult<BTreeMap<i64, DepartmentNode>> {
    let mut out = BTreeMap::new();
    let mut next = department_id;
    while let Some(id) = next {
        if out.contains_key(&id) || out.len() >= MAX_DEPTH {
            break;
        }
        let Some(d) = department::Entity::find_by_id(id).one(db).await? else { break };
        next = d.parent_id;
        out.insert(id, DepartmentNode { parent_id: d.parent_id, manager_id: d.manager_id });
    }
    Ok(out)
}

/// Who the rules choose for the violator `employee_id`, and why; `None` when nobody qualifies
/// (no manager up the tree and no other administrator). Fails with `NotFound` when the violator
/// does not exist.
pub async fn primary_reviewer_choice(
    db: &impl ConnectionTrait,
    employee_id: &str,
) -> DomainResult<Option<Choice>> {
    let violator =
        employee::Entity::find_by_id(employee_id).one(db).await?.ok_or(DomainError::NotFound("employee"))?;
    let departments = chain(db, violator.department_id).await?;
    if let Some(choice) = department_manager(&violator.id, violator.department_id, &departments) {
        return Ok(Some(choice));
    }
    let admins: Vec<String> = employee::Entity::find()
        .select_only()
        .column(employee::Column::Id)
        .filter(employee::Column::IsAdmin.eq(true))
        .filter(employee::Column::Id.ne(violator.id.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(administrator(&violator.id, &admins))
}

/// The automatic primary reviewer of an explanation whose violator is `employee_id`; `None` when
/// nobody qualifies. Fails with `NotFound` when the violator does not exist.
pub async fn primary_reviewer(
    db: &impl ConnectionTrait,
    employee_id: &str,
) -> DomainResult<Option<Employee>> {
    let Some(choice) = primary_reviewer_choice(db, employee_id).await? else { return Ok(None) };
    let model = employee::Entity::find_by_id(choice.employee_id.as_str())
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Internal(format!("reviewer {} vanished", choice.employee_id)))?;
    Ok(Some(employees::dto(db, model).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree of the table test:
    ///
    /// ```text
    /// 1 HQ (manager: ceo)
    /// ├── 2 Security (manager: sec-head)
    /// │   ├── 3 SOC (manager: soc-lead)
    /// │   └── 4 Red team (no manager)
    /// │       └── 5 Tools (no manager)
    /// └── 6 Sales (manager: sales-head)
    /// 7 Lab (no manager; top level, no parent)
    /// 8 Loop A (no manager) ⇄ 9 Loop B (no manager)
    /// ```
    fn tree() -> BTreeMap<i64, DepartmentNode> {
        let node = |parent: Option<i64>, manager: Option<&str>| DepartmentNode {
            parent_id: parent,
            manager_id: manager.map(str::to_owned),
        };
        BTreeMap::from([
            (1, node(None, Some("ceo"))),
            (2, node(Some(1), Some("sec-head"))),
            (3, node(Some(2), Some("soc-lead"))),
            (4, node(Some(2), None)),
            (5, node(Some(4), None)),
            (6, node(Some(1), Some("sales-head"))),
            (7, node(None, None)),
            (8, node(Some(9), None)),
            (9, node(Some(8), None)),
        ])
    }

    fn manager(id: &str, dept: i64) -> Option<Choice> {
        Some(Choice { employee_id: id.into(), basis: Basis::DepartmentManager { department_id: dept } })
    }

    fn admin(id: &str) -> Option<Choice> {
        Some(Choice { employee_id: id.into(), basis: Basis::Administrator })
    }

    /// One row of the table test: (what, violator, their department, administrators, expected).
    type Case<'a> = (&'a str, &'a str, Option<i64>, &'a [String], Option<Choice>);

    #[test]
    fn every_seed_rule() {
        let admins: Vec<String> = ["zz-admin", "a-admin", "m-admin"].map(String::from).to_vec();
        let cases: &[Case] = &[
            ("analyst in SOC: SOC's manager", "e1", Some(3), &admins, manager("soc-lead", 3)),
            ("SOC's manager: Security's manager", "soc-lead", Some(3), &admins, manager("sec-head", 2)),
            ("Security's manager: HQ's manager", "sec-head", Some(2), &admins, manager("ceo", 1)),
            ("no manager in Red team: Security's", "e2", Some(4), &admins, manager("sec-head", 2)),
            ("none in Tools or Red team: Security's", "e3", Some(5), &admins, manager("sec-head", 2)),
            ("top manager: lowest admin id", "ceo", Some(1), &admins, admin("a-admin")),
            ("top level without manager: admin", "e4", Some(7), &admins, admin("a-admin")),
            ("no department: admin", "e5", None, &admins, admin("a-admin")),
            ("the lowest admin is the violator: the next", "a-admin", None, &admins, admin("m-admin")),
            ("no manager, no admins: nobody", "e6", Some(7), &[], None),
            ("only admin is the violator: nobody", "a-admin", None, &admins[1..2], None),
            ("a loop in the tree ends the walk", "e7", Some(8), &admins, admin("a-admin")),
            ("a loop and no admins: nobody", "e7", Some(9), &[], None),
            ("an unknown department: admin", "e8", Some(99), &admins, admin("a-admin")),
        ];
        let departments = tree();
        for (case, violator, dept, admins, expected) in cases {
            assert_eq!(&choose(violator, *dept, &departments, admins), expected, "{case}");
        }
    }

    #[test]
    fn a_violator_managing_an_ancestor_too_is_skipped_there_as_well() {
        let mut departments = tree();
        departments.insert(2, DepartmentNode { parent_id: Some(1), manager_id: Some("soc-lead".into()) });
        assert_eq!(choose("soc-lead", Some(3), &departments, &[]), manager("ceo", 1));
    }
}
