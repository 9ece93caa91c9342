//! Accounts and their API keys (`ADMIN`; an account may also manage its own keys).

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    accounts::{Account, AccountPatch, ApiKey, CreatedApiKey, NewAccount, NewApiKey},
};

use super::{ApiError, Params, delete, get, send_json};

/// `GET /api/accounts`: a page of accounts by login (`q`, `cursor`, `limit` in `params`).
pub async fn list(token: String, params: Params) -> Result<Page<Account>, ApiError> {
    get(&token, &format!("/api/accounts{}", params.query())).await
}

/// `POST /api/accounts`.
pub async fn create(token: String, body: NewAccount) -> Result<Account, ApiError> {
    send_json(Method::POST, &token, "/api/accounts", &body).await
}

/// `PATCH /api/accounts/{id}`: only the fields present change (`employee_id: null` unlinks).
pub async fn update(token: String, id: i64, patch: AccountPatch) -> Result<Account, ApiError> {
    let body = super::admin::present_only(&patch, &["employee_id"]);
    send_json(Method::PATCH, &token, &format!("/api/accounts/{id}"), &body).await
}

/// `DELETE /api/accounts/{id}`.
pub async fn remove(token: String, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/accounts/{id}")).await
}

/// `GET /api/accounts/{id}/api-keys`: the account's keys, newest first (revoked ones too).
pub async fn api_keys(token: String, account_id: i64) -> Result<Page<ApiKey>, ApiError> {
    get(&token, &format!("/api/accounts/{account_id}/api-keys{}", Params::new().set("limit", 500).query()))
        .await
}

/// `POST /api/accounts/{id}/api-keys`: the answer carries the secret, shown this once.
pub async fn create_api_key(
    token: String,
    account_id: i64,
    body: NewApiKey,
) -> Result<CreatedApiKey, ApiError> {
    send_json(Method::POST, &token, &format!("/api/accounts/{account_id}/api-keys"), &body).await
}

/// `DELETE /api/accounts/{id}/api-keys/{key_id}`: the key stops working at once.
pub async fn revoke_api_key(token: String, account_id: i64, key_id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("/api/accounts/{account_id}/api-keys/{key_id}")).await
}

/// `GET /api/accounts/{id}`.
pub async fn get_one(token: String, id: i64) -> Result<Account, ApiError> {
    get(&token, &format!("/api/accounts/{id}")).await
}
