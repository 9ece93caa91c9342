//! Mail: templates administrators edit, and the outbox every mail goes through.

pub mod outbox;
pub mod templates;
