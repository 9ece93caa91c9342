//! Employees as the explanation forms pick them: search, one employee, the automatic reviewer.

use socdesk_types::{Page, explanations::EmployeeExplanations, people::Employee};

use super::{ApiError, Params, encode, get};

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
