//! Log schemas, log tables, record ingest and search.

pub mod catalog;
pub mod ingest;
pub mod query;
pub mod records;
pub mod retention;
pub mod search;
