//! Reputation lookups (VirusTotal) and their settings.

use gloo_net::http::Method;
use socdesk_types::reputation::{
    IndicatorKind, ReputationSettings, ReputationSettingsPatch, ReputationSummary,
};

use super::{ApiError, encode, get, send_json};

/// `GET /api/reputation/{kind}/{value}`.
pub async fn lookup(
    token: String,
    kind: IndicatorKind,
    value: String,
) -> Result<ReputationSummary, ApiError> {
    get(&token, &format!("/api/reputation/{}/{}", kind.as_str(), encode(&value))).await
}

/// `GET /api/settings/reputation`.
pub async fn settings(token: String) -> Result<ReputationSettings, ApiError> {
    get(&token, "/api/settings/reputation").await
}

/// `PUT /api/settings/reputation`: only the fields present change.
pub async fn save(token: String, patch: ReputationSettingsPatch) -> Result<ReputationSettings, ApiError> {
    send_json(
        Method::PUT,
        &token,
        "/api/settings/reputation",
        &serde_json::to_value(&patch).unwrap_or_default(),
    )
    .await
}
