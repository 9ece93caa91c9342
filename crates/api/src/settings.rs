//! Configuration, read once from the environment at start and passed in.

use std::{env, net::SocketAddr, path::PathBuf};

use chrono::Duration;
use socdesk_domain::{explanations::service::Links, rules::Filing};

/// A secret that never prints.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Everything the server can be told. See the README's configuration table.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// `SOCDESK_DB_MAX_CONNECTIONS`.
    pub db_max_connections: u32,
    /// `SOCDESK_DB_ACQUIRE_TIMEOUT` (seconds): how long a request waits for a database
    /// connection before it answers 503 (the database is unreachable or every connection busy).
    pub db_acquire_timeout: Duration,
    /// `SOCDESK_BIND`: address to listen on; port 0 picks a free one.
    pub bind: SocketAddr,
    /// `SOCDESK_ADMIN_PASSWORD`: password of the `admin` created on first start.
    pub admin_password: Option<Secret>,
    /// `SOCDESK_JWT_SECRET`: HS256 key; generated and kept in the database when unset.
    pub jwt_secret: Option<Secret>,
    /// `SOCDESK_ACCESS_TOKEN_TTL` (seconds).
    pub access_token_ttl: Duration,
    /// `SOCDESK_REFRESH_TOKEN_TTL` (seconds).
    pub refresh_token_ttl: Duration,
    /// `SOCDESK_LOGIN_MAX_FAILURES` within `SOCDESK_LOGIN_WINDOW` seconds.
    pub login_max_failures: u64,
    pub login_window: Duration,
    /// `SOCDESK_WEB_DIR`: the built web app.
    pub web_dir: PathBuf,
    /// `SOCDESK_MAX_JSON_BYTES`: the largest JSON body accepted.
    pub max_json_bytes: usize,
    /// `SOCDESK_TRUST_PROXY`: take the client address from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy: bool,
    /// `SOCDESK_LOG_FORMAT`: `text` or `json`.
    pub log_json: bool,
    /// `SOCDESK_MAX_ATTACHMENT_BYTES`: the largest uploaded file.
    pub max_attachment_bytes: usize,
    /// `SOCDESK_TIMEZONE`: the IANA zone trend days are counted in.
    pub timezone: chrono_tz::Tz,
    /// `SOCDESK_INGEST_MAX_RECORDS`: the most records one ingest request may carry.
    pub ingest_max_records: usize,
    /// `SOCDESK_INGEST_MAX_BYTES`: the largest ingest body.
    pub ingest_max_bytes: usize,
    /// `SOCDESK_EVIDENCE_CAP`: evidence records kept on one rule ticket.
    pub evidence_cap: i64,
    /// `SOCDESK_SCHEDULER_TICK` (seconds): how often due batch rules are looked for.
    pub scheduler_tick: Duration,
    /// `SMTP_URL`: where mail goes, e.g. `smtp://127.0.0.1:25`, `smtps://user:pass@host` or
    /// `smtp://host:587?tls=required`. Unset: mail stays in the outbox.
    pub smtp_url: Option<Secret>,
    /// `SOCDESK_MAIL_FROM`: the sender of every mail.
    pub mail_from: String,
    /// `SOCDESK_PUBLIC_URL`: the address people open socdesk at; links in mail start with it.
    pub public_url: String,
    /// `SOCDESK_MAIL_POLL` (seconds): how often the outbox is looked at for due mail.
    pub mail_poll: Duration,
    /// `SOCDESK_MAIL_RETRY_BASE` (seconds): the wait after a failed delivery, doubling with each
    /// further failure up to 30 minutes.
    pub mail_retry_base: Duration,
    /// `SOCDESK_PLAYBOOK_LEASE` (seconds): how long a playbook task being worked on is held
    /// without a renewal; a task left running by a dead process is failed once it runs out.
    pub playbook_lease: Duration,
    /// `SOCDESK_LOG_RETENTION_DAYS`: log records whose time is older are removed (whole month
    /// partitions dropped on PostgreSQL, batched deletes otherwise). Unset or 0: kept forever.
    pub log_retention: Option<Duration>,
    /// `SOCDESK_METRICS_TOKEN`: the bearer token `/metrics` asks for. Unset: `/metrics` answers
    /// only callers on the loopback interface.
    pub metrics_token: Option<Secret>,
}

/// A configuration value that could not be understood.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

