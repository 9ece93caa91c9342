//! The background runner of playbook tasks. Every server process runs one: it wakes when a run
//! starts here (or every second, for runs started elsewhere), fails the tasks a dead process
//! left `running` once their lease ran out, claims pending tasks with a conditional UPDATE and
//! works each run's steps in order, renewing its lease while a step works. Database steps commit
//! their change together with their task's `done`; a webhook is called through `outbound` (the
//! address checked at call time against `allow_private_network_targets`).

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{Duration, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use socdesk_domain::{
    Actor,
    explanations::service::Links,
    playbooks::{
        runs::{self, Claimed},
        steps,
        template::BodyTemplate,
    },
    services::settings,
};
use socdesk_types::playbooks::{CallWebhookParams, PlaybookStep};
use tokio::{
    sync::{Notify, Semaphore},
    task::JoinHandle,
};

use crate::outbound::{self, Timeouts};

/// Runs worked on at once by one process.
const PARALLEL_RUNS: usize = 4;
/// How much of a webhook's answer is kept in the task's output.
const ANSWER_EXCERPT: usize = 500;

/// What the runner needs besides the database.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// `SOCDESK_PLAYBOOK_LEASE`: how long a claimed task is held without a renewal.
    pub lease: Duration,
    /// How often it looks for work started by other processes.
    pub poll: StdDuration,
    /// For `{{ticket.url}}` and explanation links.
    pub links: Links,
    pub timeouts: Timeouts,
}

/// Starts the runner; `wake` makes it look for work at once. It ends when the handle is aborted.
pub fn spawn(db: DatabaseConnection, config: RunnerConfig, wake: Arc<Notify>) -> JoinHandle<()> {
    let mut bytes = [0u8; 6];
    rand::fill(&mut bytes[..]);
    let worker: String =
        format!("{}-{}", std::process::id(), bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    tokio::spawn(async move {
        let slots = Arc::new(Semaphore::new(PARALLEL_RUNS));
        loop {
            tokio::select! {
                _ = tokio::time::sleep(config.poll) => {}
                _ = wake.notified() => {}
            }
            match runs::fail_interrupted(&db, Utc::now()).await {
                Ok(ids) if !ids.is_empty() => {
                    tracing::warn!(task_ids = ?ids, "playbook tasks interrupted by a server restart marked failed")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "looking for interrupted playbook tasks failed"),
            }
            loop {
                let Ok(permit) = slots.clone().try_acquire_owned() else { break };
                match runs::claim_next(&db, &worker, config.lease, None, Utc::now()).await {
                    Ok(Some(claimed)) => {
                        let (db, config, worker) = (db.clone(), config.clone(), worker.clone());
                        tokio::spawn(async move {
                            drive(&db, &config, &worker, claimed).await;
                            drop(permit);
                        });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming a playbook task failed; retrying");
                        break;
                    }
                }
            }
        }
    })
}

/// Works one run from the claimed task to its end (or until another process holds its next task).
async fn drive(db: &DatabaseConnection, config: &RunnerConfig, worker: &str, mut claimed: Claimed) {
    loop {
        let run_id = claimed.run.id;
        execute(db, config, worker, claimed).await;
        match runs::claim_next(db, worker, config.lease, Some(run_id), Utc::now()).await {
            Ok(Some(next)) => claimed = next,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(run_id, error = %e, "claiming the next playbook task failed; the runner will retry");
                return;
            }
        }
    }
}

/// Runs one claimed task with its lease renewed meanwhile, and records a failure.
async fn execute(db: &DatabaseConnection, config: &RunnerConfig, worker: &str, claimed: Claimed) {
    let task_id = claimed.task.id;
    let heartbeat = {
        let (db, worker, lease) = (db.clone(), worker.to_owned(), config.lease);
        let every =
            (lease / 3).to_std().unwrap_or(StdDuration::from_secs(1)).max(StdDuration::from_millis(100));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match runs::renew(&db, task_id, &worker, lease, Utc::now()).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => tracing::warn!(task_id, error = %e, "renewing a playbook task's lease failed"),
                }
            }
        })
    };
    let outcome = run_step(db, config, worker, &claimed).await;
    heartbeat.abort();
    if let Err(reason) = outcome {
        tracing::info!(task_id, run_id = claimed.run.id, %reason, "playbook step failed");
        if let Err(e) = runs::fail(db, task_id, Some(worker), &reason, Utc::now()).await {
            tracing::warn!(task_id, error = %e, "recording a failed playbook step failed");
        }
    }
}

