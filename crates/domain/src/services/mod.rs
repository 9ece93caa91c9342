//! Services: the business rules, one module per area. Each owns its transactions.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod bootstrap;
pub mod catalog;
pub mod directory;
pub mod login_throttle;
pub mod preferences;
pub mod sessions;
pub mod settings;
