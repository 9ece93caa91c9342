//! The `socdesk` binary.
//!
//! `socdesk` (or `socdesk serve`) runs the server; `socdesk openapi` prints the OpenAPI document;
//! `socdesk migrate [--dry-run]` applies (or lists) the pending schema migrations.

use socdesk_api::{settings::Settings, startup, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    match command.as_str() {
        "openapi" => match startup::openapi_document().to_pretty_json() {
            Ok(json) => {
                println!("{json}");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("socdesk: cannot render the OpenAPI document: {e}");
                std::process::ExitCode::FAILURE
            }
        },
        "serve" => serve().await,
        "migrate" => {
            let rest: Vec<String> = std::env::args().skip(2).collect();
            match rest.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                [] => migrate(false).await,
                ["--dry-run"] => migrate(true).await,
                _ => {
                    eprintln!("socdesk: usage: socdesk migrate [--dry-run]");
                    std::process::ExitCode::from(2)
                }
            }
        }
        other => {
            eprintln!("socdesk: unknown command '{other}'. Commands: serve (default), openapi, migrate");
            std::process::ExitCode::from(2)
        }
    }
}

async fn migrate(dry_run: bool) -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("socdesk: bad configuration: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match socdesk_api::migrate::run(&settings, dry_run).await {
        Ok(report) => {
            for name in &report.pending {
                println!("{} {name}", if report.applied { "applied" } else { "pending" });
            }
            match (report.pending.len(), report.applied) {
                (0, _) => println!("the database is up to date"),
                (n, true) => println!("{n} migration(s) applied"),
                (n, false) => println!("{n} migration(s) pending; nothing was changed (dry run)"),
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("socdesk: migrate failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("socdesk: bad configuration: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_json);
    let app = match startup::Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "socdesk could not start");
            return std::process::ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "socdesk stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}
