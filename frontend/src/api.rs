//! The REST API: one request helper, one function per endpoint.
//!
//! The helper attaches the access token, and on a 401 refreshes the session once and retries,
//! so an expired access token never costs the user their page.

use gloo_net::http::{Request, RequestBuilder};
use serde::{Serialize, de::DeserializeOwned};
use socdesk_types::{
    Problem,
    auth::{LoginRequest, Me, RefreshRequest, TokenResponse},
};

use crate::session;

/// Why a call failed, ready to show to a person.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error (its problem details when it sent them).
    Http { status: u16, message: String },
    /// The server could not be reached.
    Network(String),
}

impl ApiError {
    /// The message to show.
    pub fn message(&self) -> String {
        match self {
            ApiError::Http { message, .. } => message.clone(),
            ApiError::Network(e) => format!("The server could not be reached ({e})."),
        }
    }

    /// Whether the session is over (the user must sign in again).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Http { status: 401, .. })
    }
}

async fn error_of(res: gloo_net::http::Response) -> ApiError {
    let status = res.status();
    let message = match res.json::<Problem>().await {
        Ok(p) => p.detail.unwrap_or(p.title),
        Err(_) => format!("The server answered {status}."),
    };
    ApiError::Http { status, message }
}

fn with_auth(builder: RequestBuilder) -> RequestBuilder {
    match session::access_token() {
        Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
        None => builder,
    }
}

async fn send(
    builder: RequestBuilder,
    body: Option<&serde_json::Value>,
) -> Result<gloo_net::http::Response, ApiError> {
    let request = match body {
        Some(b) => builder.json(b).map_err(|e| ApiError::Network(e.to_string()))?,
        None => builder.build().map_err(|e| ApiError::Network(e.to_string()))?,
    };
    request.send().await.map_err(|e| ApiError::Network(e.to_string()))
}

/// Exchanges the refresh token for a new pair; `false` when the session is over.
async fn refresh() -> bool {
    let Some(refresh_token) = session::refresh_token() else { return false };
    let body = RefreshRequest { refresh_token };
    let Ok(request) = Request::post("/api/auth/refresh").json(&body) else { return false };
    match request.send().await {
        Ok(res) if res.ok() => match res.json::<TokenResponse>().await {
            Ok(tokens) => {
                session::store(&tokens);
                true
            }
            Err(_) => false,
        },
        _ => false,
    }
}

/// Calls an authenticated endpoint, refreshing the session once on a 401.
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<T, ApiError> {
    let make = |path: &str| match method {
        "POST" => Request::post(path),
        "PUT" => Request::put(path),
        "PATCH" => Request::patch(path),
        "DELETE" => Request::delete(path),
        _ => Request::get(path),
    };
    let mut res = send(with_auth(make(path)), body.as_ref()).await?;
    if res.status() == 401 && refresh().await {
        res = send(with_auth(make(path)), body.as_ref()).await?;
    }
    if !res.ok() {
        let err = error_of(res).await;
        if err.is_unauthenticated() {
            session::clear();
        }
        return Err(err);
    }
    res.json::<T>().await.map_err(|e| ApiError::Network(e.to_string()))
}

fn to_value<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// `POST /api/auth/login`; keeps the tokens on success.
pub async fn login(login: String, password: String) -> Result<Me, ApiError> {
    let body = to_value(&LoginRequest { login, password });
    let res = send(Request::post("/api/auth/login"), body.as_ref()).await?;
    if !res.ok() {
        return Err(error_of(res).await);
    }
    let tokens: TokenResponse = res.json().await.map_err(|e| ApiError::Network(e.to_string()))?;
    session::store(&tokens);
    Ok(tokens.account)
}

/// `GET /api/me`.
pub async fn me() -> Result<Me, ApiError> {
    call("GET", "/api/me", None).await
}

/// `POST /api/auth/logout`, then forgets the tokens whatever the answer.
pub async fn logout() {
    if let Some(refresh_token) = session::refresh_token()
        && let Ok(request) = Request::post("/api/auth/logout").json(&RefreshRequest { refresh_token })
    {
        let _ = request.send().await;
    }
    session::clear();
}
