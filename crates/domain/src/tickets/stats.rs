//! The trend chart's daily counts and the response-time metrics, over the list's filters.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Offset, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, QuerySelect, sea_query::Expr};
use socdesk_types::tickets::{
    DurationStats, StatusCounts, TicketMetrics, TicketStatus, TicketTrend, TrendDay,
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::ticket,
    tickets::list::{TicketFilter, filtered},
};

/// The longest trend period, in days.
pub const MAX_TREND_DAYS: u64 = 366;

/// The instant `day` begins in `tz`.
pub(crate) fn day_start(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(tz).earliest()).map(|t| t.with_timezone(&Utc))
}

/// The calendar days from `from` to `to` (exclusive) in `tz`; the last 30 days by default.
pub(crate) fn period(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    tz: Tz,
    now: DateTime<Utc>,
) -> DomainResult<(NaiveDate, NaiveDate)> {
    let today = now.with_timezone(&tz).date_naive();
    let last = to.map_or(today, |to| (to - chrono::Duration::nanoseconds(1)).with_timezone(&tz).date_naive());
    let first = from.map_or_else(|| last - Days::new(29), |from| from.with_timezone(&tz).date_naive());
    if first > last {
        return Err(DomainError::invalid("from", "must be before to"));
    }
    if (last - first).num_days() as u64 >= MAX_TREND_DAYS {
        return Err(DomainError::invalid(
            "from",
            format!("the period may span at most {MAX_TREND_DAYS} days"),
        ));
    }
    Ok((first, last))
}

/// Per day of the period, the tickets created that day by current status.
pub async fn trend(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TicketFilter,
    tz: Tz,
) -> DomainResult<TicketTrend> {
    let (first, last) = period(filter.from, filter.to, tz, Utc::now())?;
    let (start, end) = (day_start(first, tz), day_start(last + Days::new(1), tz));
    let mut bounded = filter.clone();
    bounded.from = start.max(filter.from);
    bounded.to = match (end, filter.to) {
        (Some(e), Some(t)) => Some(e.min(t)),
        (e, t) => e.or(t),
    };
    let mut days: BTreeMap<NaiveDate, StatusCounts> = BTreeMap::new();
    let mut day = first;
    while day <= last {
        days.insert(day, StatusCounts::default());
        day = day + Days::new(1);
    }
    let backend = db.get_database_backend();
    let mut add = |date: NaiveDate, status: &str, n: u64| {
        if let (Some(counts), Some(status)) = (days.get_mut(&date), TicketStatus::parse(status)) {
            for _ in 0..n {
                counts.add(status);
            }
        }
    };
    match local_day_sql(backend, tz, start, end) {
        // The database counts per local day: a few hundred rows come back, not every ticket.
        Some(day_sql) => {
            let rows: Vec<(String, String, i64)> = filtered(backend, actor, &bounded)
                .select_only()
                .column_as(Expr::cust(day_sql.clone()), "day")
                .column(ticket::Column::Status)
                .column_as(Expr::cust("COUNT(*)"), "n")
                .group_by(Expr::cust(day_sql))
                .group_by(ticket::Column::Status)
                .into_tuple()
                .all(db)
                .await?;
            for (date, status, n) in rows {
                if let Ok(date) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
                    add(date, &status, u64::try_from(n).unwrap_or(0));
                }
            }
        }
        // SQLite knows no time zones: a zone whose offset changes within the period is counted here.
        None => {
            let rows: Vec<(DateTime<Utc>, String)> = filtered(backend, actor, &bounded)
                .select_only()
                .column(ticket::Column::CreatedAt)
                .column(ticket::Column::Status)
                .into_tuple()
                .all(db)
                .await?;
            for (created, status) in rows {
                add(created.with_timezone(&tz).date_naive(), &status, 1);
            }
        }
    }
    Ok(TicketTrend {
        timezone: tz.name().to_owned(),
        days: days
            .into_iter()
            .map(|(date, by_status)| TrendDay {
                date: date.format("%Y-%m-%d").to_string(),
                total: by_status.total(),
                by_status,
            })
            .collect(),
    })
}

