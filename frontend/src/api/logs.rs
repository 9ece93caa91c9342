//! Log schemas and log tables: where the records rules read are stored.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    logs::{LogSchema, LogTable, NewLogSchema, NewLogTable},
};

use super::{ApiError, Params, get, send_json};

/// `GET /api/log-schemas`: every schema, by name.
pub async fn schemas(token: String) -> Result<Page<LogSchema>, ApiError> {
    get(&token, &format!("/api/log-schemas{}", Params::new().set("limit", 500).query())).await
}

/// `POST /api/log-schemas`.
pub async fn create_schema(token: String, body: NewLogSchema) -> Result<LogSchema, ApiError> {
    send_json(Method::POST, &token, "/api/log-schemas", &body).await
}

/// `GET /api/log-tables`: every table, by name, with its record count.
pub async fn tables(token: String) -> Result<Page<LogTable>, ApiError> {
    get(&token, &format!("/api/log-tables{}", Params::new().set("limit", 500).query())).await
}

/// `POST /api/log-tables`.
pub async fn create_table(token: String, body: NewLogTable) -> Result<LogTable, ApiError> {
    send_json(Method::POST, &token, "/api/log-tables", &body).await
}
