//! `/metrics`: the process's counters and the shared queues, in Prometheus' text format.

use std::net::SocketAddr;

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;
use sha2::{Digest, Sha256};
use socdesk_domain::DomainError;
use socdesk_types::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{error::ApiResult, settings::Secret, startup::AppState};

/// Prometheus metrics: request counts and latency histograms per route template, database pool
/// use, ingested records, rule matches, mail deliveries, outbox backlog, scheduler lag and open
/// event streams.
///
/// Needs `Authorization: Bearer <SOCDESK_METRICS_TOKEN>` when that is set; without it, only
/// callers on the loopback interface are answered.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Metrics in Prometheus' text format (version 0.0.4)", body = String, content_type = "text/plain"),
        (status = 401, description = "Wrong or missing metrics token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No metrics token is set and the caller is not on loopback", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    admit(state.settings.metrics_token.as_ref(), bearer, req.peer_addr())?;
    let text = state.metrics.render(&state.db, state.live.streams()).await;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, CONTENT_TYPE))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// Who may scrape: the holder of the token when one is set, else only a caller on loopback
/// (the metrics name routes and volumes, which a stranger has no business seeing). The peer is
/// the TCP peer, never `X-Forwarded-For`: a proxy in front is not loopback for this purpose.
fn admit(token: Option<&Secret>, bearer: Option<&str>, peer: Option<SocketAddr>) -> Result<(), DomainError> {
    match token {
        Some(token) => {
            // Digests compared, so the comparison's time says nothing about the token.
            let digest = |s: &str| Sha256::digest(s.as_bytes());
            if bearer.is_some_and(|b| digest(b.trim()) == digest(token.expose())) {
                Ok(())
            } else {
                Err(DomainError::Unauthenticated(
                    "send the metrics token: Authorization: Bearer <SOCDESK_METRICS_TOKEN>".into(),
                ))
            }
        }
        None if peer.is_some_and(|p| p.ip().is_loopback()) => Ok(()),
        None => Err(DomainError::Forbidden(
            "metrics are answered on loopback only; set SOCDESK_METRICS_TOKEN to scrape from elsewhere"
                .into(),
        )),
    }
}

/// Registers `/metrics` (outside `/api`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(metrics);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(addr: &str) -> Option<SocketAddr> {
        addr.parse().ok()
    }

    #[test]
    fn without_a_token_only_loopback_is_answered() {
        assert!(admit(None, None, at("127.0.0.1:5000")).is_ok());
        assert!(admit(None, None, at("[::1]:5000")).is_ok());
        assert!(matches!(admit(None, None, at("10.0.0.7:5000")), Err(DomainError::Forbidden(_))));
        assert!(matches!(
            admit(None, Some("anything"), at("192.168.1.2:80")),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(admit(None, None, None), Err(DomainError::Forbidden(_))));
    }

    #[test]
    fn with_a_token_only_its_holder_is_answered_wherever_they_are() {
        let token = Secret::new("scrape-me-0123456789");
        assert!(admit(Some(&token), Some("scrape-me-0123456789"), at("10.0.0.7:5000")).is_ok());
        for wrong in [None, Some(""), Some("scrape-me"), Some("scrape-me-01234567890")] {
            assert!(
                matches!(
                    admit(Some(&token), wrong, at("127.0.0.1:5000")),
                    Err(DomainError::Unauthenticated(_))
                ),
                "{wrong:?}"
            );
        }
    }
}
