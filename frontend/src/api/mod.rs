//! The REST API: one request helper, one function per endpoint.
//!
//! Endpoint functions take the access token explicitly and know nothing about storage or token
//! refresh; [`crate::session::Session::call`] supplies the token and renews it on a 401.

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};
use socdesk_types::{
    Problem,
    auth::{LoginRequest, Me, RefreshRequest, TokenResponse},
};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with a non-2xx status; its problem details, or details made up from
    /// the status when the body had none.
    Server(Problem),
    /// No answer: the server is down or the network is gone.
    Network(String),
    /// An answer that is not what the API promises.
    Decode(String),
    /// There is no session to send (the user signed out or never signed in).
    SignedOut,
}

impl ApiError {
    /// The message to show a person: the problem's `detail`, else its `title`.
    pub fn message(&self) -> String {
        match self {
            ApiError::Server(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            ApiError::Network(_) => "The server could not be reached. Try again in a moment.".into(),
            ApiError::Decode(_) => "The server sent an answer this page does not understand.".into(),
            ApiError::SignedOut => "Your session has ended. Sign in again.".into(),
        }
    }

    /// Whether the credentials sent were refused (401), or there were none.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Server(p) if p.status == 401) || *self == ApiError::SignedOut
    }
}

/// Problem details for a non-2xx answer whose body is not `application/problem+json`.
fn problem_from_status(status: u16, status_text: String) -> Problem {
    let title = match status {
        429 => "Too many attempts. Wait a moment and try again.".to_owned(),
        _ if status_text.is_empty() => format!("The server answered {status}."),
        _ => format!("The server answered {status} {status_text}."),
    };
    Problem { kind: "about:blank".into(), title, status, detail: None, errors: Vec::new() }
}

/// Sends one request and turns any non-2xx answer into [`ApiError::Server`].
pub(crate) async fn request<B: Serialize + ?Sized>(
    method: Method,
    path: &str,
    access_token: Option<&str>,
    body: Option<&B>,
) -> Result<Response, ApiError> {
    let mut builder = RequestBuilder::new(path).method(method).header("Accept", "application/json");
    if let Some(token) = access_token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(|e| ApiError::Decode(e.to_string()))?;
    send(request).await
}

/// Sends a built request and turns any non-2xx answer into [`ApiError::Server`].
pub(crate) async fn send(request: gloo_net::http::Request) -> Result<Response, ApiError> {
    let response = request.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let status_text = response.status_text();
    Err(ApiError::Server(
        response.json::<Problem>().await.unwrap_or_else(|_| problem_from_status(status, status_text)),
    ))
}

/// Reads a JSON answer.
pub(crate) async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response.json::<T>().await.map_err(|e| ApiError::Decode(e.to_string()))
}

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
    json(request::<()>(Method::GET, "/api/me", Some(&access_token), None).await?).await
}
