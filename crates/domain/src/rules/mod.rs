//! Detection rules: conditions, the ticket writer with dedup, suppressions, batch runs and their
//! scheduler.

pub mod batch;
pub mod condition;
pub(crate) mod engine;
pub(crate) mod loaded;
pub(crate) mod open;
pub mod service;
pub mod suppressions;
pub mod template;