/// SQL giving a ticket's creation day in `tz` as `YYYY-MM-DD`: PostgreSQL converts with the
/// zone itself (daylight saving included); SQLite, which knows no zones, shifts by the zone's
/// offset when that offset is the same throughout the period. None: count in Rust instead.
fn local_day_sql(
    backend: sea_orm::DbBackend,
    tz: Tz,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Option<String> {
    match backend {
        // Zone names come from chrono-tz's fixed list (letters, digits, `/_+-`): safe to quote.
        sea_orm::DbBackend::Postgres => Some(format!(
            "to_char(created_at AT TIME ZONE '{}', 'YYYY-MM-DD')",
            tz.name().replace('\'', "''")
        )),
        sea_orm::DbBackend::Sqlite => {
            let (start, end) = (start?, end?);
            let offset = |at: DateTime<Utc>| at.with_timezone(&tz).offset().fix().local_minus_utc();
            let first = offset(start);
            // Offsets change at most a few times a year; a look every 12 hours finds any change.
            let mut at = start;
            while at < end {
                if offset(at) != first {
                    return None;
                }
                at += chrono::Duration::hours(12);
            }
            (offset(end) == first).then(|| format!("date(created_at, '{:+} minutes')", first / 60))
        }
        _ => None,
    }
}

/// The value below which `q` of the sorted samples fall (nearest rank).
fn percentile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn stats(mut samples: Vec<i64>) -> DurationStats {
    samples.sort_unstable();
    DurationStats {
        samples: samples.len() as u64,
        median_secs: percentile(&samples, 0.5),
        p90_secs: percentile(&samples, 0.9),
    }
}

/// Counts by status, and median / p90 time to assign and to close, over `filter`.
pub async fn metrics(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TicketFilter,
) -> DomainResult<TicketMetrics> {
    type Row = (DateTime<Utc>, String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = filtered(db.get_database_backend(), actor, filter)
        .select_only()
        .column(ticket::Column::CreatedAt)
        .column(ticket::Column::Status)
        .column(ticket::Column::FirstAssignedAt)
        .column(ticket::Column::ClosedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_status = StatusCounts::default();
    let mut to_assign = Vec::new();
    let mut to_close = Vec::new();
    for (created, status, assigned, closed) in &rows {
        if let Some(s) = TicketStatus::parse(status) {
            by_status.add(s);
        }
        if let Some(a) = assigned {
            to_assign.push((*a - *created).num_seconds());
        }
        if let Some(c) = closed {
            to_close.push((*c - *created).num_seconds());
        }
    }
    Ok(TicketMetrics {
        count: rows.len() as u64,
        by_status,
        time_to_assign: stats(to_assign),
        time_to_close: stats(to_close),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let s: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&s, 0.5), Some(5));
        assert_eq!(percentile(&s, 0.9), Some(9));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn the_default_period_is_the_last_30_days_in_the_server_zone() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T16:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let (first, last) = period(None, None, chrono_tz::Asia::Seoul, now).unwrap_or_default();
        // 16:00 UTC is already the 23rd in Seoul.
        assert_eq!(last.to_string(), "2026-11-23");
        assert_eq!(first.to_string(), "2026-10-25");
    }

    #[test]
    fn periods_must_be_ordered_and_bounded() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).ok();
        let backwards = TicketFilter {
            from: at("2026-02-01T00:00:00Z"),
            to: at("2026-01-01T00:00:00Z"),
            ..Default::default()
        };
        assert!(period(backwards.from, backwards.to, Tz::UTC, Utc::now()).is_err());
        let long = TicketFilter {
            from: at("2020-01-01T00:00:00Z"),
            to: at("2026-01-01T00:00:00Z"),
            ..Default::default()
        };
        assert!(period(long.from, long.to, Tz::UTC, Utc::now()).is_err());
    }
}
