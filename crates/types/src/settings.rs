//! Global options administrators set.

use serde::{Deserialize, Serialize};

use crate::mail::Language;

/// The global options (`GET /api/settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GlobalOptions {
    /// An assignee of a ticket may not approve or reject it (default on).
    pub separation_of_duties: bool,
    /// Days after its creation during which an explanation link still takes a submission even
    /// past the deadline; `null` (the default): never past the deadline.
    pub explanation_token_expiry: Option<u32>,
    /// Days before the deadline at which an unanswered violator is reminded once (default 1;
    /// 0: no reminders).
    pub explanation_reminder_days: u32,
    /// The language of mails to employees who have none set (default `en`).
    pub default_language: Language,
    /// Webhooks, notification providers and reputation services may be on loopback, private,
    /// link-local or unique-local addresses (default off: such URLs are refused).
    pub allow_private_network_targets: bool,
}

/// Body of `PUT /api/settings`: only the options present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GlobalOptionsPatch {
    // Absent fields stay absent when a client serialises a patch: `null` means "turn off".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separation_of_duties: Option<bool>,
    /// 1..=3650 days, or `null` to turn it off. Absent: unchanged.
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 1, maximum = 3650))]
    pub explanation_token_expiry: Option<Option<u32>>,
    /// 0..=365 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 365))]
    pub explanation_reminder_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_language: Option<Language>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_private_network_targets: Option<bool>,
}
