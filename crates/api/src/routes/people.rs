//! Departments and employees: read by those who request, review or audit explanations (and
//! analysts picking a violator), changed and imported by `ADMIN`; the automatic primary reviewer.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, post, put, web};
use serde::Deserialize;
use socdesk_domain::{
    DomainError,
    people::{
        departments,
        employees::{self, EmployeeFilter},
        import::{self, CsvEncoding},
        reviewer,
    },
};
use socdesk_types::{
    Page, Problem,
    people::{
        Department, DepartmentPatch, Employee, EmployeePatch, ImportResult, NewDepartment, NewEmployee,
    },
};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth, PeopleRead},
    error::{ApiError, ApiResult},
    extract::{Json, Query},
    routes::ListQuery,
    startup::AppState,
};

/// Lists departments by name; `q` matches part of the name (ignoring case). Each names its
/// parent (`null` at the top) and its manager.
///
/// Needs: `EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or `TICKET_EDIT` (or `ADMIN`).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = ["EXPLANATION_VIEW"]), ("bearer" = ["EXPLANATION_AUDIT"]), ("bearer" = ["TICKET_EDIT"])),
    params(ListQuery),
    responses((status = 200, description = "A page of departments", body = Page<Department>))
)]
#[get("/departments")]
async fn list_departments(
    state: web::Data<AppState>,
    _auth: Auth<PeopleRead>,
    query: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(departments::list(&state.db, query.0.q.as_deref(), &page).await?))
}

/// Creates a department, at the top level or under `parent_id`. Its name is unique among its
/// siblings.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "departments",
    security(("bearer" = ["ADMIN"])),
    request_body = NewDepartment,
    responses(
        (status = 201, description = "Created", body = Department),
        (status = 409, description = "A sibling has the name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/departments")]
async fn create_department(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewDepartment>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(departments::create(&state.db, &auth, body.0).await?))
}

/// One department.
///
/// Needs: `EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or `TICKET_EDIT` (or `ADMIN`).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = ["EXPLANATION_VIEW"]), ("bearer" = ["EXPLANATION_AUDIT"]), ("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Department id")),
    responses(
        (status = 200, description = "The department", body = Department),
        (status = 404, description = "No such department", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/departments/{id}")]
async fn get_department(
    state: web::Data<AppState>,
    _auth: Auth<PeopleRead>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(departments::get(&state.db, id.into_inner()).await?))
}

/// Changes a department: only the fields present change. Moving it under itself or one of its
/// sub-departments is refused (422 naming `parent_id`); `manager_id` must be one of its own
/// employees and replaces the current manager; `null` clears either.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "departments",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Department id")),
    request_body = DepartmentPatch,
    responses(
        (status = 200, description = "The changed department", body = Department),
        (status = 404, description = "No such department", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A sibling has the name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/departments/{id}")]
async fn update_department(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
    body: Json<DepartmentPatch>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(departments::update(&state.db, &auth, id.into_inner(), body.0).await?))
}

/// Deletes a department that has no sub-departments and no employees.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "departments",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Department id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such department", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It still has sub-departments or employees", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/departments/{id}")]
async fn delete_department(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    departments::delete(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Filters and paging of the employee list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeListQuery {
    /// Text in the name, employee id or email (ignoring case).
    pub q: Option<String>,
    /// Only employees of this department (not of its sub-departments).
    pub department_id: Option<i64>,
    /// Only employees with (`true`) or without (`false`) administrator privileges.
    pub is_admin: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// Lists employees by name, with their department, manager flag and linked account.
///
/// Needs: `EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or `TICKET_EDIT` (or `ADMIN`).
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["EXPLANATION_VIEW"]), ("bearer" = ["EXPLANATION_AUDIT"]), ("bearer" = ["TICKET_EDIT"])),
    params(EmployeeListQuery),
    responses((status = 200, description = "A page of employees", body = Page<Employee>))
)]
#[get("/employees")]
async fn list_employees(
    state: web::Data<AppState>,
    _auth: Auth<PeopleRead>,
    query: Query<EmployeeListQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let page = socdesk_domain::pagination::PageRequest::parse(q.cursor.as_deref(), q.limit)?;
    let filter = EmployeeFilter { q: q.q, department_id: q.department_id, is_admin: q.is_admin };
    Ok(HttpResponse::Ok().json(employees::list(&state.db, &filter, &page).await?))
}

/// Creates an employee. `is_manager: true` makes them the manager of their department, replacing
/// the current one.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["ADMIN"])),
    request_body = NewEmployee,
    responses(
        (status = 201, description = "Created", body = Employee),
        (status = 409, description = "The employee id is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/employees")]
async fn create_employee(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewEmployee>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(employees::create(&state.db, &auth, body.0).await?))
}

/// Parameters of the CSV import.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `utf-8` or `euc-kr`. Left out: UTF-8 (with or without a byte-order mark) when the file is
    /// valid UTF-8, else EUC-KR.
    pub encoding: Option<String>,
}

/// Whether the request says its body is CSV.
fn is_csv(req: &HttpRequest) -> bool {
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "text/csv" || essence == "application/csv"
}

