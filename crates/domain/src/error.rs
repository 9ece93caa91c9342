//! The domain's one error type.

use sea_orm::{DbErr, SqlErr};
use socdesk_types::FieldError;

/// Why a domain operation failed. The API layer maps each variant to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The object does not exist, or the caller may not know that it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Nothing to answer, with a reason for the person asking (no reviewer can be assigned...).
    #[error("{0}")]
    NoneFound(String),
    /// Credentials or tokens were missing, wrong or expired.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state (duplicate name, refused transition...).
    #[error("{0}")]
    Conflict(String),
    /// The caller's copy is stale (optimistic concurrency).
    #[error("{0}")]
    PreconditionFailed(String),
    /// One or more fields are invalid.
    #[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The database could not be reached.
    #[error("database unavailable")]
    Unavailable(#[source] DbErr),
    /// Anything else the database said.
    #[error("database error")]
    Db(#[source] DbErr),
    /// A bug or an impossible state, with context for the log.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand for results of domain operations.
pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    /// A validation error on a single field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Validation(vec![FieldError::new(field, message)])
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                DomainError::Conflict("an item with the same unique value already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                DomainError::Conflict("the change refers to an item that does not exist or is in use".into())
            }
            _ => match err {
                DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => DomainError::Unavailable(err),
                // SQLite reports a RESTRICT foreign key as a trigger constraint (extended code
                // 1811), which sea-orm does not classify; it is the same conflict.
                other if other.to_string().contains("FOREIGN KEY constraint failed") => {
                    DomainError::Conflict(
                        "the change refers to an item that does not exist or is in use".into(),
                    )
                }
                other => DomainError::Db(other),
            },
        }
    }
}

/// Collects field errors so a request reports all its invalid fields at once.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of a parse, returning its value when it succeeded.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// Adds one error.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Records several errors at once.
    pub fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.0.extend(errors);
    }

    /// `Ok` when nothing was recorded, else a [`DomainError::Validation`] with every error.
    pub fn finish(self) -> DomainResult<()> {
        if self.0.is_empty() { Ok(()) } else { Err(DomainError::Validation(self.0)) }
    }
}
