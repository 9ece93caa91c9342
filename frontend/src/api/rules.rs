//! Detection rules and their suppressions.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    rules::{NewRule, NewSuppression, Rule, RuleRun, Suppression},
};

use super::{ApiError, Params, delete, get, json, request, request_with, send_json};

/// `GET /api/rules`: a page by name, with the counters.
pub async fn list(token: String, params: Params) -> Result<Page<Rule>, ApiError> {
    get(&token, &format!("/api/rules{}", params.query())).await
}

/// `GET /api/rules/{id}`.
pub async fn get_one(token: String, id: i64) -> Result<Rule, ApiError> {
    get(&token, &format!("/api/rules/{id}")).await
}

/// `POST /api/rules`.
pub async fn create(token: String, body: NewRule) -> Result<Rule, ApiError> {
    send_json(Method::POST, &token, "/api/rules", &body).await
}

/// `PUT /api/rules/{id}` with `If-Match: version`: replaces the definition (the counters stay);
/// 412 when someone changed it meanwhile.
pub async fn replace(token: String, id: i64, version: i64, body: NewRule) -> Result<Rule, ApiError> {
    let headers = [("If-Match", format!("\"{version}\""))];
    json(request_with(Method::PUT, &format!("/api/rules/{id}"), Some(&token), &headers, Some(&body)).await?)
        .await
}

/// `DELETE /api/rules/{id}`: the rule and its suppressions (its tickets stay).
pub async fn remove(token: String, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/rules/{id}")).await
}

/// `POST /api/rules/{id}/run`: runs a batch rule now.
pub async fn run(token: String, id: i64) -> Result<RuleRun, ApiError> {
    json(request::<()>(Method::POST, &format!("/api/rules/{id}/run"), Some(&token), None).await?).await
}

/// `GET /api/suppressions?rule_id=`: a rule's suppressions, newest first.
pub async fn suppressions(token: String, rule_id: i64) -> Result<Page<Suppression>, ApiError> {
    let params = Params::new().set("rule_id", rule_id).set("limit", 500);
    get(&token, &format!("/api/suppressions{}", params.query())).await
}

/// `POST /api/suppressions`.
pub async fn suppress(token: String, body: NewSuppression) -> Result<Suppression, ApiError> {
    send_json(Method::POST, &token, "/api/suppressions", &body).await
}

/// `DELETE /api/suppressions/{id}`.
pub async fn remove_suppression(token: String, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/suppressions/{id}")).await
}
