//! Playbooks, their runs on tickets, and a ticket's tasks.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    playbooks::{NewPlaybook, Playbook, PlaybookRun, RunPlaybook, RunStarted},
};

use super::{ApiError, Params, delete, get, json, request_with, send_json};

/// `GET /api/playbooks`: a page by name (`enabled=true` for those that can run).
pub async fn list(token: String, params: Params) -> Result<Page<Playbook>, ApiError> {
    get(&token, &format!("/api/playbooks{}", params.query())).await
}

/// `GET /api/playbooks/{id}`.
pub async fn get_one(token: String, id: i64) -> Result<Playbook, ApiError> {
    get(&token, &format!("/api/playbooks/{id}")).await
}

/// `POST /api/playbooks`.
pub async fn create(token: String, body: NewPlaybook) -> Result<Playbook, ApiError> {
    send_json(Method::POST, &token, "/api/playbooks", &body).await
}

/// `PUT /api/playbooks/{id}` with `If-Match: version` (412 when changed meanwhile).
pub async fn replace(token: String, id: i64, version: i64, body: NewPlaybook) -> Result<Playbook, ApiError> {
    let headers = [("If-Match", format!("\"{version}\""))];
    json(
        request_with(Method::PUT, &format!("/api/playbooks/{id}"), Some(&token), &headers, Some(&body))
            .await?,
    )
    .await
}

/// `DELETE /api/playbooks/{id}` (its runs stay on the tickets).
pub async fn remove(token: String, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/playbooks/{id}")).await
}

/// `POST /api/playbooks/{id}/run`: a run per ticket, started in the background.
pub async fn run(token: String, id: i64, ticket_ids: Vec<i64>) -> Result<RunStarted, ApiError> {
    send_json(Method::POST, &token, &format!("/api/playbooks/{id}/run"), &RunPlaybook { ticket_ids }).await
}

/// `GET /api/tickets/{id}/tasks`: the ticket's runs, newest first, with their tasks.
pub async fn tasks(token: String, ticket_id: i64) -> Result<Vec<PlaybookRun>, ApiError> {
    get(&token, &format!("/api/tickets/{ticket_id}/tasks")).await
}
