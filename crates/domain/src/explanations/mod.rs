//! Explanation requests: the review status machine and the violator's submission window.
//!
//! Both are pure: no database, no HTTP. Services read the stored explanation into
//! [`workflow::ExplanationFacts`] and [`workflow::Roles`], ask the workflow, then write the
//! outcome and the mail it calls for in one transaction.

pub(crate) mod assemble;
pub mod attachments;
pub mod bulk;
pub mod file_kinds;
pub mod list;
pub mod reminders;
pub mod service;
pub mod trend;
pub mod window;
pub mod workflow;
