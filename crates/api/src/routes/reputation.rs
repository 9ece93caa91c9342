//! Reputation lookups (VirusTotal API v3) and their settings.

use actix_web::{HttpResponse, get, put, web};
use socdesk_domain::reputation::{Indicator, settings};
use socdesk_types::{
    Problem,
    reputation::{IndicatorKind, ReputationSettings, ReputationSettingsPatch, ReputationSummary},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth, TicketView},
    error::{ApiError, ApiResult},
    extract::Json,
    outbound,
    startup::AppState,
    virustotal,
};

/// What VirusTotal says about an IP address (`ip`), a domain (`domain`), a URL (`url`, sent as
/// VirusTotal's URL id) or a file hash (`file`: MD5, SHA-1 or SHA-256): engine counts,
/// reputation, last analysis date and a link to VirusTotal's page. Answers are cached for the
/// configured TTL (`cached: true`, VirusTotal not asked); calls are limited to the configured
/// quota per minute across every server process: over it, a cached answer past its TTL is
/// served (`stale: true`), else 429 with `Retry-After`.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "reputation",
    security(("bearer" = ["TICKET_VIEW"])),
    params(
        ("kind" = IndicatorKind, Path, description = "ip, domain, url or file"),
        ("value" = String, Path, description = "The address, domain, URL (percent-encoded) or hash"),
    ),
    responses(
        (status = 200, description = "The summary", body = ReputationSummary),
        (status = 404, description = "Unknown to VirusTotal", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The quota is used up (see Retry-After)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "VirusTotal could not be reached, refused the key, or its address is refused", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No VirusTotal API key is set", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reputation/{kind}/{value}")]
async fn lookup(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (kind, value) = path.into_inner();
    let kind = IndicatorKind::parse(&kind)
        .ok_or_else(|| ApiError::invalid("kind", "must be ip, domain, url or file"))?;
    let indicator = Indicator::parse(kind, &value)?;
    Ok(HttpResponse::Ok().json(virustotal::lookup(&state.db, &indicator).await?))
}

/// The reputation settings: whether a VirusTotal key is set (the key itself is never answered),
/// the base URL, the cache TTL and the quota per minute.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = ["ADMIN"])),
    responses((status = 200, description = "The settings", body = ReputationSettings))
)]
#[get("/settings/reputation")]
async fn get_settings(state: web::Data<AppState>, _auth: Auth<Admin>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(settings::load(&state.db).await?.public()))
}

/// Changes the reputation settings present in the body (`api_key`: `null` or `""` removes it).
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "settings",
    security(("bearer" = ["ADMIN"])),
    request_body = ReputationSettingsPatch,
    responses((status = 200, description = "The settings now", body = ReputationSettings))
)]
#[put("/settings/reputation")]
async fn put_settings(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<ReputationSettingsPatch>,
) -> ApiResult<HttpResponse> {
    let check = |raw: &str| outbound::parse(raw).map(|_| ()).map_err(|r| r.to_string());
    Ok(HttpResponse::Ok().json(settings::update(&state.db, &auth, body.0, &check).await?))
}

/// Registers the reputation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(lookup).service(get_settings).service(put_settings);
}
