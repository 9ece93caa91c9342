//! Log schemas and log tables (what records are stored under), and their search.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    logs::{LogRecord, LogSchema, LogSearch, LogTable, NewLogSchema, NewLogTable},
};

use super::{ApiError, Params, encode, get, send_json};

/// `GET /api/log-tables`.
pub async fn tables(token: String) -> Result<Page<LogTable>, ApiError> {
    get(&token, &format!("/api/log-tables{}", Params::new().set("limit", 500).query())).await
}

/// `GET /api/log-schemas`.
pub async fn schemas(token: String) -> Result<Page<LogSchema>, ApiError> {
    get(&token, &format!("/api/log-schemas{}", Params::new().set("limit", 500).query())).await
}

/// `POST /api/logs/{table}/search`.
pub async fn search(token: String, table: String, search: LogSearch) -> Result<Page<LogRecord>, ApiError> {
    send_json(Method::POST, &token, &format!("/api/logs/{}/search", encode(&table)), &search).await
}

/// `POST /api/log-schemas`.
pub async fn create_schema(token: String, body: NewLogSchema) -> Result<LogSchema, ApiError> {
    send_json(Method::POST, &token, "/api/log-schemas", &body).await
}

/// `POST /api/log-tables`.
pub async fn create_table(token: String, body: NewLogTable) -> Result<LogTable, ApiError> {
    send_json(Method::POST, &token, "/api/log-tables", &body).await
}
