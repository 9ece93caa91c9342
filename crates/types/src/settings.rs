//! Global options administrators set.

use serde::{Deserialize, Serialize};

/// The global options (`GET /api/settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GlobalOptions {
    /// An assignee of a ticket may not approve or reject it (default on).
    pub separation_of_duties: bool,
}

/// Body of `PUT /api/settings`: only the options present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GlobalOptionsPatch {
    #[serde(default)]
    pub separation_of_duties: Option<bool>,
}
