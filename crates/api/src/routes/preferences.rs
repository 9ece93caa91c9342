//! The caller's own saved settings.

use actix_web::{HttpResponse, delete, get, put, web};
use socdesk_domain::services::preferences;
use socdesk_types::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{auth::Auth, error::ApiResult, extract::Json, startup::AppState};

/// The caller's saved value for `key` (any JSON).
///
/// Needs: any signed-in account; each account sees only its own.
#[utoipa::path(
    tag = "preferences",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "1..=64 of a-z, 0-9, '.', '_', '-'", pattern = "^[a-z0-9._-]{1,64}$")),
    responses(
        (status = 200, description = "The saved value", body = serde_json::Value),
        (status = 404, description = "Nothing saved under this key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/preferences/{key}")]
async fn get(state: web::Data<AppState>, auth: Auth, key: web::Path<String>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(preferences::get(&state.db, &auth, &key).await?))
}

/// Saves the caller's value for `key` (any JSON up to 64 KiB), replacing the previous one.
///
/// Needs: any signed-in account.
#[utoipa::path(
    tag = "preferences",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "1..=64 of a-z, 0-9, '.', '_', '-'", pattern = "^[a-z0-9._-]{1,64}$")),
    request_body(content = serde_json::Value, description = "Any JSON value"),
    responses((status = 200, description = "Saved; the value as stored", body = serde_json::Value))
)]
#[put("/preferences/{key}")]
async fn put(
    state: web::Data<AppState>,
    auth: Auth,
    key: web::Path<String>,
    body: Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    preferences::put(&state.db, &auth, &key, body.0.clone()).await?;
    Ok(HttpResponse::Ok().json(body.0))
}

/// Forgets the caller's value for `key`, so the app falls back to its default.
///
/// Needs: any signed-in account.
#[utoipa::path(
    tag = "preferences",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "1..=64 of a-z, 0-9, '.', '_', '-'", pattern = "^[a-z0-9._-]{1,64}$")),
    responses((status = 204, description = "Forgotten (or never saved)"))
)]
#[delete("/preferences/{key}")]
async fn remove(state: web::Data<AppState>, auth: Auth, key: web::Path<String>) -> ApiResult<HttpResponse> {
    preferences::delete(&state.db, &auth, &key).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the preference routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get).service(put).service(remove);
}
