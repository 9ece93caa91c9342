//! Log tables and their search, for the evidence dialog.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    logs::{LogRecord, LogSchema, LogSearch, LogTable},
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
