//! Employees (the people explanation requests go to) and the department tree they belong to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// The language mail to an employee is written in.
    pub enum Language {
        Ko = "ko",
        En = "en",
    }
}

/// A department. Departments form a tree through `parent_id`; each has at most one manager,
/// who is one of its own employees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: i64,
    pub name: String,
    /// The department above this one; `null` for a top-level department.
    pub parent_id: Option<i64>,
    /// The employee id of the department's manager.
    pub manager_id: Option<String>,
    pub manager_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

/// Body of `POST /api/departments`. A new department has no employees yet, so no manager:
/// set one with `PUT /api/departments/{id}` or an employee's `is_manager`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    /// 1..=100 characters without `/` (the path separator of the CSV import), unique among its
    /// siblings.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = "^[^/]*\\S[^/]*$"))]
    pub name: String,
    /// The department above; top level when left out.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// Body of `PUT /api/departments/{id}`: only the fields present change; `null` clears
/// `parent_id` (making it top level) and `manager_id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepartmentPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = "^[^/]*\\S[^/]*$"))]
    pub name: Option<String>,
    /// A parent that is this department or one below it is refused (no cycles).
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub parent_id: Option<Option<i64>>,
    /// An employee of this department; replaces the current manager.
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub manager_id: Option<Option<String>>,
}

/// An employee: someone an explanation can be requested from or assigned to for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Employee {
    /// The employee id, as log records carry it in `emp_key`.
    pub id: String,
    pub name: String,
    pub email: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    /// Administrator privileges: the last resort of the automatic primary reviewer.
    pub is_admin: bool,
    /// Whether the employee is the manager of their own department.
    pub is_manager: bool,
    pub language: Option<Language>,
    /// The account linked to this employee, if any (reviews are done through it).
    pub account_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

/// Body of `POST /api/employees`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEmployee {
    /// 1..=64 characters: letters, digits, `.`, `_`, `-`, `@`; unique. Log records name the
    /// employee by it (`emp_key`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._@-]{1,64}$"))]
    pub id: String,
    /// 1..=100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = "\\S"))]
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub department_id: Option<i64>,
    /// Defaults to `false`.
    #[serde(default)]
    pub is_admin: Option<bool>,
    /// `true` makes the employee the manager of their department, replacing the current one.
    #[serde(default)]
    pub is_manager: Option<bool>,
    #[serde(default)]
    pub language: Option<Language>,
}

/// Body of `PUT /api/employees/{id}`: only the fields present change; `null` clears
/// `department_id` and `language`. The id never changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmployeePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = "\\S"))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Moving a manager to another department ends their management of the old one.
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub department_id: Option<Option<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    /// `true` makes the employee the manager of their department (replacing the current one);
    /// `false` leaves the department without a manager if they were it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_manager: Option<bool>,
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Language>))]
    pub language: Option<Option<Language>>,
}

/// One refused row of a CSV import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    /// 1-based data row: the header is row 0, the first employee row 1.
    pub row: u64,
    /// The column to blame, when one is.
    pub field: Option<String>,
    pub reason: String,
}

/// The answer to `POST /api/employees/import`. Rows with an error change nothing; every other
/// row is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    /// Employees that did not exist before.
    pub created: u64,
    /// Existing employees whose row was applied.
    pub updated: u64,
    /// Departments the `department` paths called for that did not exist yet.
    pub departments_created: u64,
    pub errors: Vec<ImportRowError>,
}
