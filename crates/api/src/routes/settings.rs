//! Global options (`ADMIN`).

use actix_web::{HttpResponse, get, put, web};
use socdesk_domain::services::settings;
use socdesk_types::settings::{GlobalOptions, GlobalOptionsPatch};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth},
    error::ApiResult,
    extract::Json,
    startup::AppState,
};

/// The global options.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = ["ADMIN"])),
    responses((status = 200, description = "The options", body = GlobalOptions))
)]
#[get("/settings")]
async fn get_options(state: web::Data<AppState>, _auth: Auth<Admin>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(settings::options(&state.db).await?))
}

/// Changes the options present in the body.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = ["ADMIN"])),
    request_body = GlobalOptionsPatch,
    responses((status = 200, description = "The options now", body = GlobalOptions))
)]
#[put("/settings")]
async fn put_options(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<GlobalOptionsPatch>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(settings::update_options(&state.db, &auth, body.0).await?))
}

/// Registers the settings routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_options).service(put_options);
}
