//! Building and running the server: `Application::build(settings)` gives something tests start
//! on port 0 against a fresh database, and `main` runs.

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_web::{App, HttpResponse, HttpServer, dev::Server, middleware, web};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use socdesk_domain::services::{bootstrap, settings as global_settings};
use socdesk_migrations::{Migrator, MigratorTrait};
use tracing_actix_web::TracingLogger;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::jwt::JwtKeys,
    extract::{JsonLimit, path_config},
    openapi::{ApiDoc, Conventions},
    routes,
    settings::Settings,
    web as webapp,
};

/// What every handler can reach.
pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    pub settings: Arc<Settings>,
    /// Documented paths and methods, for 405 answers.
    pub routes: webapp::RouteTable,
    /// Wakes this process's playbook runner when a run starts.
    pub playbook_wake: Arc<tokio::sync::Notify>,
    /// Live updates for `/api/events`.
    pub live: crate::live::Hub,
    /// What `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot prepare the database: {0}")]
    Domain(#[from] socdesk_domain::DomainError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    #[error("bad mail configuration: {0}")]
    Mail(String),
}

/// Opens the database named by the settings and applies every pending migration.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, StartupError> {
    let db = open(settings).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Opens the database named by the settings, creating the SQLite file's folder if needed.
pub async fn open(settings: &Settings) -> Result<DatabaseConnection, StartupError> {
    let url = &settings.database_url;
    let mut options = ConnectOptions::new(url.clone());
    let acquire = settings.db_acquire_timeout.to_std().unwrap_or(Duration::from_secs(5));
    options.sqlx_logging(false).acquire_timeout(acquire).connect_timeout(acquire);
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_dir(url) {
            std::fs::create_dir_all(dir)?;
        }
        // One connection: SQLite has one writer, and a pool of several turns concurrent
        // read-then-write transactions into SQLITE_BUSY errors instead of waiting.
        options.max_connections(settings.db_max_connections.max(1));
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        options.max_connections(if settings.db_max_connections == 0 {
            16
        } else {
            settings.db_max_connections
        });
    }
    Ok(Database::connect(options).await?)
}

/// The file a `sqlite://path/file.db?...` URL names (none for `sqlite::memory:` or another
/// database).
pub fn sqlite_file(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//").split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// The folder of a `sqlite://path/file.db?...` URL, if it names a file in one.
fn sqlite_dir(url: &str) -> Option<std::path::PathBuf> {
    std::path::Path::new(sqlite_file(url)?)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
}

/// The OpenAPI document of every registered route, with the shared conventions applied.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(scope("/api").configure(routes::configure))
        .configure(routes::health::configure)
        .configure(routes::metrics::configure)
        .split_for_parts();
    Conventions.modify(&mut doc);
    doc
}

