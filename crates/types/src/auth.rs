//! Login, token refresh and the signed-in account.

use serde::{Deserialize, Serialize};

use crate::{Permission, catalog::SiteRef};

/// Credentials for `POST /api/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// A refresh token, for `POST /api/auth/refresh` and `POST /api/auth/logout`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens issued by login and refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Exchanges for a new token pair at `POST /api/auth/refresh`, once.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
    /// The account signed in.
    pub account: Me,
}

/// How the current request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    Session,
    ApiKey,
}

/// The account making the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub permissions: Vec<Permission>,
    /// Sites whose tickets this account may see (all sites for `ADMIN`).
    pub sites: Vec<SiteRef>,
    /// The employee this account belongs to, if any (reviews need one).
    pub employee_id: Option<String>,
    pub auth_method: AuthMethod,
}
