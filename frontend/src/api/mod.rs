//! The REST API: one request helper, one function per endpoint, a module per resource.
//!
//! Endpoint functions take the access token explicitly and know nothing about storage or token
//! refresh; [`crate::session::Session::call`] supplies the token and renews it on a 401.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod catalog;
pub mod directory;
pub mod explanations;
pub mod exports;
pub mod logs;
pub mod mail;
pub mod markdown;
pub mod notifications;
pub mod people;
pub mod playbooks;
pub mod preferences;
pub mod reputation;
pub mod rules;
pub mod settings;
pub mod tickets;
pub mod uploads;

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};
use socdesk_types::{FieldError, Problem};

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

    /// The HTTP status of a server refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server(p) => Some(p.status),
            _ => None,
        }
    }

    /// The per-field errors of a validation failure (empty otherwise).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Server(p) => &p.errors,
            _ => &[],
        }
    }

    /// The message the server gave for `field` (or one of its items, `field[2]`), if any.
    pub fn field(&self, field: &str) -> Option<String> {
        self.field_errors()
            .iter()
            .find(|e| {
                e.field == field || e.field.strip_prefix(field).is_some_and(|rest| rest.starts_with('['))
            })
            .map(|e| e.message.clone())
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

/// A query string built pair by pair; empty values are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// Adds `key=value` unless the value is empty.
    pub fn set(mut self, key: &str, value: impl ToString) -> Self {
        let value = value.to_string();
        if !value.is_empty() {
            self.0.push((key.to_owned(), value));
        }
        self
    }

    /// Adds `key=value` when there is a value.
    pub fn opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// The pairs, in order.
    pub fn entries(&self) -> Vec<(&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    /// `?a=1&b=2`, or nothing without parameters.
    pub fn query(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        format!("?{}", pairs.join("&"))
    }
}

/// Percent-encodes a query component.
pub fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// Sends one request and turns any non-2xx answer into [`ApiError::Server`].
pub(crate) async fn request<B: Serialize + ?Sized>(
    method: Method,
    path: &str,
    access_token: Option<&str>,
    body: Option<&B>,
) -> Result<Response, ApiError> {
    request_with(method, path, access_token, &[], body).await
}

/// [`request`] with extra headers (such as `If-Match`).
pub(crate) async fn request_with<B: Serialize + ?Sized>(
    method: Method,
    path: &str,
    access_token: Option<&str>,
    headers: &[(&str, String)],
    body: Option<&B>,
) -> Result<Response, ApiError> {
    let mut builder = RequestBuilder::new(path).method(method).header("Accept", "application/json");
    if let Some(token) = access_token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
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

/// `GET path` with the access token, read as JSON.
pub(crate) async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    json(request::<()>(Method::GET, path, Some(token), None).await?).await
}

/// `method path` with a JSON body and the access token, read as JSON.
pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
    method: Method,
    token: &str,
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    json(request(method, path, Some(token), Some(body)).await?).await
}

/// `DELETE path` with the access token; the answer has no body.
pub(crate) async fn delete(token: &str, path: &str) -> Result<(), ApiError> {
    request::<()>(Method::DELETE, path, Some(token), None).await.map(drop)
}