/// Imports employees from a CSV file, upserting by employee id, in one transaction.
///
/// The body is the file (`Content-Type: text/csv`, at most `SOCDESK_MAX_ATTACHMENT_BYTES`). The
/// first row is the header: `employee_id`, `name`, `email`, `department`, `manager`, `admin`
/// and optionally `language`, in any order, ignoring case. `department` is a department name or
/// a path from the top (`HQ/Security/SOC`); missing departments are created, empty means none.
/// `manager` and `admin` take `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0` or empty (false);
/// `manager` makes the employee the manager of that department. `language` is `ko`, `en` or
/// empty. A row with any error (or a repeat of an earlier row's employee id) changes nothing and
/// is listed in `errors` with its row number (the first row after the header is 1) and column;
/// every other row is applied. A bad header or an undecodable file is a 422 and changes nothing.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["ADMIN"])),
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "What became of the rows", body = ImportResult),
        (status = 413, description = "More than `SOCDESK_MAX_ATTACHMENT_BYTES`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `text/csv`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown encoding, undecodable bytes, or a bad header", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/employees/import")]
async fn import_employees(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    req: HttpRequest,
    query: Query<ImportQuery>,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if !is_csv(&req) {
        return Err(ApiError::UnsupportedMediaType("send the file as text/csv".into()));
    }
    let encoding = match query.0.encoding.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            CsvEncoding::parse(raw)
                .ok_or_else(|| ApiError::invalid("encoding", "must be utf-8 or euc-kr"))?,
        ),
    };
    let limit = state.settings.max_attachment_bytes;
    let body = crate::extract::read_limited(&req, &mut payload, limit).await?;
    Ok(HttpResponse::Ok().json(import::import(&state.db, &auth, &body, encoding).await?))
}

/// One employee.
///
/// Needs: `EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or `TICKET_EDIT` (or `ADMIN`).
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["EXPLANATION_VIEW"]), ("bearer" = ["EXPLANATION_AUDIT"]), ("bearer" = ["TICKET_EDIT"])),
    params(("id" = String, Path, description = "Employee id")),
    responses(
        (status = 200, description = "The employee", body = Employee),
        (status = 404, description = "No such employee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/employees/{id}")]
async fn get_employee(
    state: web::Data<AppState>,
    _auth: Auth<PeopleRead>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(employees::get(&state.db, &id).await?))
}

/// Changes an employee: only the fields present change (the id never does). Moving a manager to
/// another department ends their management of the old one; `is_manager: true` makes them the
/// manager of their department, `false` leaves it without one if they were it.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["ADMIN"])),
    params(("id" = String, Path, description = "Employee id")),
    request_body = EmployeePatch,
    responses(
        (status = 200, description = "The changed employee", body = Employee),
        (status = 404, description = "No such employee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/employees/{id}")]
async fn update_employee(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<String>,
    body: Json<EmployeePatch>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(employees::update(&state.db, &auth, &id, body.0).await?))
}

/// Deletes an employee. Their department loses its manager if they were it; a linked account is
/// unlinked.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["ADMIN"])),
    params(("id" = String, Path, description = "Employee id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such employee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/employees/{id}")]
async fn delete_employee(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    employees::delete(&state.db, &auth, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The automatic primary reviewer of an explanation whose violator is this employee: the
/// manager of their department; if it has none, the manager of the nearest department above;
/// for a violator who manages their own department, starting from its parent; if no manager is
/// found up to the top (or the violator has no department), the employee with administrator
/// privileges (`is_admin`) with the lowest id, other than the violator. 404 when nobody
/// qualifies.
///
/// Needs: `EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or `TICKET_EDIT` (or `ADMIN`).
#[utoipa::path(
    tag = "employees",
    security(("bearer" = ["EXPLANATION_VIEW"]), ("bearer" = ["EXPLANATION_AUDIT"]), ("bearer" = ["TICKET_EDIT"])),
    params(("id" = String, Path, description = "The violator's employee id")),
    responses(
        (status = 200, description = "The primary reviewer", body = Employee),
        (status = 404, description = "No such employee, or nobody qualifies as reviewer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/employees/{id}/primary-reviewer")]
async fn primary_reviewer(
    state: web::Data<AppState>,
    _auth: Auth<PeopleRead>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    match reviewer::primary_reviewer(&state.db, &id).await? {
        Some(employee) => Ok(HttpResponse::Ok().json(employee)),
        None => Err(DomainError::NoneFound(format!(
            "no primary reviewer for employee {id}: no department manager up the department tree \
             and no other employee with administrator privileges"
        ))
        .into()),
    }
}

/// Registers the department and employee routes (the literal `/employees/import` before
/// `/employees/{id}`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_departments)
        .service(create_department)
        .service(get_department)
        .service(update_department)
        .service(delete_department)
        .service(list_employees)
        .service(create_employee)
        .service(import_employees)
        .service(get_employee)
        .service(update_employee)
        .service(delete_employee)
        .service(primary_reviewer);
}
