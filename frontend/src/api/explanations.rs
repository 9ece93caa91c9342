//! Explanation requests: the list, its trend, one request, asking, reviewing, bulk actions and
//! the violator's link.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    explanations::{
        BulkDelete, BulkReview, Explanation, ExplanationBulkResponse, ExplanationDetail, ExplanationTrend,
        NewExplanation, ReviewAction, ReviewRequest,
    },
};

use super::{ApiError, Params, get, json, request, send_json};

/// `GET /api/explanations`: one page for these filters, sort and cursor.
pub async fn list(token: String, params: Params) -> Result<Page<Explanation>, ApiError> {
    get(&token, &format!("/api/explanations{}", params.query())).await
}

/// `GET /api/explanations/trend`: requests per day by status or by result (`view`).
pub async fn trend(token: String, params: Params) -> Result<ExplanationTrend, ApiError> {
    get(&token, &format!("/api/explanations/trend{}", params.query())).await
}

/// `GET /api/explanations/{id}`: summary, message, evidence by schema, history, allowed actions.
pub async fn get_one(token: String, id: i64) -> Result<ExplanationDetail, ApiError> {
    get(&token, &format!("/api/explanations/{id}")).await
}

/// `POST /api/explanations`.
pub async fn create(token: String, body: NewExplanation) -> Result<ExplanationDetail, ApiError> {
    send_json(Method::POST, &token, "/api/explanations", &body).await
}

/// `POST /api/tickets/{id}/explanations`: the ticket's Explanation Request (its evidence copied).
pub async fn create_from_ticket(
    token: String,
    ticket_id: i64,
    body: NewExplanation,
) -> Result<ExplanationDetail, ApiError> {
    send_json(Method::POST, &token, &format!("/api/tickets/{ticket_id}/explanations"), &body).await
}

/// `POST /api/explanations/{id}/review`: the manager's or the auditor's decision.
pub async fn review(
    token: String,
    id: i64,
    action: ReviewAction,
    comment: Option<String>,
    internal: bool,
) -> Result<ExplanationDetail, ApiError> {
    let body = ReviewRequest { action, comment, internal };
    send_json(Method::POST, &token, &format!("/api/explanations/{id}/review"), &body).await
}

/// `POST /api/explanations/bulk-review`.
pub async fn bulk_review(token: String, body: BulkReview) -> Result<ExplanationBulkResponse, ApiError> {
    send_json(Method::POST, &token, "/api/explanations/bulk-review", &body).await
}

/// `POST /api/explanations/bulk-delete`.
pub async fn bulk_delete(token: String, ids: Vec<i64>) -> Result<ExplanationBulkResponse, ApiError> {
    send_json(Method::POST, &token, "/api/explanations/bulk-delete", &BulkDelete { ids }).await
}

/// `POST /api/explanations/{id}/reissue-link`: a new link mailed, the old one dead.
pub async fn reissue_link(token: String, id: i64) -> Result<ExplanationDetail, ApiError> {
    json(
        request::<()>(Method::POST, &format!("/api/explanations/{id}/reissue-link"), Some(&token), None)
            .await?,
    )
    .await
}

/// `POST /api/explanations/{id}/revoke-link`: the link stops working.
pub async fn revoke_link(token: String, id: i64) -> Result<ExplanationDetail, ApiError> {
    json(
        request::<()>(Method::POST, &format!("/api/explanations/{id}/revoke-link"), Some(&token), None)
            .await?,
    )
    .await
}

/// Where a file the violator attached downloads from (with the session's token).
pub fn attachment_path(id: i64, attachment_id: i64) -> String {
    format!("/api/explanations/{id}/attachments/{attachment_id}")
}
