//! Request and response bodies of the socdesk REST API.
//!
//! One definition of each DTO, compiled both into the server (with the `openapi` feature, which
//! derives the OpenAPI schemas) and into the wasm web app, so the two cannot drift apart.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod explanations;
pub mod export;
pub mod labels;
pub mod logs;
pub mod mail;
pub mod markdown;
pub mod notifications;
pub mod page;
mod patch;
pub mod people;
pub mod permission;
pub mod playbooks;
pub mod problem;
pub mod reputation;
pub mod rules;
pub mod settings;
pub mod tickets;
mod wire_enum;

pub use page::Page;
pub use permission::Permission;
pub use problem::{FieldError, Problem};
