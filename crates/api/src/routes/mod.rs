//! HTTP routes, one module per resource. Each handler extracts, authorizes (its `Auth<P>`
//! argument), calls one service and maps the result.

pub mod accounts;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod directory;
pub mod events;
pub mod explanation_attachments;
pub mod explanations;
pub mod health;
pub mod logs;
pub mod mail;
pub mod markdown;
pub mod me;
pub mod metrics;
pub mod notification_providers;
pub mod people;
pub mod playbooks;
pub mod preferences;
pub mod propagation;
pub mod reputation;
pub mod rules;
pub mod settings;
pub mod tickets;

use serde::Deserialize;
use socdesk_domain::pagination::PageRequest;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiResult;

/// Registers every `/api` route (through utoipa, so the OpenAPI document lists exactly these).
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    me::configure(cfg);
    accounts::configure(cfg);
    api_keys::configure(cfg);
    catalog::configure(cfg);
    directory::configure(cfg);
    preferences::configure(cfg);
    audit::configure(cfg);
    tickets::configure(cfg);
    attachments::configure(cfg);
    settings::configure(cfg);
    logs::configure(cfg);
    rules::configure(cfg);
    playbooks::configure(cfg);
    people::configure(cfg);
    mail::configure(cfg);
    markdown::configure(cfg);
    explanations::configure(cfg);
    explanation_attachments::configure(cfg);
    notification_providers::configure(cfg);
    propagation::configure(cfg);
    reputation::configure(cfg);
    events::configure(cfg);
}

/// The version an `If-Match` header names (`3`, `"3"` or `W/"3"`); a malformed one is a 422.
pub fn if_match(req: &actix_web::HttpRequest) -> ApiResult<Option<i64>> {
    let Some(raw) = req.headers().get(actix_web::http::header::IF_MATCH) else { return Ok(None) };
    let text = raw.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse()
        .map(Some)
        .map_err(|_| crate::error::ApiError::invalid("If-Match", "must be the version you read, e.g. \"3\""))
}

/// A comma-separated query value (`high,medium`) parsed item by item; an unknown item is a
/// validation error naming `field`.
pub fn comma_list<T>(
    field: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, socdesk_types::FieldError> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else { return Ok(Vec::new()) };
    raw.split(',')
        .map(|part| {
            parse(part.trim()).ok_or_else(|| {
                socdesk_types::FieldError::new(field, format!("unknown value {:?}", part.trim()))
            })
        })
        .collect()
}

/// Paging parameters of lists that have no filters of their own.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

impl PageQuery {
    /// The page asked for.
    pub fn page(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::parse(self.cursor.as_deref(), self.limit)?)
    }
}

/// Paging and search parameters shared by the catalogue lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Only items whose name contains this text.
    pub q: Option<String>,
}

impl ListQuery {
    /// The page asked for.
    pub fn page(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::parse(self.cursor.as_deref(), self.limit)?)
    }
}
