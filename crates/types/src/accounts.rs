//! Accounts and their API keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Permission;

/// An account as administrators see it (never its password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub messenger_id: Option<String>,
    pub permissions: Vec<Permission>,
    /// Sites whose tickets the account may see; empty means none (unless `ADMIN`).
    pub site_ids: Vec<i64>,
    /// The employee this account belongs to (reviews of explanations need one).
    pub employee_id: Option<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/accounts`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// 1..=64 characters: letters, digits, `.`, `_`, `-`, `@`; unique.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._@-]{1,64}$"))]
    pub login: String,
    /// 1..=100 characters; the login when left out.
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub messenger_id: Option<String>,
    /// 12..=1024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub password: String,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    #[serde(default)]
    pub site_ids: Vec<i64>,
    /// An existing employee not linked to another account.
    #[serde(default)]
    pub employee_id: Option<String>,
    /// Defaults to `true`.
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Body of `PATCH /api/accounts/{id}`: only the fields present change. An empty string clears
/// `email`, `phone` and `messenger_id`; `null` clears `employee_id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub messenger_id: Option<String>,
    /// A new password (12..=1024 characters); signs the account out of every session.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub password: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<Permission>>,
    #[serde(default)]
    pub site_ids: Option<Vec<i64>>,
    /// An existing employee not linked to another account.
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub employee_id: Option<Option<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// An API key's metadata (the secret itself is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    /// The key's first characters, to tell keys apart (`sd_AbCd`).
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Body of `POST /api/accounts/{id}/api-keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// 1..=100 characters, e.g. the integration that uses it.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = "\\S"))]
    pub name: String,
    /// When the key stops working; never when left out.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A newly created API key with its secret, which is not stored and never shown again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
    pub key: ApiKey,
}
