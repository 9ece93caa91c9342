//! Reputation lookups through VirusTotal API v3: the indicators that may be looked up, the
//! settings (key, base URL, cache TTL, quota), the cache of answers and the shared per-minute
//! quota. The HTTP call itself lives in the API crate.

pub mod cache;
pub mod indicator;
pub mod quota;
pub mod settings;

pub use indicator::Indicator;
