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

use crate::explanations::service::Links;

/// What filing matches into tickets needs besides the database.
#[derive(Debug, Clone)]
pub struct Filing {
    /// Evidence records kept on one ticket.
    pub evidence_cap: i64,
    /// Where links in the mail of explanations that rules ask for point.
    pub links: Links,
}
