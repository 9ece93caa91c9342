//! The explanation trend above the list: per request day of the filtered period, how many
//! requests are in each status, or have each result.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, QuerySelect};
use socdesk_types::explanations::{
    ExplanationResult, ExplanationStatus, ExplanationTrend, ExplanationTrendDay, TrendView,
};

use crate::{
    Actor, DomainResult,
    entities::explanation,
    explanations::list::{ExplanationFilter, filtered},
    tickets::stats::{day_start, period},
};

/// The keys a view counts, in display order.
fn keys(view: TrendView) -> Vec<&'static str> {
    match view {
        TrendView::Status => ExplanationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        TrendView::Result => {
            let mut k: Vec<&str> = ExplanationResult::ALL.iter().map(|r| r.as_str()).collect();
            k.push("none");
            k
        }
    }
}

/// The trend of the explanations `actor` may read that match `filter`.
pub async fn trend(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ExplanationFilter,
    view: TrendView,
    tz: Tz,
) -> DomainResult<ExplanationTrend> {
    let now = Utc::now();
    let (first, last) = period(filter.from, filter.to, tz, now)?;
    let mut bounded = filter.clone();
    bounded.from = day_start(first, tz).max(filter.from);
    bounded.to = match (day_start(last + Days::new(1), tz), filter.to) {
        (Some(e), Some(t)) => Some(e.min(t)),
        (e, t) => e.or(t),
    };
    let rows: Vec<(DateTime<Utc>, String, Option<String>)> = filtered(actor, &bounded, now)
        .select_only()
        .column(explanation::Column::CreatedAt)
        .column(explanation::Column::Status)
        .column(explanation::Column::Result)
        .into_tuple()
        .all(db)
        .await?;
    let zero: BTreeMap<String, u64> = keys(view).into_iter().map(|k| (k.to_owned(), 0)).collect();
    let mut days: BTreeMap<NaiveDate, BTreeMap<String, u64>> = BTreeMap::new();
    let mut day = first;
    while day <= last {
        days.insert(day, zero.clone());
        day = day + Days::new(1);
    }
    for (created, status, result) in rows {
        let key = match view {
            TrendView::Status => status,
            TrendView::Result => result.unwrap_or_else(|| "none".to_owned()),
        };
        if let Some(counts) = days.get_mut(&created.with_timezone(&tz).date_naive())
            && let Some(n) = counts.get_mut(&key)
        {
            *n += 1;
        }
    }
    Ok(ExplanationTrend {
        view,
        timezone: tz.name().to_owned(),
        days: days
            .into_iter()
            .map(|(date, counts)| ExplanationTrendDay {
                date: date.format("%Y-%m-%d").to_string(),
                total: counts.values().sum(),
                counts,
            })
            .collect(),
    })
}
