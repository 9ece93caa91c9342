//! socdesk's domain: entities, value types and the services that hold the business rules.
//!
//! Nothing here knows about HTTP. Services take a connection (`&impl ConnectionTrait` or the
//! `DatabaseConnection` when they own a transaction) and return [`DomainError`].

pub mod actor;
pub mod changes;
pub mod entities;
pub mod error;
pub mod explanations;
pub mod export;
pub mod logs;
pub mod mail;
pub mod markdown;
pub mod notifications;
pub mod pagination;
pub mod people;
pub mod playbooks;
pub mod reputation;
pub mod rules;
pub mod secrets;
pub mod services;
pub mod tickets;
pub mod values;

pub use actor::Actor;
pub use error::{DomainError, DomainResult};
pub use socdesk_types::Permission;
