//! Employees and departments: the people explanation requests go to, and the tree they sit in.
//! The first three functions are the explanation forms' (search, automatic reviewer, record).

use gloo_net::http::{Method, RequestBuilder};
use socdesk_types::{
    Page,
    explanations::EmployeeExplanations,
    people::{
        Department, DepartmentPatch, Employee, EmployeePatch, ImportResult, NewDepartment, NewEmployee,
    },
};

use super::{ApiError, Params, delete, encode, get, json, send, send_json};

/// `GET /api/employees?q=`: employees whose name, id or email contains `q`.
pub async fn search(token: String, q: String) -> Result<Page<Employee>, ApiError> {
    get(&token, &format!("/api/employees{}", Params::new().set("q", q).set("limit", 20).query())).await
}

/// `GET /api/employees/{id}/primary-reviewer`: the automatic primary reviewer (404: nobody).
pub async fn primary_reviewer(token: String, id: String) -> Result<Employee, ApiError> {
    get(&token, &format!("/api/employees/{}/primary-reviewer", encode(&id))).await
}

/// `GET /api/employees/{id}/explanations`: their history and how it ended.
pub async fn explanations(token: String, id: String) -> Result<EmployeeExplanations, ApiError> {
    get(&token, &format!("/api/employees/{}/explanations", encode(&id))).await
}

/// `GET /api/departments`: one page, by name.
pub async fn departments(token: String, params: Params) -> Result<Page<Department>, ApiError> {
    get(&token, &format!("/api/departments{}", params.query())).await
}

/// Every department, a page of the largest size at a time (the tree needs them all).
pub async fn all_departments(token: String) -> Result<Vec<Department>, ApiError> {
    let mut out = Vec::new();
    let mut cursor = None::<String>;
    loop {
        let params = Params::new().set("limit", 500).opt("cursor", cursor.take());
        let page = departments(token.clone(), params).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// `POST /api/departments`.
pub async fn create_department(token: String, body: NewDepartment) -> Result<Department, ApiError> {
    send_json(Method::POST, &token, "/api/departments", &body).await
}

/// `PUT /api/departments/{id}`: only the fields present change (rename, move, manager).
pub async fn update_department(
    token: String,
    id: i64,
    patch: DepartmentPatch,
) -> Result<Department, ApiError> {
    send_json(Method::PUT, &token, &format!("/api/departments/{id}"), &patch).await
}

/// `DELETE /api/departments/{id}`: a 409 while it has sub-departments or employees.
pub async fn delete_department(token: String, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/departments/{id}")).await
}

/// `GET /api/employees`: a page by name (`q`, `department_id`, `is_admin`, `cursor`, `limit`).
pub async fn employees(token: String, params: Params) -> Result<Page<Employee>, ApiError> {
    get(&token, &format!("/api/employees{}", params.query())).await
}

/// `POST /api/employees`.
pub async fn create_employee(token: String, body: NewEmployee) -> Result<Employee, ApiError> {
    send_json(Method::POST, &token, "/api/employees", &body).await
}

/// `PUT /api/employees/{id}`: only the fields present change.
pub async fn update_employee(token: String, id: String, patch: EmployeePatch) -> Result<Employee, ApiError> {
    send_json(Method::PUT, &token, &format!("/api/employees/{}", encode(&id)), &patch).await
}

/// `DELETE /api/employees/{id}`.
pub async fn delete_employee(token: String, id: String) -> Result<(), ApiError> {
    delete(&token, &format!("/api/employees/{}", encode(&id))).await
}

/// `POST /api/employees/import`: the CSV file as the body; `encoding` is `utf-8`, `euc-kr`, or
/// empty to let the server tell.
pub async fn import_employees(
    token: String,
    file: web_sys::File,
    encoding: String,
) -> Result<ImportResult, ApiError> {
    let path = format!("/api/employees/import{}", Params::new().set("encoding", encoding).query());
    let built = RequestBuilder::new(&path)
        .method(Method::POST)
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "text/csv")
        .body(file)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    json(send(built).await?).await
}

/// `GET /api/employees/{id}`.
pub async fn employee(token: String, id: String) -> Result<Employee, ApiError> {
    get(&token, &format!("/api/employees/{}", encode(&id))).await
}
