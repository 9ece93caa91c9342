//! socdesk's REST API server: configuration, startup, authentication, routes and OpenAPI.

pub mod auth;
pub mod backup;
pub mod conditional;
pub mod downloads;
pub mod error;
pub mod extract;
pub mod live;
pub mod mailer;
pub mod metrics;
pub mod migrate;
pub mod notify;
pub mod openapi;
pub mod outbound;
pub mod playbook_runner;
pub mod routes;
pub mod scheduler;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod virustotal;
pub mod web;