/// A built server, listening, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    scheduler: tokio::task::JoinHandle<()>,
    mailer: Option<tokio::task::JoinHandle<()>>,
    runner: tokio::task::JoinHandle<()>,
    live: crate::live::Hub,
    listener: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Connects, migrates, creates the first admin if needed and binds the listener.
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        let db = connect(&settings).await?;
        match bootstrap::ensure_admin(&db, settings.admin_password.as_ref().map(|s| s.expose())).await? {
            bootstrap::Bootstrap::CreatedWithGeneratedPassword(password) => tracing::warn!(
                login = bootstrap::INITIAL_ADMIN_LOGIN,
                "first start: created account 'admin' with password '{password}' (shown once; change it after signing in)"
            ),
            bootstrap::Bootstrap::CreatedWithConfiguredPassword => {
                tracing::info!(
                    "first start: created account 'admin' with the password from SOCDESK_ADMIN_PASSWORD"
                )
            }
            bootstrap::Bootstrap::AlreadySetUp => {}
        }
        let secret = match &settings.jwt_secret {
            Some(s) => s.expose().to_owned(),
            None => global_settings::get_or_create_secret(&db, global_settings::JWT_SECRET_KEY).await?,
        };
        let jwt = JwtKeys::new(secret.as_bytes(), settings.access_token_ttl);
        let listener = TcpListener::bind(settings.bind)?;
        let addr = listener.local_addr()?;
        let doc = openapi_document();
        let routes = webapp::RouteTable::from_openapi(&doc);
        // Serialised once: every worker serves these bytes instead of holding the document.
        let doc_json = web::Bytes::from(
            serde_json::to_vec(&doc)
                .map_err(|e| StartupError::Io(std::io::Error::other(format!("OpenAPI document: {e}"))))?,
        );
        drop(doc);
        let playbook_wake = Arc::new(tokio::sync::Notify::new());
        let live = crate::live::Hub::new();
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let change_listener = crate::live::spawn(db.clone(), live.clone());
        let state = web::Data::new(AppState {
            db: db.clone(),
            jwt,
            settings: Arc::new(settings),
            routes,
            playbook_wake: playbook_wake.clone(),
            live: live.clone(),
            metrics: metrics.clone(),
        });
        let json_limit = state.settings.max_json_bytes;
        let mailer =
            crate::mailer::spawn(db.clone(), &state.settings, metrics.clone()).map_err(StartupError::Mail)?;
        let scheduler = crate::scheduler::spawn(
            db.clone(),
            crate::scheduler::Duties {
                tick: state.settings.scheduler_tick,
                filing: state.settings.filing(),
                log_retention: state.settings.log_retention,
                metrics,
            },
        );
        let runner = crate::playbook_runner::spawn(
            db.clone(),
            crate::playbook_runner::RunnerConfig {
                lease: state.settings.playbook_lease,
                poll: Duration::from_secs(1),
                links: state.settings.links(),
                timeouts: crate::outbound::Timeouts::default(),
            },
            playbook_wake,
        );
        let server = HttpServer::new(move || {
            // The docs go first: the `/api` scope would otherwise claim their paths.
            let doc_json = doc_json.clone();
            let (app, _) = App::new()
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::new(["/api/openapi.json"])),
                )
                .route(
                    "/api/openapi.json",
                    web::get().to(move || {
                        let body = doc_json.clone();
                        async move { HttpResponse::Ok().content_type("application/json").body(body) }
                    }),
                )
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(JsonLimit(json_limit))
                .app_data(path_config())
                .service(scope("/api").configure(routes::configure))
                .configure(routes::health::configure)
                .configure(routes::metrics::configure)
                .split_for_parts();
            app.default_service(web::to(webapp::fallback))
                .wrap(middleware::from_fn(crate::conditional::get))
                // gzip / brotli / zstd for whoever asks; the web app's files come precompressed
                // and are left alone (they carry their Content-Encoding already).
                .wrap(actix_web::middleware::Compress::default())
                .wrap(security_headers())
                .wrap(middleware::from_fn(crate::metrics::record))
                .wrap(TracingLogger::default())
        })
        .listen(listener)?
        .shutdown_timeout(30)
        // Stopping is ours (`run_until_stopped`): event streams must end first, or the server
        // would wait the whole shutdown timeout for them.
        .disable_signals()
        .run();
        tracing::info!("socdesk listening on http://{addr}");
        Ok(Application {
            port: addr.port(),
            server,
            db,
            scheduler,
            mailer,
            runner,
            live,
            listener: change_listener,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database connection (tests arrange data through it).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM): then it ends the event
    /// streams, stops accepting connections and finishes the requests in flight (up to 30 s)
    /// before the background duties stop. A mail being sent is either recorded as sent or
    /// left leased, and another process (or this one, restarted) sends it after the lease.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let live = self.live.clone();
        let stopper = tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping: finishing the requests in flight");
            live.close();
            handle.stop(true).await;
        });
        let result = self.server.await;
        stopper.abort();
        self.listener.abort();
        self.scheduler.abort();
        self.runner.abort();
        if let Some(mailer) = self.mailer {
            mailer.abort();
        }
        result
    }
}

/// SIGINT or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Headers on every answer: no MIME sniffing, no framing, no referrer leaks, and a CSP that lets
/// the page run only its own scripts (and compile its own wasm).
fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
             form-action 'self'",
        ))
}

#[cfg(test)]
mod tests {
    use super::{sqlite_dir, sqlite_file};

    #[test]
    fn sqlite_urls_name_their_folder() {
        assert_eq!(sqlite_dir("sqlite://./data/socdesk.db?mode=rwc"), Some("./data".into()));
        assert_eq!(sqlite_dir("sqlite:///tmp/x/s.db"), Some("/tmp/x".into()));
        assert_eq!(sqlite_dir("sqlite::memory:"), None);
        assert_eq!(sqlite_dir("sqlite://s.db"), None);
        assert_eq!(sqlite_file("sqlite://./data/socdesk.db?mode=rwc"), Some("./data/socdesk.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x@h/db"), None);
    }
}
