#![expect(clippy::expect_used, reason = "a test should fail loudly at the first broken step")]

//! Integration tests: the real server on a random port against a fresh database, driven over
//! HTTP. `SOCDESK_TEST_DB=postgres` runs the same suite on PostgreSQL (default: SQLite).

mod accounts;
mod api_keys;
mod auth;
mod backup_command;
mod catalog;
mod conditional_gets;
mod conventions;
mod crash;
mod detection;
mod directory;
mod events;
mod explanation_reminders;
mod explanation_table;
mod explanations;
mod exports;
mod helpers;
mod mail;
mod markdown;
mod metrics;
mod migrate_command;
mod outage;
mod people;
mod playbook_restart;
mod playbooks;
mod preferences;
mod propagation;
mod replicas;
mod reputation;
mod retention;
mod rule_explanations;
mod scorecard;
mod shutdown;
mod smtp;
mod stand_in;
mod ticket_attachments;
mod ticket_lists;
mod tickets;
mod web;
