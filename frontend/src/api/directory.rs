//! The account directory behind the user search dialogs and the people filters.

use socdesk_types::{Page, tickets::AccountRef};

use super::{ApiError, Params, get};

/// `GET /api/directory/accounts`: enabled accounts whose login or name contains `q`, optionally
/// only those who may see `site_id`.
pub async fn accounts(token: String, q: String, site_id: Option<i64>) -> Result<Page<AccountRef>, ApiError> {
    let params = Params::new().set("q", q).opt("site_id", site_id).set("limit", 50);
    get(&token, &format!("/api/directory/accounts{}", params.query())).await
}
