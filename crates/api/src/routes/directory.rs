//! The account directory for pickers (assignees, approvers, the list's person filters).

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use socdesk_domain::{
    pagination::PageRequest,
    services::directory::{self, DirectoryFilter},
};
use socdesk_types::{Page, tickets::AccountRef};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, TicketView},
    error::ApiResult,
    extract::Query,
    startup::AppState,
};

/// Search and paging parameters of the account directory.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Text in the login or the display name (case-insensitive).
    pub q: Option<String>,
    /// Only accounts that may see this site's tickets (administrators, and accounts granted the
    /// site).
    pub site_id: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// Enabled accounts by display name (then id), one keyset page at a time with the total: the
/// people an analyst can pick as assignee or approver, or filter the ticket list by. Each is only
/// its id, login and display name. `q` matches part of the login or the display name, ignoring
/// case; `site_id` keeps the accounts that may see that site's tickets (administrators see every
/// site, others the sites granted to them), and an unknown site is a 422 naming `site_id`.
/// Disabled accounts never appear. The full account administration stays at `/api/accounts`.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "directory",
    security(("bearer" = ["TICKET_VIEW"])),
    params(DirectoryQuery),
    responses((status = 200, description = "A page of accounts", body = Page<AccountRef>))
)]
#[get("/directory/accounts")]
async fn accounts(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    query: Query<DirectoryQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let page = PageRequest::parse(q.cursor.as_deref(), q.limit)?;
    let filter = DirectoryFilter { q: q.q, site_id: q.site_id };
    Ok(HttpResponse::Ok().json(directory::accounts(&state.db, &filter, &page).await?))
}

/// Registers the directory routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(accounts);
}
