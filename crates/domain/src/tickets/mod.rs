//! Tickets: the status machine, site scoping, and the services that change tickets.

pub mod assemble;
pub mod attachments;
pub mod bulk;
pub mod evidence;
pub mod list;
pub mod memos;
pub mod occurrences;
pub mod ranks;
pub mod related;
pub mod scope;
pub mod service;
pub mod stats;
pub mod templates;
pub mod update;
pub mod workflow;
