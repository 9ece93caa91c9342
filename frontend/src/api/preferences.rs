//! Per-account preferences kept on the server (column settings, filters, auto-refresh).

use gloo_net::http::Method;
use serde::{Serialize, de::DeserializeOwned};

use super::{ApiError, get, request};

/// `GET /api/preferences/{key}`: the saved value, or `None` when there is none (404) or it no
/// longer has the shape this app expects.
pub async fn load<T: DeserializeOwned>(token: String, key: String) -> Result<Option<T>, ApiError> {
    match get::<serde_json::Value>(&token, &format!("/api/preferences/{key}")).await {
        Ok(value) => Ok(serde_json::from_value(value).ok()),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `PUT /api/preferences/{key}`.
pub async fn save<T: Serialize>(token: String, key: String, value: T) -> Result<(), ApiError> {
    request(Method::PUT, &format!("/api/preferences/{key}"), Some(&token), Some(&value)).await.map(drop)
}

/// `DELETE /api/preferences/{key}`: back to the app's default.
pub async fn forget(token: String, key: String) -> Result<(), ApiError> {
    super::delete(&token, &format!("/api/preferences/{key}")).await
}