/// Runs the step; `Err` is the reason it failed, for the task's output.
async fn run_step(
    db: &DatabaseConnection,
    config: &RunnerConfig,
    worker: &str,
    c: &Claimed,
) -> Result<(), String> {
    let actor = runs::actor_of(db, &c.run).await.map_err(|e| steps::reason(&e))?;
    match &c.step {
        PlaybookStep::CallWebhook(p) => {
            let output = call_webhook(db, config, &actor, c, p).await?;
            let txn = db.begin().await.map_err(|e| steps::reason(&e.into()))?;
            runs::complete(&txn, &c.task, worker, &output, Utc::now())
                .await
                .map_err(|e| steps::reason(&e))?;
            txn.commit().await.map_err(|e| steps::reason(&e.into()))?;
            Ok(())
        }
        step => {
            let txn = db.begin().await.map_err(|e| steps::reason(&e.into()))?;
            let output =
                steps::apply(&txn, &actor, c.run.ticket_id, step, &c.run.playbook_name, &config.links)
                    .await
                    .map_err(|e| steps::reason(&e))?;
            if runs::complete(&txn, &c.task, worker, &output, Utc::now())
                .await
                .map_err(|e| steps::reason(&e))?
            {
                txn.commit().await.map_err(|e| steps::reason(&e.into()))?;
            } else {
                // Failed as interrupted meanwhile: its change is dropped with the transaction.
                tracing::warn!(
                    task_id = c.task.id,
                    "a playbook task was taken from this process; its change is undone"
                );
            }
            Ok(())
        }
    }
}

/// POSTs the rendered body; answers the output of a 2xx, else why it failed.
async fn call_webhook(
    db: &DatabaseConnection,
    config: &RunnerConfig,
    actor: &Actor,
    c: &Claimed,
    p: &CallWebhookParams,
) -> Result<String, String> {
    let values =
        runs::webhook_values(db, actor, &c.run, &config.links).await.map_err(|e| steps::reason(&e))?;
    let body =
        BodyTemplate::parse(&p.body_template).map_err(|e| format!("the body template: {e}"))?.render(&values);
    let allow_private = settings::allow_private_network_targets(db).await.map_err(|e| steps::reason(&e))?;
    let request = outbound::request(reqwest::Method::POST, &p.url, allow_private, config.timeouts)
        .await
        .map_err(|e| match e {
            outbound::Prepare::Refused(r) => format!("the webhook was not called: {r}"),
            outbound::Prepare::Client(e) => format!("the webhook client could not be built: {e}"),
        })?;
    let mut request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
    for (name, value) in &p.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut answer = request.send().await.map_err(|e| {
        if e.is_timeout() {
            "the webhook did not answer in time".to_owned()
        } else {
            format!("the webhook could not be reached: {e}")
        }
    })?;
    let status = answer.status();
    let mut excerpt = Vec::new();
    while excerpt.len() < ANSWER_EXCERPT * 4 {
        match answer.chunk().await {
            Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    let text: String = String::from_utf8_lossy(&excerpt).chars().take(ANSWER_EXCERPT).collect();
    if status.is_success() {
        Ok(format!(
            "HTTP {}{}",
            status.as_u16(),
            if text.is_empty() { String::new() } else { format!(": {text}") }
        ))
    } else {
        Err(format!(
            "the webhook answered HTTP {}{}",
            status.as_u16(),
            if text.is_empty() { String::new() } else { format!(": {text}") }
        ))
    }
}
