//! The `socdesk` binary.
//!
//! `socdesk` (or `socdesk serve`) runs the server; `socdesk openapi` prints the OpenAPI document.

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
        other => {
            eprintln!("socdesk: unknown command '{other}'. Commands: serve (default), openapi");
            std::process::ExitCode::from(2)
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
