//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::startup::AppState;

/// A probe's answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when a dependency is down.
    pub status: String,
}

/// The process is up (it answers without touching the database).
#[utoipa::path(tag = "operations", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// The server can serve requests: the database answers.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database is unreachable", body = Health),
    )
)]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => HttpResponse::Ok().json(Health { status: "ok".into() }),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(Health { status: "unavailable".into() })
        }
    }
}

/// Registers the probes (outside `/api`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}
