//! One page per file.

pub mod explanation_review;
pub mod explanations;
pub mod home;
pub mod login;
pub mod not_found;
pub mod settings;
pub mod tickets;
