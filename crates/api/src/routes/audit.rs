//! The audit log (`ADMIN`).

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use socdesk_domain::{pagination::PageRequest, services::audit};
use socdesk_types::{Page, audit::AuditEntry};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth},
    error::ApiResult,
    extract::Query,
    startup::AppState,
};

/// Filters and paging of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u64>,
    /// Only entries by this account.
    actor_id: Option<i64>,
    /// Only entries of this action, e.g. `auth.login_failed`.
    action: Option<String>,
}

/// The audit log, newest first.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = ["ADMIN"])),
    params(AuditQuery),
    responses((status = 200, description = "A page of entries", body = Page<AuditEntry>))
)]
#[get("/audit-log")]
async fn list(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    query: Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let page = PageRequest::parse(q.cursor.as_deref(), q.limit)?;
    let filter = audit::AuditFilter { actor_id: q.actor_id, action: q.action };
    Ok(HttpResponse::Ok().json(audit::list(&state.db, filter, &page).await?))
}

/// Registers the audit routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}
