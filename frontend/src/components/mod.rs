//! Widgets: the shell, the shared ones, and each screen's own.

pub mod admin;
pub mod common;
pub mod explanations;
pub mod shell;
pub mod tickets;
