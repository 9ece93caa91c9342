//! The background loop that runs due batch rules. Every process runs one; the rules' claim
//! (a conditional UPDATE of `next_run_at`) makes sure each due run happens in exactly one.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use socdesk_domain::rules::batch;
use tokio::{task::JoinHandle, time::MissedTickBehavior};

/// Starts the loop; it ends when the handle is aborted.
pub fn spawn(db: DatabaseConnection, tick: chrono::Duration, evidence_cap: i64) -> JoinHandle<()> {
    let period = tick.to_std().unwrap_or(std::time::Duration::from_secs(5));
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            match batch::run_due(&db, Utc::now(), evidence_cap).await {
                Ok(runs) => {
                    for run in runs {
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
    })
}
