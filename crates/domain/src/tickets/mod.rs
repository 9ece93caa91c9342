//! Tickets: the status machine (this module's `workflow`) and, later, the ticket services.

pub mod workflow;
