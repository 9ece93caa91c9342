//! socdesk's schema, as append-only migrations applied at start on SQLite and PostgreSQL.
//!
//! Never edit a migration once it has been released: add a new one.

pub use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_tickets;
mod m0003_ticket_search;
mod m0004_ticket_triage_index;
mod m0005_detection;
mod m0006_people;
mod m0007_mail;
mod m0008_explanation_categories;
mod m0009_explanations;
mod m0010_explanation_attachments;
mod m0011_ticket_list_sorts;
mod m0012_propagation;
mod m0013_playbooks;
mod m0014_change_events;
mod m0015_log_partitions;
mod m0016_audit_log_append_only;
mod util;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_tickets::Migration),
            Box::new(m0003_ticket_search::Migration),
            Box::new(m0004_ticket_triage_index::Migration),
            Box::new(m0005_detection::Migration),
            Box::new(m0006_people::Migration),
            Box::new(m0007_mail::Migration),
            Box::new(m0008_explanation_categories::Migration),
            Box::new(m0009_explanations::Migration),
            Box::new(m0010_explanation_attachments::Migration),
            Box::new(m0011_ticket_list_sorts::Migration),
            Box::new(m0012_propagation::Migration),
            Box::new(m0013_playbooks::Migration),
            Box::new(m0014_change_events::Migration),
            Box::new(m0015_log_partitions::Migration),
            Box::new(m0016_audit_log_append_only::Migration),
        ]
    }
}
