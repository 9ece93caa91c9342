//! Notification providers (SMS and messenger webhooks) and ticket propagation through them.
//! The HTTP calls themselves are made by the API crate (the domain has no HTTP): this module
//! validates and stores providers, renders their JSON bodies, plans a propagation and records it.

pub mod propagation;
pub mod providers;
pub mod template;
