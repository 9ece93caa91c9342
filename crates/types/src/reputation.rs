//! Reputation lookups (VirusTotal API v3) and their settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire_enum;

wire_enum! {
    /// What is looked up.
    pub enum IndicatorKind {
        /// An IPv4 or IPv6 address.
        Ip = "ip",
        /// A domain name.
        Domain = "domain",
        /// An http(s) URL.
        Url = "url",
        /// A file hash: MD5, SHA-1 or SHA-256 in hex.
        File = "file",
    }
}

/// What VirusTotal says about an indicator (`GET /api/reputation/{kind}/{value}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReputationSummary {
    pub kind: IndicatorKind,
    /// The value looked up (normalised: lower-case hashes and domains).
    pub value: String,
    /// Engines that flagged it as malicious.
    pub malicious: u32,
    pub suspicious: u32,
    pub harmless: u32,
    pub undetected: u32,
    /// Every engine's verdict counted (including timeouts).
    pub total: u32,
    /// VirusTotal's community reputation score.
    pub reputation: Option<i64>,
    pub last_analysis_date: Option<DateTime<Utc>>,
    /// The indicator's page in the VirusTotal web interface.
    pub link: String,
    /// Answered from the cache, without calling VirusTotal.
    pub cached: bool,
    /// The cached answer is older than the TTL (served because the quota is used up).
    pub stale: bool,
    /// When VirusTotal was asked.
    pub fetched_at: DateTime<Utc>,
}

/// The reputation settings (`GET /api/settings/reputation`). The API key is never answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReputationSettings {
    /// Whether a VirusTotal API key is stored.
    pub key_set: bool,
    /// Default `https://www.virustotal.com/api/v3`.
    pub base_url: String,
    /// How long an answer is reused, in seconds (default 86,400).
    pub cache_ttl_secs: u64,
    /// Calls of VirusTotal allowed per minute, shared by every server process (default 4, the
    /// free key's quota).
    pub quota_per_minute: u32,
}

/// Body of `PUT /api/settings/reputation`: only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReputationSettingsPatch {
    /// The VirusTotal API key; `null` or `""` removes it.
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub api_key: Option<Option<String>>,
    /// An http(s) URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// 0..=2,592,000 seconds (30 days); 0 asks VirusTotal every time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2592000))]
    pub cache_ttl_secs: Option<u64>,
    /// 1..=10,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub quota_per_minute: Option<u32>,
}
