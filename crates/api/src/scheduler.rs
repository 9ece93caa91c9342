//! The background loop of timed duties: due batch rules, then explanation reminders and overdue
//! notices, and every ten minutes log retention. Every process runs one; each duty claims its
//! work with a conditional UPDATE (a rule's `next_run_at`, an explanation's `reminded_at` /
//! `overdue_notified_at`), so each due run or notice happens in exactly one process; retention
//! is safe to run in several at once (see `socdesk_domain::logs::retention`).

use chrono::Utc;
use sea_orm::DatabaseConnection;
use socdesk_domain::{
    explanations::{reminders, service::Links},
    logs::retention,
    rules::{Filing, batch},
};
use tokio::{task::JoinHandle, time::MissedTickBehavior};

/// What the loop needs besides the database.
#[derive(Debug, Clone)]
pub struct Duties {
    /// How often it wakes.
    pub tick: chrono::Duration,
    /// Evidence cap and mail links of batch rules; its links also serve reminders.
    pub filing: Filing,
    /// `SOCDESK_LOG_RETENTION_DAYS`, if set.
    pub log_retention: Option<chrono::Duration>,
    /// Counts batch rule matches.
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
}

/// Starts the loop; it ends when the handle is aborted.
pub fn spawn(db: DatabaseConnection, duties: Duties) -> JoinHandle<()> {
    let period = duties.tick.to_std().unwrap_or(std::time::Duration::from_secs(5));
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut last_sweep: Option<tokio::time::Instant> = None;
        loop {
            interval.tick().await;
            run_rules(&db, &duties.filing, &duties.metrics).await;
            run_reminders(&db, &duties.filing.links).await;
            if last_sweep.is_none_or(|at| at.elapsed() >= SWEEP_EVERY) {
                last_sweep = Some(tokio::time::Instant::now());
                run_retention(&db, duties.log_retention).await;
            }
        }
    })
}

async fn run_rules(db: &DatabaseConnection, filing: &Filing, metrics: &crate::metrics::Metrics) {
    match batch::run_due(db, Utc::now(), filing).await {
        Ok(runs) => {
            for run in runs {
                metrics.batch_matched(u64::try_from(run.matched_records).unwrap_or(0));
                tracing::info!(
                    rule_id = run.rule_id,
                    matched = run.matched_records,
                    groups = run.groups,
                    created = run.created_ticket_ids.len(),
                    updated = run.updated_ticket_ids.len(),
                    "batch rule ran"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "batch rule scheduler failed; retrying next tick"),
    }
}

/// How often log retention runs (and PostgreSQL's next month partition is made ready).
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

async fn run_retention(db: &DatabaseConnection, keep: Option<chrono::Duration>) {
    let now = Utc::now();
    let result = match keep {
        Some(keep) => retention::sweep(db, keep, now).await,
        None => retention::ensure_partitions(db, [now, now + chrono::Duration::days(32)].into_iter())
            .await
            .map(|()| retention::Swept::default()),
    };
    match result {
        Ok(swept) if swept.records > 0 => {
            tracing::info!(records = swept.records, partitions = swept.partitions, "old log records removed")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "log retention failed; retrying later"),
    }
}

async fn run_reminders(db: &DatabaseConnection, links: &Links) {
    match reminders::run_due(db, links, Utc::now()).await {
        Ok(sweep) => {
            if !sweep.reminded.is_empty() || !sweep.overdue.is_empty() {
                tracing::info!(
                    reminded = ?sweep.reminded,
                    overdue = ?sweep.overdue,
                    "explanation reminders and overdue notices queued"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "explanation reminders failed; retrying next tick"),
    }
}
