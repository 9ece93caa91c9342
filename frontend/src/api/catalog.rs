//! The small catalogues the pickers offer: sites, ticket categories, tags, explanation categories.

use socdesk_types::{
    Page,
    catalog::{ExplanationCategory, Site, Tag, TicketCategory},
};

use super::{ApiError, Params, get};

/// Every item of a catalogue (they are small: one page of the largest size).
fn all(path: &str) -> String {
    format!("{path}{}", Params::new().set("limit", 500).query())
}

/// `GET /api/sites`.
pub async fn sites(token: String) -> Result<Page<Site>, ApiError> {
    get(&token, &all("/api/sites")).await
}

/// `GET /api/ticket-categories`.
pub async fn ticket_categories(token: String) -> Result<Page<TicketCategory>, ApiError> {
    get(&token, &all("/api/ticket-categories")).await
}

/// `GET /api/tags`.
pub async fn tags(token: String) -> Result<Page<Tag>, ApiError> {
    get(&token, &all("/api/tags")).await
}

/// `GET /api/explanation-categories`.
pub async fn explanation_categories(token: String) -> Result<Page<ExplanationCategory>, ApiError> {
    get(&token, &all("/api/explanation-categories")).await
}
