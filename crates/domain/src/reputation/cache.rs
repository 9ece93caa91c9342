//! Answers of VirusTotal kept for reuse within the TTL (and served stale when the quota is used
//! up).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};
use serde::{Deserialize, Serialize};

use super::Indicator;
use crate::{DomainResult, entities::reputation_cache};

/// What is kept of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub malicious: u32,
    pub suspicious: u32,
    pub harmless: u32,
    pub undetected: u32,
    pub total: u32,
    pub reputation: Option<i64>,
    pub last_analysis_date: Option<DateTime<Utc>>,
}

/// A cached answer and when it was fetched.
#[derive(Debug, Clone)]
pub struct Cached {
    pub verdict: Verdict,
    pub fetched_at: DateTime<Utc>,
}

/// The cached answer for `indicator`, however old.
pub async fn get(db: &impl ConnectionTrait, indicator: &Indicator) -> DomainResult<Option<Cached>> {
    let row = reputation_cache::Entity::find_by_id(indicator.cache_key()).one(db).await?;
    Ok(row.and_then(|r| {
        serde_json::from_value(r.summary).ok().map(|verdict| Cached { verdict, fetched_at: r.fetched_at })
    }))
}

/// Keeps `verdict` as the answer for `indicator`, fetched at `at`.
pub async fn put(
    db: &impl ConnectionTrait,
    indicator: &Indicator,
    verdict: &Verdict,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    let row = reputation_cache::ActiveModel {
        key: Set(indicator.cache_key()),
        kind: Set(indicator.kind.as_str().to_owned()),
        value: Set(indicator.value.clone()),
        summary: Set(serde_json::to_value(verdict).unwrap_or_default()),
        fetched_at: Set(at),
    };
    reputation_cache::Entity::insert(row)
        .on_conflict(
            OnConflict::column(reputation_cache::Column::Key)
                .update_columns([reputation_cache::Column::Summary, reputation_cache::Column::FetchedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
