//! Where reputation lookups go: the VirusTotal API key (a secret: stored, never answered), the
//! base URL, the cache TTL and the per-minute quota, kept as one setting.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use socdesk_types::reputation::{ReputationSettings, ReputationSettingsPatch};

use crate::{Actor, DomainResult, error::Violations, notifications::providers::UrlCheck, services::audit};

/// Key of the reputation settings in the settings table.
pub const KEY: &str = "reputation.virustotal";
/// VirusTotal's API.
pub const DEFAULT_BASE_URL: &str = "https://www.virustotal.com/api/v3";
/// A day.
pub const DEFAULT_TTL_SECS: u64 = 86_400;
/// The free key's quota.
pub const DEFAULT_QUOTA: u32 = 4;
/// The longest TTL, 30 days.
pub const MAX_TTL_SECS: u64 = 30 * 86_400;

/// The stored settings, key included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    #[serde(default)]
    pub api_key: Option<String>,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_ttl")]
    pub cache_ttl_secs: u64,
    #[serde(default = "default_quota")]
    pub quota_per_minute: u32,
}

fn default_base_url() -> String {
    DEFAULT_BASE_URL.to_owned()
}
fn default_ttl() -> u64 {
    DEFAULT_TTL_SECS
}
fn default_quota() -> u32 {
    DEFAULT_QUOTA
}

impl Default for Stored {
    fn default() -> Self {
        Stored {
            api_key: None,
            base_url: default_base_url(),
            cache_ttl_secs: default_ttl(),
            quota_per_minute: default_quota(),
        }
    }
}

impl Stored {
    /// As answered: the key only as `key_set`.
    pub fn public(&self) -> ReputationSettings {
        ReputationSettings {
            key_set: self.api_key.as_deref().is_some_and(|k| !k.is_empty()),
            base_url: self.base_url.clone(),
            cache_ttl_secs: self.cache_ttl_secs,
            quota_per_minute: self.quota_per_minute,
        }
    }
}

/// The settings, with defaults for what was never set.
pub async fn load(db: &impl ConnectionTrait) -> DomainResult<Stored> {
    Ok(crate::services::settings::get(db, KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Changes the fields present, recording the change (never the key) in the audit log.
///
/// Fails with a validation error naming `base_url`, `cache_ttl_secs`, `quota_per_minute` or
/// `api_key`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: ReputationSettingsPatch,
    url_check: UrlCheck<'_>,
) -> DomainResult<ReputationSettings> {
    let mut v = Violations::new();
    let base_url = patch.base_url.as_deref().map(|u| u.trim().trim_end_matches('/').to_owned());
    if let Some(url) = &base_url {
        if url.len() > 2048 {
            v.push("base_url", "must be at most 2048 characters");
        } else if let Err(why) = url_check(url) {
            v.push("base_url", why);
        }
    }
    if patch.cache_ttl_secs.is_some_and(|t| t > MAX_TTL_SECS) {
        v.push("cache_ttl_secs", format!("must be between 0 and {MAX_TTL_SECS} seconds"));
    }
    if patch.quota_per_minute.is_some_and(|q| !(1..=10_000).contains(&q)) {
        v.push("quota_per_minute", "must be between 1 and 10000");
    }
    let key = patch.api_key.as_ref().map(|k| k.as_deref().map(str::trim).filter(|k| !k.is_empty()));
    if key.flatten().is_some_and(|k| k.len() > 256 || k.chars().any(|c| c.is_control() || c.is_whitespace()))
    {
        v.push("api_key", "must be one word of at most 256 characters");
    }
    v.finish()?;
    let txn = db.begin().await?;
    let mut stored = load(&txn).await?;
    if let Some(key) = key {
        stored.api_key = key.map(str::to_owned);
    }
    if let Some(url) = base_url {
        stored.base_url = url;
    }
    if let Some(ttl) = patch.cache_ttl_secs {
        stored.cache_ttl_secs = ttl;
    }
    if let Some(quota) = patch.quota_per_minute {
        stored.quota_per_minute = quota;
    }
    crate::services::settings::put(&txn, KEY, serde_json::to_value(&stored).unwrap_or_default()).await?;
    let answer = stored.public();
    audit::record(
        &txn,
        actor.into(),
        "settings.reputation.update",
        None,
        json!({
            "api_key": patch.api_key.as_ref().map(|k| if k.is_some() { "changed" } else { "removed" }),
            "base_url": answer.base_url,
            "cache_ttl_secs": answer.cache_ttl_secs,
            "quota_per_minute": answer.quota_per_minute,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(answer)
}
