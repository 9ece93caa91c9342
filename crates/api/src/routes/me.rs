//! The signed-in account.

use actix_web::{HttpResponse, get, web};
use socdesk_domain::services::accounts;
use socdesk_types::auth::Me;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{auth::Auth, error::ApiResult, startup::AppState};

/// Who you are: the account, its permissions and the sites it may see.
///
/// Needs: any signed-in account (session or API key).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The signed-in account", body = Me))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(accounts::me(&state.db, &auth).await?))
}

/// Registers `/me`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me);
}
