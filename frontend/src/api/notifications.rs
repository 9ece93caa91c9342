//! Notification providers (`ADMIN`) and ticket propagation.

use gloo_net::http::Method;
use socdesk_types::notifications::{
    Delivery, NewNotificationProvider, NotificationProvider, NotificationProviderPatch, PropagateRequest,
    PropagateResponse, ProviderTestRequest,
};

use super::{ApiError, delete, get, send_json};

/// `GET /api/notification-providers`.
pub async fn list(token: String) -> Result<Vec<NotificationProvider>, ApiError> {
    get(&token, "/api/notification-providers").await
}

/// `POST /api/notification-providers`.
pub async fn create(token: String, body: NewNotificationProvider) -> Result<NotificationProvider, ApiError> {
    send_json(Method::POST, &token, "/api/notification-providers", &body).await
}

/// `PATCH /api/notification-providers/{id}`.
pub async fn update(
    token: String,
    id: i64,
    patch: NotificationProviderPatch,
) -> Result<NotificationProvider, ApiError> {
    send_json(Method::PATCH, &token, &format!("/api/notification-providers/{id}"), &patch).await
}

/// `DELETE /api/notification-providers/{id}`.
pub async fn remove(token: String, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/notification-providers/{id}")).await
}

/// `POST /api/notification-providers/{id}/test`: the outcome of one test message.
pub async fn test(token: String, id: i64, body: ProviderTestRequest) -> Result<Delivery, ApiError> {
    send_json(Method::POST, &token, &format!("/api/notification-providers/{id}/test"), &body).await
}

/// `POST /api/tickets/{id}/propagate`: the result per recipient and channel.
pub async fn propagate(
    token: String,
    id: i64,
    body: PropagateRequest,
) -> Result<PropagateResponse, ApiError> {
    send_json(Method::POST, &token, &format!("/api/tickets/{id}/propagate"), &body).await
}
