//! What every benchmark needs: a fresh database on the chosen backend and a running server.

use chrono::Duration as Span;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use socdesk_api::{
    settings::{Secret, Settings},
    startup::Application,
};

pub const ADMIN_PASSWORD: &str = "bench-admin-password";

fn random_suffix() -> String {
    let mut bytes = [0u8; 6];
    rand::fill(&mut bytes[..]);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs the benchmark's admin in at `address` and returns the access token.
pub async fn admin_token(client: &reqwest::Client, address: &str) -> String {
    let login: serde_json::Value = client
        .post(format!("{address}/api/auth/login"))
        .json(&serde_json::json!({"login": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    login["access_token"].as_str().expect("token").to_owned()
}

/// `BENCH_DB`: `sqlite` (default) or `postgres`.
pub fn backend() -> String {
    std::env::var("BENCH_DB").unwrap_or_else(|_| "sqlite".into())
}

/// A number from the environment, or the default.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A fresh, empty database (PostgreSQL: `socdesk_bench_*`, drop them afterwards).
pub async fn database_url(backend: &str) -> String {
    match backend {
        "postgres" => {
            // The local socket when there is one: over TCP, sqlx 0.9.0 leaves Nagle on and large
            // statements stall on delayed ACKs (see the README), which would measure the kernel.
            let socket = std::path::Path::new("/var/run/postgresql/.s.PGSQL.5432").exists();
            let base = std::env::var("SOCDESK_TEST_PG_URL").unwrap_or_else(|_| {
                if socket {
                    "postgres://postgres@%2Fvar%2Frun%2Fpostgresql"
                } else {
                    "postgres://postgres@127.0.0.1:5432"
                }
                .into()
            });
            let name = format!("socdesk_bench_{}", random_suffix());
            let admin = Database::connect(format!("{base}/postgres")).await.expect("PostgreSQL reachable");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            format!("{base}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("socdesk-bench-{}", random_suffix()));
            format!("sqlite://{}/socdesk.db?mode=rwc", dir.display())
        }
    }
}

/// Starts the real server on a fresh database; returns its database, base URL and the
/// database's URL (for the database's own tools).
pub async fn start(backend: &str) -> (DatabaseConnection, String, String) {
    let url = database_url(backend).await;
    let settings = Settings {
        database_url: url.clone(),
        db_max_connections: 0,
        db_acquire_timeout: chrono::Duration::seconds(5),
        bind: "127.0.0.1:0".parse().expect("address"),
        admin_password: Some(Secret::new(ADMIN_PASSWORD)),
        jwt_secret: Some(Secret::new("bench-secret-bench-secret-bench-secret")),
        access_token_ttl: Span::hours(2),
        refresh_token_ttl: Span::days(1),
        login_max_failures: 5,
        login_window: Span::seconds(60),
        web_dir: std::env::temp_dir(),
        max_json_bytes: 1024 * 1024,
        trust_proxy: false,
        log_json: false,
        max_attachment_bytes: 1024 * 1024,
        ingest_max_records: 10_000,
        ingest_max_bytes: 8 * 1024 * 1024,
        evidence_cap: 1_000,
        // Benchmarks run nothing on a schedule; the background loop only idles.
        scheduler_tick: Span::hours(1),
        timezone: chrono_tz::Tz::UTC,
        smtp_url: None,
        mail_from: "socdesk <socdesk@bench.example>".into(),
        public_url: "http://socdesk.bench".into(),
        mail_poll: Span::seconds(60),
        mail_retry_base: Span::seconds(15),
        playbook_lease: chrono::Duration::seconds(30),
        log_retention: None,
        metrics_token: None,
    };
    let app = Application::build(settings).await.expect("server builds");
    let db = app.db().clone();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (db, address, url)
}
