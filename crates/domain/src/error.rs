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
    /// The content is of a kind this operation does not take (a violator's upload).
    #[error("{0}")]
    UnsupportedType(String),
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
                other if lost_database(&other) => DomainError::Unavailable(other),
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

/// Whether a statement failed because the database went away or is refusing work for now
/// (connection reset, server shutting down or starting, SQLite locked past its busy timeout):
/// the request may succeed once the database is back, so it answers 503, not 500.
fn lost_database(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error};
    let (DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e))) = err else {
        return false;
    };
    match &**e {
        Error::Io(_) | Error::Tls(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        Error::Database(db) => {
            let sqlite = db.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>().is_some();
            db.code().is_some_and(|code| unavailable_code(sqlite, &code))
        }
        _ => false,
    }
}

/// SQLite's busy / locked codes (5, 6 and their extended forms); PostgreSQL's
/// connection-exception class (08…) and its shutdown and start-up codes (57P01–57P03).
fn unavailable_code(sqlite: bool, code: &str) -> bool {
    if sqlite {
        code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
    } else {
        code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
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

#[cfg(test)]
mod tests {
    use super::unavailable_code;

    #[test]
    fn a_database_going_away_is_told_apart_from_a_bad_statement() {
        for code in ["08006", "08001", "57P01", "57P03"] {
            assert!(unavailable_code(false, code), "{code}");
        }
        for code in ["23505", "40001", "42P01", "22001", "5", "261"] {
            assert!(!unavailable_code(false, code), "{code}");
        }
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_BUSY_SNAPSHOT (517), SQLITE_LOCKED_SHAREDCACHE (262).
        for code in ["5", "6", "517", "262"] {
            assert!(unavailable_code(true, code), "{code}");
        }
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_ERROR, SQLITE_READONLY.
        for code in ["2067", "1", "8"] {
            assert!(!unavailable_code(true, code), "{code}");
        }
    }
}
