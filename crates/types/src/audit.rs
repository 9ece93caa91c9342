//! The audit log: who did what, when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One audit log entry. Entries are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The acting account, if the actor was signed in.
    pub actor_id: Option<i64>,
    /// The actor's login at the time (or what was typed, for a failed login).
    pub actor: String,
    /// What happened, e.g. `auth.login`, `account.update`, `api_key.revoke`.
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// Details of the change.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
    pub ip: Option<String>,
}
