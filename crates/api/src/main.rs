//! The `socdesk` binary.
//!
//! `socdesk` (or `socdesk serve`) runs the server; `socdesk openapi` prints the OpenAPI document;
//! `socdesk migrate [--dry-run]` applies (or lists) the pending schema migrations;
//! `socdesk backup FILE` / `socdesk restore FILE` copy the SQLite database out and back.

use std::{path::Path, process::ExitCode};

use socdesk_api::{backup, migrate, settings::Settings, startup, telemetry};

const USAGE: &str = "usage: socdesk [serve | openapi | migrate [--dry-run] | backup FILE | restore FILE]";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => serve().await,
        ["openapi"] => match startup::openapi_document().to_pretty_json() {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("cannot render the OpenAPI document: {e}")),
        },
        ["migrate"] => run_migrate(false).await,
        ["migrate", "--dry-run"] => run_migrate(true).await,
        ["backup", file] => match settings() {
            Ok(s) => match backup::backup(&s, Path::new(file)).await {
                Ok(()) => done(format!("backed up to {file}")),
                Err(e) => fail(format!("backup failed: {e}")),
            },
            Err(code) => code,
        },
        ["restore", file] => match settings() {
            Ok(s) => match backup::restore(&s, Path::new(file)).await {
                Ok(()) => done(format!("restored from {file}; start socdesk to use it")),
                Err(e) => fail(format!("restore failed: {e}")),
            },
            Err(code) => code,
        },
        _ => {
            eprintln!("socdesk: {USAGE}");
            ExitCode::from(2)
        }
    }
}

fn done(message: String) -> ExitCode {
    println!("{message}");
    ExitCode::SUCCESS
}

fn fail(message: String) -> ExitCode {
    eprintln!("socdesk: {message}");
    ExitCode::FAILURE
}

/// The settings from the environment, or the exit code of a bad configuration.
fn settings() -> Result<Settings, ExitCode> {
    Settings::from_env().map_err(|e| {
        eprintln!("socdesk: bad configuration: {e}");
        ExitCode::from(2)
    })
}

async fn run_migrate(dry_run: bool) -> ExitCode {
    let settings = match settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    match migrate::run(&settings, dry_run).await {
        Ok(report) => {
            for name in &report.pending {
                println!("{} {name}", if report.applied { "applied" } else { "pending" });
            }
            match (report.pending.len(), report.applied) {
                (0, _) => done("the database is up to date".into()),
                (n, true) => done(format!("{n} migration(s) applied")),
                (n, false) => done(format!("{n} migration(s) pending; nothing was changed (dry run)")),
            }
        }
        Err(e) => fail(format!("migrate failed: {e}")),
    }
}

async fn serve() -> ExitCode {
    let settings = match settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    telemetry::init(settings.log_json);
    let app = match startup::Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "socdesk could not start");
            return ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "socdesk stopped with an error");
            ExitCode::FAILURE
        }
    }
}
