//! The API's one error type and its mapping to RFC 9457 problem answers.
//!
//! `status_code()` below is the whole mapping table from domain errors to HTTP. A 5xx answer says
//! nothing internal; the cause goes to the log.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use socdesk_domain::DomainError;
use socdesk_types::{FieldError, Problem};

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Everything a handler or extractor can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The body or query could not be read at all (malformed JSON, bad encoding).
    #[error("{0}")]
    BadRequest(String),
    /// The body is larger than allowed.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// No such route.
    #[error("no such resource")]
    RouteNotFound,
    /// A documented path asked with a method it does not have.
    #[error("{method} {path} is not supported; use {}", allowed.join(", "))]
    MethodNotAllowed { method: String, path: String, allowed: Vec<String> },
    /// A service socdesk calls is not set up (no API key...): the detail says where to set it.
    #[error("{0}")]
    NotConfigured(String),
    /// A quota of calls to another service is used up.
    #[error("{detail}")]
    QuotaExceeded { retry_after_secs: u64, detail: String },
    /// A service socdesk called failed or was not called (refused address, timeout, 5xx).
    #[error("{0}")]
    Upstream(String),
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A 422 naming one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Domain(DomainError::invalid(field, message))
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Domain(e) => match e {
                DomainError::NotFound(_) | DomainError::NoneFound(_) => ("not-found", "Not Found"),
                DomainError::Unauthenticated(_) => ("unauthenticated", "Unauthenticated"),
                DomainError::Forbidden(_) => ("forbidden", "Forbidden"),
                DomainError::Conflict(_) => ("conflict", "Conflict"),
                DomainError::PreconditionFailed(_) => ("precondition-failed", "Precondition Failed"),
                DomainError::Validation(_) => ("validation", "Invalid Request"),
                DomainError::UnsupportedType(_) => ("unsupported-media-type", "Unsupported Media Type"),
                DomainError::TooManyAttempts { .. } => ("too-many-attempts", "Too Many Attempts"),
                DomainError::Unavailable(_) => ("unavailable", "Service Unavailable"),
                DomainError::Db(_) | DomainError::Internal(_) => ("internal", "Internal Server Error"),
            },
            ApiError::BadRequest(_) => ("bad-request", "Bad Request"),
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Payload Too Large"),
            ApiError::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported Media Type"),
            ApiError::RouteNotFound => ("not-found", "Not Found"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method Not Allowed"),
            ApiError::NotConfigured(_) => ("not-configured", "Service Unavailable"),
            ApiError::QuotaExceeded { .. } => ("quota-exceeded", "Too Many Requests"),
            ApiError::Upstream(_) => ("upstream", "Bad Gateway"),
        }
    }

    /// The problem document this error answers with.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let status = self.status_code();
        let (detail, errors) = match self {
            ApiError::Domain(DomainError::Validation(errors)) => {
                (Some("the request has invalid fields; see errors".to_owned()), errors.clone())
            }
            ApiError::Domain(DomainError::Unavailable(_)) => {
                (Some("the database is unreachable; try again shortly".to_owned()), Vec::new())
            }
            ApiError::Domain(DomainError::Db(_) | DomainError::Internal(_)) => (None, Vec::new()),
            ApiError::Domain(DomainError::TooManyAttempts { retry_after_secs }) => {
                (Some(format!("too many failed attempts; try again in {retry_after_secs} s")), Vec::new())
            }
            other => (Some(other.to_string()), Vec::new()),
        };
        Problem {
            kind: format!("urn:socdesk:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Domain(DomainError::Validation(vec![e]))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Domain(e) => match e {
                DomainError::NotFound(_) | DomainError::NoneFound(_) => StatusCode::NOT_FOUND,
                DomainError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
                DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
                DomainError::Conflict(_) => StatusCode::CONFLICT,
                DomainError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
                DomainError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                DomainError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
                DomainError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                DomainError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                DomainError::Db(_) | DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RouteNotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Upstream(_) => StatusCode::BAD_GATEWAY,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, cause = ?std::error::Error::source(self), "request failed");
        }
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Domain(DomainError::Unauthenticated(_)) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"socdesk\""));
            }
            ApiError::Domain(DomainError::TooManyAttempts { retry_after_secs }) => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Domain(DomainError::Unavailable(_)) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::QuotaExceeded { retry_after_secs, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allowed, .. } => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_list_every_field() {
        let err = ApiError::Domain(DomainError::Validation(vec![
            FieldError::new("login", "must not be empty"),
            FieldError::new("password", "must be at least 12 characters"),
        ]));
        assert_eq!(err.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = err.problem();
        assert_eq!(p.kind, "urn:socdesk:problem:validation");
        assert_eq!(p.errors.len(), 2);
    }

    #[test]
    fn server_errors_say_nothing_internal() {
        let err = ApiError::Domain(DomainError::Internal("secret table xyz broke".into()));
        let p = err.problem();
        assert_eq!(p.status, 500);
        assert_eq!(p.detail, None);
        assert!(!serde_json::to_string(&p).unwrap_or_default().contains("xyz"));
    }
}
