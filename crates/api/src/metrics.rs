//! The process's Prometheus metrics: what the middleware and the background duties count, and
//! what `/metrics` reads from the database when it is scraped (outbox backlog, scheduler lag),
//! so that every replica reports the shared queues the same way.

use std::{
    sync::atomic::AtomicU64,
    time::{Duration, Instant},
};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use chrono::Utc;
use prometheus_client::{
    encoding::{EncodeLabelSet, prometheus_text},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use sea_orm::{DatabaseConnection, DbBackend};
use socdesk_domain::{mail::outbox, rules::batch};

use crate::startup::AppState;

/// Latency buckets, in seconds: from a cached list page to a slow export's first byte.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/api/tickets/{id}`), never the path asked: bounded cardinality.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

type Latencies = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Every metric of the process, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latencies,
    ingested: Family<OutcomeLabels, Counter>,
    rule_matches: Family<KindLabels, Counter>,
    mail: Family<OutcomeLabels, Counter>,
    pool: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    database_up: Gauge,
    outbox_pending: Gauge,
    outbox_retrying: Gauge,
    scheduler_lag: Gauge<f64, AtomicU64>,
    live_streams: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("socdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            requests.clone(),
        );
        let latency: Latencies = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to the answer's head (a streamed export or event stream counts until its first byte)",
            latency.clone(),
        );
        let ingested = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "ingest_records",
            "Log records received by POST /api/logs/{table}, by outcome (stored, duplicate, rejected)",
            ingested.clone(),
        );
        let rule_matches = Family::<KindLabels, Counter>::default();
        registry.register(
            "rule_matches",
            "Detection rule matches filed by this process, by rule kind (stream, batch)",
            rule_matches.clone(),
        );
        let mail = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "mail_deliveries",
            "Mail delivery attempts by this process, by outcome (delivered, failed)",
            mail.clone(),
        );
        let pool = Family::<StateLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of this process, by state (idle, in_use)",
            pool.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "The most database connections this process opens",
            pool_max.clone(),
        );
        let database_up = Gauge::default();
        registry.register(
            "database_up",
            "1 when the database answered this scrape, else 0",
            database_up.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register(
            "outbox_pending",
            "Mails not yet delivered (all processes)",
            outbox_pending.clone(),
        );
        let outbox_retrying = Gauge::default();
        registry.register(
            "outbox_retrying",
            "Undelivered mails whose last attempt failed and that wait for a retry (all processes)",
            outbox_retrying.clone(),
        );
        let scheduler_lag = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "scheduler_lag_seconds",
            "How far behind its schedule the most overdue enabled batch rule is (0 when none is due)",
            scheduler_lag.clone(),
        );
        let live_streams = Gauge::default();
        registry.register("live_streams", "Open /api/events streams on this process", live_streams.clone());
        Metrics {
            registry,
            requests,
            latency,
            ingested,
            rule_matches,
            mail,
            pool,
            pool_max,
            database_up,
            outbox_pending,
            outbox_retrying,
            scheduler_lag,
            live_streams,
        }
    }

    /// One answered request.
    fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels { method: method.to_owned(), route: route.to_owned(), status })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { method: method.to_owned(), route: route.to_owned() })
            .observe(took.as_secs_f64());
    }

    /// What one ingest request did.
    pub fn ingested(&self, result: &socdesk_types::logs::IngestResult) {
        for (outcome, n) in
            [("stored", result.stored), ("duplicate", result.duplicates), ("rejected", result.rejected)]
        {
            self.ingested.get_or_create(&OutcomeLabels { outcome }).inc_by(n);
        }
        self.rule_matches.get_or_create(&KindLabels { kind: "stream" }).inc_by(result.matched);
    }

    /// Matches of one batch rule run.
    pub fn batch_matched(&self, matched: u64) {
        self.rule_matches.get_or_create(&KindLabels { kind: "batch" }).inc_by(matched);
    }

    /// One mail delivery attempt.
    pub fn mail_attempt(&self, delivered: bool) {
        let outcome = if delivered { "delivered" } else { "failed" };
        self.mail.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// Reads the gauges (pool, shared queues, streams) and encodes everything in Prometheus'
    /// text format. A database that does not answer leaves its gauges as they were and sets
    /// `database_up` to 0: the scrape itself still succeeds.
    pub async fn render(&self, db: &DatabaseConnection, live_streams: usize) -> String {
        self.read_pool(db);
        self.live_streams.set(i64::try_from(live_streams).unwrap_or(i64::MAX));
        let now = Utc::now();
        let shared = async {
            Ok::<_, socdesk_domain::DomainError>((outbox::backlog(db).await?, batch::lag(db, now).await?))
        };
        match tokio::time::timeout(Duration::from_secs(5), shared).await {
            Ok(Ok((backlog, lag))) => {
                self.database_up.set(1);
                self.outbox_pending.set(i64::try_from(backlog.pending).unwrap_or(i64::MAX));
                self.outbox_retrying.set(i64::try_from(backlog.retrying).unwrap_or(i64::MAX));
                self.scheduler_lag.set(lag.num_milliseconds().max(0) as f64 / 1000.0);
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "metrics: the database did not answer");
                self.database_up.set(0);
            }
            Err(_) => {
                tracing::warn!("metrics: the database did not answer within 5 s");
                self.database_up.set(0);
            }
        }
        let mut text = String::new();
        if prometheus_text::encode(&mut text, &self.registry).is_err() {
            tracing::error!("metrics: encoding failed");
        }
        text
    }

    fn read_pool(&self, db: &DatabaseConnection) {
        let (size, idle, max) = match db.get_database_backend() {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            _ => return,
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
        self.pool.get_or_create(&StateLabels { state: "idle" }).set(i64::from(idle));
        self.pool.get_or_create(&StateLabels { state: "in_use" }).set(i64::from(size - idle));
        self.pool_max.set(i64::from(max));
    }
}

/// The middleware that counts and times every answer by its route template.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = req.app_data::<web::Data<AppState>>().map(|state| state.metrics.clone());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let took = started.elapsed();
        match &result {
            Ok(res) => {
                let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
                metrics.observe(&method, &route, res.status().as_u16(), took);
            }
            Err(e) => {
                metrics.observe(&method, "unmatched", e.as_response_error().status_code().as_u16(), took)
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_template_and_status() {
        let m = Metrics::new();
        m.observe("GET", "/api/tickets/{id}", 200, Duration::from_millis(3));
        m.observe("GET", "/api/tickets/{id}", 200, Duration::from_millis(30));
        m.observe("GET", "/api/tickets/{id}", 404, Duration::from_millis(2));
        m.batch_matched(7);
        m.mail_attempt(false);
        let mut text = String::new();
        prometheus_text::encode(&mut text, &m.registry).expect("encodes");
        assert!(
            text.contains(
                r#"socdesk_http_requests_total{method="GET",route="/api/tickets/{id}",status="200"} 2"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"status="404"} 1"#), "{text}");
        assert!(
            text.contains(r#"socdesk_http_request_duration_seconds_bucket{method="GET",route="/api/tickets/{id}",le="0.005"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(
                r#"socdesk_http_request_duration_seconds_count{method="GET",route="/api/tickets/{id}"} 3"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"socdesk_rule_matches_total{kind="batch"} 7"#), "{text}");
        assert!(text.contains(r#"socdesk_mail_deliveries_total{outcome="failed"} 1"#), "{text}");
    }
}
