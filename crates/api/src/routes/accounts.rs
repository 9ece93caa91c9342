//! Account administration (`ADMIN`).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use socdesk_domain::services::accounts;
use socdesk_types::{
    Page, Problem,
    accounts::{Account, AccountPatch, NewAccount},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth},
    error::ApiResult,
    extract::{Json, Query},
    routes::ListQuery,
    startup::AppState,
};

/// Lists accounts by login; `q` matches login or display name.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["ADMIN"])),
    params(ListQuery),
    responses((status = 200, description = "A page of accounts", body = Page<Account>))
)]
#[get("/accounts")]
async fn list(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    query: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(accounts::list(&state.db, query.0.q.as_deref(), &page).await?))
}

/// Creates an account.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["ADMIN"])),
    request_body = NewAccount,
    responses(
        (status = 201, description = "Created", body = Account),
        (status = 409, description = "The login is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts")]
async fn create(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewAccount>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(accounts::create(&state.db, &auth, body.0).await?))
}

/// One account.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/accounts/{id}")]
async fn get(state: web::Data<AppState>, _auth: Auth<Admin>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(accounts::get(&state.db, id.into_inner()).await?))
}

/// Changes an account: only the fields present change. A new password or disabling ends the
/// account's sessions. You cannot disable yourself or remove your own `ADMIN`.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Account id")),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The changed account", body = Account),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Conflicting change", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/accounts/{id}")]
async fn update(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
    body: Json<AccountPatch>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(accounts::update(&state.db, &auth, id.into_inner(), body.0).await?))
}

/// Deletes an account with its sessions, API keys and preferences. You cannot delete yourself.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Account id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "You cannot delete yourself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/accounts/{id}")]
async fn remove(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    accounts::delete(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the account routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get).service(update).service(remove);
}
