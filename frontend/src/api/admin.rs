//! The catalogues administrators keep — sites, ticket categories, tags, explanation categories —
//! written through one set of functions, since their four endpoint groups have the same shape
//! (`GET/POST /api/{catalogue}`, `PATCH/DELETE /api/{catalogue}/{id}`). Pickers read them through
//! [`super::catalog`].

use chrono::{DateTime, Utc};
use gloo_net::http::Method;
use serde::{Deserialize, Serialize};
use socdesk_types::{
    Page,
    catalog::{NamedItemPatch, NewNamedItem, NewTag, TagPatch},
};

use super::{ApiError, Params, delete, get, send_json};

/// A change body as JSON with only the fields it changes: the `null`s serde writes for
/// "unchanged" (`None`) are dropped, except those of `keep_null`, whose `null` means "clear".
pub(crate) fn present_only<T: Serialize>(patch: &T, keep_null: &[&str]) -> serde_json::Value {
    match serde_json::to_value(patch) {
        Ok(serde_json::Value::Object(mut fields)) => {
            fields.retain(|k, v| !v.is_null() || keep_null.contains(&k.as_str()));
            serde_json::Value::Object(fields)
        }
        Ok(other) => other,
        Err(_) => serde_json::Value::Null,
    }
}

/// One of the four catalogues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    Sites,
    TicketCategories,
    Tags,
    ExplanationCategories,
}

impl Catalogue {
    /// The collection's path.
    pub fn path(self) -> &'static str {
        match self {
            Catalogue::Sites => "/api/sites",
            Catalogue::TicketCategories => "/api/ticket-categories",
            Catalogue::Tags => "/api/tags",
            Catalogue::ExplanationCategories => "/api/explanation-categories",
        }
    }

    /// Tags carry a colour; the others a description.
    pub fn has_color(self) -> bool {
        self == Catalogue::Tags
    }
}

/// An item of any catalogue, as the admin table shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CatalogueItem {
    pub id: i64,
    pub name: String,
    /// Sites and categories.
    #[serde(default)]
    pub description: Option<String>,
    /// Tags: `#rrggbb`.
    #[serde(default)]
    pub color: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the add and edit forms send: the name, and the description or the colour.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogueDraft {
    pub name: String,
    pub description: String,
    pub color: String,
}

/// `GET /api/{catalogue}`: every item (catalogues are small: one page of the largest size).
pub async fn list(token: String, catalogue: Catalogue) -> Result<Page<CatalogueItem>, ApiError> {
    get(&token, &format!("{}{}", catalogue.path(), Params::new().set("limit", 500).query())).await
}

/// `POST /api/{catalogue}`.
pub async fn create(
    token: String,
    catalogue: Catalogue,
    draft: CatalogueDraft,
) -> Result<CatalogueItem, ApiError> {
    let path = catalogue.path();
    if catalogue.has_color() {
        let body = NewTag { name: draft.name, color: Some(draft.color).filter(|c| !c.is_empty()) };
        send_json(Method::POST, &token, path, &body).await
    } else {
        let body = NewNamedItem { name: draft.name, description: Some(draft.description) };
        send_json(Method::POST, &token, path, &body).await
    }
}

/// `PATCH /api/{catalogue}/{id}`: only what is given changes — the name, and the description
/// (sites, categories) or the colour (tags).
pub async fn update(
    token: String,
    catalogue: Catalogue,
    id: i64,
    name: Option<String>,
    detail: Option<String>,
) -> Result<CatalogueItem, ApiError> {
    let path = format!("{}/{id}", catalogue.path());
    if catalogue.has_color() {
        send_json(Method::PATCH, &token, &path, &present_only(&TagPatch { name, color: detail }, &[])).await
    } else {
        let body = present_only(&NamedItemPatch { name, description: detail }, &[]);
        send_json(Method::PATCH, &token, &path, &body).await
    }
}

/// `DELETE /api/{catalogue}/{id}`: a 409 while something still uses the item.
pub async fn remove(token: String, catalogue: Catalogue, id: i64) -> Result<(), ApiError> {
    delete(&token, &format!("{}/{id}", catalogue.path())).await
}

#[cfg(test)]
mod tests {
    use socdesk_types::accounts::AccountPatch;

    use super::*;

    #[test]
    fn unchanged_fields_are_left_out_and_a_clearing_null_stays() {
        let rename = AccountPatch { display_name: Some("Alice".into()), ..Default::default() };
        assert_eq!(present_only(&rename, &["employee_id"]), serde_json::json!({"display_name": "Alice"}));
        let unlink = AccountPatch { employee_id: Some(None), ..Default::default() };
        assert_eq!(present_only(&unlink, &["employee_id"]), serde_json::json!({"employee_id": null}));
    }
}