/// The default SQLite database file, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/socdesk.db?mode=rwc";

fn var(name: &'static str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e: T::Err| ConfigError { name, message: e.to_string() }),
    }
}

fn seconds(name: &'static str, default: i64) -> Result<Duration, ConfigError> {
    let secs: i64 = parsed(name, default)?;
    if secs <= 0 {
        return Err(ConfigError { name, message: "must be a positive number of seconds".into() });
    }
    Ok(Duration::seconds(secs))
}

impl Settings {
    /// Where links in mail point.
    pub fn links(&self) -> Links {
        Links { public_url: self.public_url.trim_end_matches('/').to_owned() }
    }

    /// What filing rule matches needs: the evidence cap and the mail links.
    pub fn filing(&self) -> Filing {
        Filing { evidence_cap: self.evidence_cap, links: self.links() }
    }

    /// Reads the environment, with defaults for everything.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let jwt_secret = var("SOCDESK_JWT_SECRET").map(Secret::new);
        if jwt_secret.as_ref().is_some_and(|s| s.expose().len() < 32) {
            return Err(ConfigError {
                name: "SOCDESK_JWT_SECRET",
                message: "must be at least 32 characters".into(),
            });
        }
        let log_format = var("SOCDESK_LOG_FORMAT").unwrap_or_else(|| "text".into());
        if !matches!(log_format.as_str(), "text" | "json") {
            return Err(ConfigError { name: "SOCDESK_LOG_FORMAT", message: "must be text or json".into() });
        }
        let bind = parsed("SOCDESK_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        Ok(Settings {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            db_max_connections: parsed("SOCDESK_DB_MAX_CONNECTIONS", 0)?,
            db_acquire_timeout: seconds("SOCDESK_DB_ACQUIRE_TIMEOUT", 5)?,
            bind,
            admin_password: var("SOCDESK_ADMIN_PASSWORD").map(Secret::new),
            jwt_secret,
            access_token_ttl: seconds("SOCDESK_ACCESS_TOKEN_TTL", 15 * 60)?,
            refresh_token_ttl: seconds("SOCDESK_REFRESH_TOKEN_TTL", 14 * 24 * 3600)?,
            login_max_failures: parsed("SOCDESK_LOGIN_MAX_FAILURES", 5)?,
            login_window: seconds("SOCDESK_LOGIN_WINDOW", 60)?,
            web_dir: var("SOCDESK_WEB_DIR").map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from),
            max_json_bytes: parsed("SOCDESK_MAX_JSON_BYTES", 1024 * 1024)?,
            trust_proxy: parsed("SOCDESK_TRUST_PROXY", false)?,
            log_json: log_format == "json",
            max_attachment_bytes: parsed("SOCDESK_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)?,
            timezone: parsed("SOCDESK_TIMEZONE", chrono_tz::Tz::UTC)?,
            ingest_max_records: parsed("SOCDESK_INGEST_MAX_RECORDS", 10_000)?,
            ingest_max_bytes: parsed("SOCDESK_INGEST_MAX_BYTES", 32 * 1024 * 1024)?,
            evidence_cap: parsed("SOCDESK_EVIDENCE_CAP", 1_000)?,
            scheduler_tick: seconds("SOCDESK_SCHEDULER_TICK", 5)?,
            smtp_url: var("SMTP_URL").map(Secret::new),
            mail_from: var("SOCDESK_MAIL_FROM").unwrap_or_else(|| "socdesk <socdesk@localhost>".into()),
            public_url: var("SOCDESK_PUBLIC_URL")
                .map_or_else(|| format!("http://{bind}"), |u| u.trim_end_matches('/').to_owned()),
            mail_poll: seconds("SOCDESK_MAIL_POLL", 2)?,
            mail_retry_base: seconds("SOCDESK_MAIL_RETRY_BASE", 15)?,
            playbook_lease: seconds("SOCDESK_PLAYBOOK_LEASE", 30)?,
            log_retention: match parsed::<i64>("SOCDESK_LOG_RETENTION_DAYS", 0)? {
                0 => None,
                days if days > 0 => Some(Duration::days(days)),
                _ => {
                    return Err(ConfigError {
                        name: "SOCDESK_LOG_RETENTION_DAYS",
                        message: "must be a number of days (0: keep forever)".into(),
                    });
                }
            },
            metrics_token: var("SOCDESK_METRICS_TOKEN").map(Secret::new),
        })
    }
}
