//! Reputation lookups through VirusTotal API v3: the cache first, then the shared quota, then
//! one call through the outbound guard (the base URL is typed by an administrator).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use socdesk_domain::{
    reputation::{
        Indicator,
        cache::{self, Cached, Verdict},
        quota, settings,
    },
    services::settings::allow_private_network_targets,
};
use socdesk_types::reputation::ReputationSummary;

use crate::{
    error::{ApiError, ApiResult},
    outbound::{self, Timeouts},
};

#[derive(Debug, Default, Deserialize)]
struct Stats {
    #[serde(default)]
    malicious: u32,
    #[serde(default)]
    suspicious: u32,
    #[serde(default)]
    harmless: u32,
    #[serde(default)]
    undetected: u32,
    #[serde(default)]
    timeout: u32,
}

#[derive(Debug, Default, Deserialize)]
struct Attributes {
    #[serde(default)]
    last_analysis_stats: Stats,
    #[serde(default)]
    reputation: Option<i64>,
    /// Seconds since the epoch.
    #[serde(default)]
    last_analysis_date: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(default)]
    attributes: Attributes,
}

#[derive(Debug, Deserialize)]
struct Object {
    data: Data,
}

/// Reads a v3 object answer (`{"data": {"attributes": {...}}}`).
fn verdict_of(body: &[u8]) -> Option<Verdict> {
    let object: Object = serde_json::from_slice(body).ok()?;
    let a = object.data.attributes;
    let s = a.last_analysis_stats;
    Some(Verdict {
        malicious: s.malicious,
        suspicious: s.suspicious,
        harmless: s.harmless,
        undetected: s.undetected,
        total: s.malicious + s.suspicious + s.harmless + s.undetected + s.timeout,
        reputation: a.reputation,
        last_analysis_date: a.last_analysis_date.and_then(|t| DateTime::from_timestamp(t, 0)),
    })
}

fn summary(indicator: &Indicator, c: Cached, cached: bool, stale: bool) -> ReputationSummary {
    let v = c.verdict;
    ReputationSummary {
        kind: indicator.kind,
        value: indicator.value.clone(),
        malicious: v.malicious,
        suspicious: v.suspicious,
        harmless: v.harmless,
        undetected: v.undetected,
        total: v.total,
        reputation: v.reputation,
        last_analysis_date: v.last_analysis_date,
        link: indicator.gui_link(),
        cached,
        stale,
        fetched_at: c.fetched_at,
    }
}

/// What VirusTotal says about `indicator`: from the cache within the TTL, else asked (within
/// the quota; over it, a stale cached answer or a 429).
///
/// Fails with 503 when no key is set, 404 when VirusTotal does not know the indicator, 429 over
/// the quota with nothing cached, 502 when VirusTotal cannot be reached or refuses.
pub async fn lookup(db: &DatabaseConnection, indicator: &Indicator) -> ApiResult<ReputationSummary> {
    let config = settings::load(db).await?;
    let Some(key) = config.api_key.clone().filter(|k| !k.is_empty()) else {
        return Err(ApiError::NotConfigured(
            "no VirusTotal API key is set: Settings > Reputation".to_owned(),
        ));
    };
    let cached = cache::get(db, indicator).await?;
    // Bounded at save; the bound again keeps a hand-edited setting from overflowing.
    let ttl = Duration::seconds(config.cache_ttl_secs.min(settings::MAX_TTL_SECS) as i64);
    if let Some(c) = &cached
        && Utc::now() < c.fetched_at + ttl
    {
        return Ok(summary(indicator, c.clone(), true, false));
    }
    if let Some(retry_after_secs) = quota::take(db, config.quota_per_minute).await? {
        return match cached {
            Some(c) => Ok(summary(indicator, c, true, true)),
            None => Err(ApiError::QuotaExceeded {
                retry_after_secs,
                detail: format!(
                    "the VirusTotal quota of {} lookups per minute is used up; try again in {retry_after_secs} s",
                    config.quota_per_minute
                ),
            }),
        };
    }
    let url = format!("{}{}", config.base_url.trim_end_matches('/'), indicator.api_path());
    let allow_private = allow_private_network_targets(db).await?;
    let timeouts = Timeouts::default();
    let request =
        outbound::request(reqwest::Method::GET, &url, allow_private, timeouts).await.map_err(|e| {
            ApiError::Upstream(match e {
                outbound::Prepare::Refused(refusal) => format!("VirusTotal was not called: {refusal}"),
                outbound::Prepare::Client(e) => format!("VirusTotal could not be called: {e}"),
            })
        })?;
    let answer = request
        .header("x-apikey", key)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| {
            ApiError::Upstream(if e.is_timeout() {
                format!("VirusTotal did not answer within {} s", timeouts.total.as_secs())
            } else {
                "VirusTotal could not be reached".to_owned()
            })
        })?;
    let status = answer.status();
    match status.as_u16() {
        200 => {}
        404 => {
            return Err(ApiError::Domain(socdesk_domain::DomainError::NoneFound(format!(
                "{} {} is unknown to VirusTotal",
                indicator.kind, indicator.value
            ))));
        }
        401 | 403 => return Err(ApiError::Upstream("VirusTotal refused the API key".to_owned())),
        429 => {
            return match cached {
                Some(c) => Ok(summary(indicator, c, true, true)),
                None => Err(ApiError::QuotaExceeded {
                    retry_after_secs: quota::WINDOW_SECS as u64,
                    detail: "VirusTotal says the key's quota is used up; try again later".to_owned(),
                }),
            };
        }
        other => return Err(ApiError::Upstream(format!("VirusTotal answered HTTP {other}"))),
    }
    let body = answer
        .bytes()
        .await
        .map_err(|_| ApiError::Upstream("VirusTotal's answer could not be read".to_owned()))?;
    let verdict = verdict_of(&body)
        .ok_or_else(|| ApiError::Upstream("VirusTotal's answer is not a v3 object".to_owned()))?;
    // Microseconds, as PostgreSQL keeps them: a cached answer says the same time as the first.
    let now = Utc::now().trunc_subsecs(6);
    cache::put(db, indicator, &verdict, now).await?;
    Ok(summary(indicator, Cached { verdict, fetched_at: now }, false, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v3_answer_gives_the_counts_and_dates() {
        let body = br#"{"data":{"id":"8.8.8.8","type":"ip_address","attributes":{
            "last_analysis_stats":{"malicious":2,"suspicious":1,"harmless":60,"undetected":10,"timeout":1},
            "reputation":-5,"last_analysis_date":1700000000}}}"#;
        let v = verdict_of(body).unwrap();
        assert_eq!((v.malicious, v.suspicious, v.harmless, v.undetected, v.total), (2, 1, 60, 10, 74));
        assert_eq!(v.reputation, Some(-5));
        assert_eq!(v.last_analysis_date.unwrap().to_rfc3339(), "2023-11-14T22:13:20+00:00");
        assert!(verdict_of(b"{\"error\":{}}").is_none());
    }
}
