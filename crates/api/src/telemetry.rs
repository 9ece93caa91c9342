//! Structured logs through `tracing`.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber: human-readable text or JSON lines, filtered by `RUST_LOG`
/// (default `info`, with the database drivers quieter).
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    // A second init (tests) is harmless: keep whichever subscriber came first.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
