//! Login, token refresh, logout and the signed-in account.

use gloo_net::http::Method;
use socdesk_types::auth::{LoginRequest, Me, RefreshRequest, TokenResponse};

use super::{ApiError, get, json, request};

/// `POST /api/auth/login`: exchanges credentials for a token pair.
pub async fn login(body: &LoginRequest) -> Result<TokenResponse, ApiError> {
    json(request(Method::POST, "/api/auth/login", None, Some(body)).await?).await
}

/// `POST /api/auth/refresh`: exchanges a refresh token (which dies) for a new pair.
pub async fn refresh(refresh_token: String) -> Result<TokenResponse, ApiError> {
    let body = RefreshRequest { refresh_token };
    json(request(Method::POST, "/api/auth/refresh", None, Some(&body)).await?).await
}

/// `POST /api/auth/logout`: revokes the session the refresh token belongs to.
pub async fn logout(refresh_token: String) -> Result<(), ApiError> {
    let body = RefreshRequest { refresh_token };
    request(Method::POST, "/api/auth/logout", None, Some(&body)).await.map(drop)
}

/// `GET /api/me`: the signed-in account.
pub async fn me(access_token: String) -> Result<Me, ApiError> {
    get(&access_token, "/api/me").await
}
