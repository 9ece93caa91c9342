//! API keys of an account: `ADMIN` for any account, anyone for their own.

use actix_web::{HttpResponse, delete, get, post, web};
use socdesk_domain::services::api_keys;
use socdesk_types::{
    Page, Problem,
    accounts::{ApiKey, CreatedApiKey, NewApiKey},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{Json, Query},
    routes::PageQuery,
    startup::AppState,
};

/// Lists an account's API keys, newest first (secrets are never shown again).
///
/// Needs: `ADMIN`, or the account itself.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Account id"), PageQuery),
    responses(
        (status = 200, description = "A page of keys", body = Page<ApiKey>),
        (status = 404, description = "No such account (or not yours)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/accounts/{id}/api-keys")]
async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(api_keys::list(&state.db, &auth, id.into_inner(), &page).await?))
}

/// Creates an API key. The answer holds the secret, which is stored only as a hash and never
/// shown again: send it as `Authorization: Bearer sd_...`.
///
/// Needs: `ADMIN`, or the account itself.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Account id")),
    request_body = NewApiKey,
    responses(
        (status = 201, description = "Created; the secret is in the answer", body = CreatedApiKey),
        (status = 404, description = "No such account (or not yours)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts/{id}/api-keys")]
async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<NewApiKey>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(api_keys::create(&state.db, &auth, id.into_inner(), body.0).await?))
}

/// Revokes an API key; it stops working at once.
///
/// Needs: `ADMIN`, or the account itself.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Account id"), ("key_id" = i64, Path, description = "API key id")),
    responses(
        (status = 200, description = "The revoked key", body = ApiKey),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/accounts/{id}/api-keys/{key_id}")]
async fn revoke(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (account_id, key_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(api_keys::revoke(&state.db, &auth, account_id, key_id).await?))
}

/// Registers the API key routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(revoke);
}
