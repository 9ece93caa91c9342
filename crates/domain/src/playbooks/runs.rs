//! Runs and their tasks: starting a playbook on tickets, what the Tasks tab shows, and what the
//! background runner needs — claiming the next task with a conditional UPDATE (so two processes
//! never run the same task), holding it with a lease renewed while it works, finishing it, and
//! failing the tasks a dead process left `running` once their lease ran out (never repeating
//! them: a webhook may already have been called).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait, sea_query::Expr,
};
use socdesk_types::{
    auth::AuthMethod,
    playbooks::{
        PlaybookRun, PlaybookStep, PlaybookTask, RunItemResult, RunPlaybook, RunStarted, RunStatus, StepKind,
        TaskStatus,
    },
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{playbook, playbook_run, playbook_task, site, ticket},
    error::Violations,
    explanations::service::Links,
    playbooks::service::steps_of,
    services::accounts,
    tickets::{scope::visible_tickets, service::history},
};

/// The most tickets one run request may name.
pub const MAX_TICKETS: usize = 1000;

/// The output of a task whose process died while it ran.
pub const INTERRUPTED: &str =
    "interrupted by a server restart: the step may or may not have taken effect, and it was not repeated";

/// Starts `playbook_id` on each ticket of `req` the actor may see: a run per ticket with a
/// pending task per step, all in one transaction. A ticket the actor cannot see is reported as
/// not found, per id. Fails with `NotFound` (no such playbook), `Conflict` (disabled) or
/// `Validation` (no ids, or too many).
pub async fn start(
    db: &DatabaseConnection,
    actor: &Actor,
    playbook_id: i64,
    req: RunPlaybook,
) -> DomainResult<RunStarted> {
    let mut v = Violations::new();
    if req.ticket_ids.is_empty() || req.ticket_ids.len() > MAX_TICKETS {
        v.push("ticket_ids", format!("must hold 1 to {MAX_TICKETS} ticket ids"));
    }
    v.finish()?;
    let txn = db.begin().await?;
    let book = playbook::Entity::find_by_id(playbook_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("playbook"))?;
    if !book.enabled {
        return Err(DomainError::Conflict(format!("the playbook '{}' is disabled", book.name)));
    }
    let steps = steps_of(&book)?;
    let now = Utc::now();
    let mut seen = BTreeSet::new();
    let mut results = Vec::with_capacity(req.ticket_ids.len());
    for &id in &req.ticket_ids {
        if !seen.insert(id) {
            continue;
        }
        if visible_tickets(actor).filter(ticket::Column::Id.eq(id)).one(&txn).await?.is_none() {
            results.push(RunItemResult {
                ticket_id: id,
                ok: false,
                run_id: None,
                error_status: Some(404),
                error: Some("ticket not found".into()),
            });
            continue;
        }
        let run = playbook_run::ActiveModel {
            playbook_id: Set(Some(book.id)),
            playbook_name: Set(book.name.clone()),
            ticket_id: Set(id),
            started_by_id: Set(Some(actor.account_id)),
            started_by: Set(actor.login.clone()),
            status: Set(RunStatus::Pending.as_str().to_owned()),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let tasks: Vec<playbook_task::ActiveModel> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| playbook_task::ActiveModel {
                run_id: Set(run.id),
                ticket_id: Set(id),
                position: Set(i as i32),
                kind: Set(step.kind().as_str().to_owned()),
                params: Set(serde_json::json!(step)),
                status: Set(TaskStatus::Pending.as_str().to_owned()),
                output: Set(None),
                started_at: Set(None),
                finished_at: Set(None),
                lease_until: Set(None),
                claimed_by: Set(None),
                ..Default::default()
            })
            .collect();
        playbook_task::Entity::insert_many(tasks).exec_without_returning(&txn).await?;
        history(
            &txn,
            id,
            now,
            actor,
            "playbook",
            None,
            Some(book.name.clone()),
            Some(format!("run #{}", run.id).as_str()),
        )
        .await?;
        results.push(RunItemResult {
            ticket_id: id,
            ok: true,
            run_id: Some(run.id),
            error_status: None,
            error: None,
        });
    }
    txn.commit().await?;
    let succeeded = results.iter().filter(|r| r.ok).count() as u32;
    Ok(RunStarted { succeeded, failed: results.len() as u32 - succeeded, results })
}

fn stored<T>(what: &str, raw: &str, parse: impl Fn(&str) -> Option<T>) -> DomainResult<T> {
    parse(raw).ok_or_else(|| DomainError::Internal(format!("stored {what} '{raw}'")))
}

fn task_dto(t: playbook_task::Model) -> DomainResult<PlaybookTask> {
    Ok(PlaybookTask {
        id: t.id,
        position: t.position,
        kind: stored("step kind", &t.kind, StepKind::parse)?,
        status: stored("task status", &t.status, TaskStatus::parse)?,
        output: t.output,
        started_at: t.started_at,
        finished_at: t.finished_at,
    })
}

/// The runs of a ticket the actor may see, newest first, each with its tasks in step order.
pub async fn of_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
) -> DomainResult<Vec<PlaybookRun>> {
    visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let runs = playbook_run::Entity::find()
        .filter(playbook_run::Column::TicketId.eq(ticket_id))
        .order_by_desc(playbook_run::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = runs.iter().map(|r| r.id).collect();
    let mut tasks: BTreeMap<i64, Vec<PlaybookTask>> = BTreeMap::new();
    for t in playbook_task::Entity::find()
        .filter(playbook_task::Column::RunId.is_in(ids))
        .order_by_asc(playbook_task::Column::RunId)
        .order_by_asc(playbook_task::Column::Position)
        .all(db)
        .await?
    {
        tasks.entry(t.run_id).or_default().push(task_dto(t)?);
    }
    runs.into_iter()
        .map(|r| {
            Ok(PlaybookRun {
                status: stored("run status", &r.status, RunStatus::parse)?,
                tasks: tasks.remove(&r.id).unwrap_or_default(),
                id: r.id,
                playbook_id: r.playbook_id,
                playbook_name: r.playbook_name,
                ticket_id: r.ticket_id,
                started_by_id: r.started_by_id,
                started_by: r.started_by,
                created_at: r.created_at,
                finished_at: r.finished_at,
            })
        })
        .collect()
}

/// Why `ticket_id` may not be submitted for approval yet: the tasks of its latest run (of any
/// playbook) that are not done, described; `None` when there is no run or all are done.
pub async fn unfinished_tasks(db: &impl ConnectionTrait, ticket_id: i64) -> DomainResult<Option<String>> {
    let Some(run) = playbook_run::Entity::find()
        .filter(playbook_run::Column::TicketId.eq(ticket_id))
        .order_by_desc(playbook_run::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let open: Vec<String> = playbook_task::Entity::find()
        .filter(playbook_task::Column::RunId.eq(run.id))
        .filter(playbook_task::Column::Status.ne(TaskStatus::Done.as_str()))
        .order_by_asc(playbook_task::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| format!("step {} ({}) is {}", t.position + 1, t.kind, t.status))
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "the tasks of playbook run #{} (\"{}\") are not all done: {}; run the playbook again or finish them first",
        run.id,
        run.playbook_name,
        open.join(", ")
    )))
}

/// A task a runner has claimed, with what it needs to run it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub task: playbook_task::Model,
    pub run: playbook_run::Model,
    pub step: PlaybookStep,
}

/// Claims the next task to run — a pending task whose earlier tasks are all done — for
/// `worker`, holding it until `now + lease`; only within `run_id` when given. `None` when there
/// is nothing to do (or another process took every candidate first).
pub async fn claim_next(
    db: &DatabaseConnection,
    worker: &str,
    lease: Duration,
    run_id: Option<i64>,
    now: DateTime<Utc>,
) -> DomainResult<Option<Claimed>> {
    let mut candidates = playbook_task::Entity::find()
        .filter(playbook_task::Column::Status.eq(TaskStatus::Pending.as_str()))
        .filter(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM playbook_tasks e WHERE e.run_id = playbook_tasks.run_id \
             AND e.position < playbook_tasks.position AND e.status <> 'done')",
        ))
        .order_by_asc(playbook_task::Column::Id)
        .limit(20);
    if let Some(run_id) = run_id {
        candidates = candidates.filter(playbook_task::Column::RunId.eq(run_id));
    }
    for task in candidates.all(db).await? {
        let txn = db.begin().await?;
        let claimed = playbook_task::Entity::update_many()
            .col_expr(playbook_task::Column::Status, Expr::value(TaskStatus::Running.as_str()))
            .col_expr(playbook_task::Column::ClaimedBy, Expr::value(worker))
            .col_expr(playbook_task::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(playbook_task::Column::StartedAt, Expr::value(now))
            .filter(playbook_task::Column::Id.eq(task.id))
            .filter(playbook_task::Column::Status.eq(TaskStatus::Pending.as_str()))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        playbook_run::Entity::update_many()
            .col_expr(playbook_run::Column::Status, Expr::value(RunStatus::Running.as_str()))
            .filter(playbook_run::Column::Id.eq(task.run_id))
            .filter(playbook_run::Column::Status.eq(RunStatus::Pending.as_str()))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        let run = playbook_run::Entity::find_by_id(task.run_id)
            .one(db)
            .await?
            .ok_or(DomainError::Internal(format!("run of task {} vanished", task.id)))?;
        let task = playbook_task::Entity::find_by_id(task.id)
            .one(db)
            .await?
            .ok_or(DomainError::Internal("claimed task vanished".into()))?;
        let step = match serde_json::from_value::<PlaybookStep>(task.params.clone()) {
            Ok(step) => step,
            Err(e) => {
                fail(db, task.id, Some(worker), &format!("the stored step cannot be read: {e}"), now).await?;
                continue;
            }
        };
        return Ok(Some(Claimed { task, run, step }));
    }
    Ok(None)
}

/// Extends `worker`'s lease on a running task; false when it is no longer the worker's (it was
/// failed as interrupted meanwhile).
pub async fn renew(
    db: &impl ConnectionTrait,
    task_id: i64,
    worker: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let done = playbook_task::Entity::update_many()
        .col_expr(playbook_task::Column::LeaseUntil, Expr::value(now + lease))
        .filter(playbook_task::Column::Id.eq(task_id))
        .filter(playbook_task::Column::Status.eq(TaskStatus::Running.as_str()))
        .filter(playbook_task::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Marks `worker`'s running task done with `output` (inside the transaction of the step's change,
/// for database steps), and its run done when it was the last. False — and the caller rolls back —
/// when the task is no longer the worker's.
pub async fn complete(
    db: &impl ConnectionTrait,
    task: &playbook_task::Model,
    worker: &str,
    output: &str,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let done = playbook_task::Entity::update_many()
        .col_expr(playbook_task::Column::Status, Expr::value(TaskStatus::Done.as_str()))
        .col_expr(playbook_task::Column::Output, Expr::value(output.chars().take(4000).collect::<String>()))
        .col_expr(playbook_task::Column::FinishedAt, Expr::value(now))
        .col_expr(playbook_task::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(playbook_task::Column::Id.eq(task.id))
        .filter(playbook_task::Column::Status.eq(TaskStatus::Running.as_str()))
        .filter(playbook_task::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Ok(false);
    }
    let left = playbook_task::Entity::find()
        .filter(playbook_task::Column::RunId.eq(task.run_id))
        .filter(playbook_task::Column::Status.ne(TaskStatus::Done.as_str()))
        .one(db)
        .await?;
    if left.is_none() {
        playbook_run::Entity::update_many()
            .col_expr(playbook_run::Column::Status, Expr::value(RunStatus::Done.as_str()))
            .col_expr(playbook_run::Column::FinishedAt, Expr::value(now))
            .filter(playbook_run::Column::Id.eq(task.run_id))
            .exec(db)
            .await?;
    }
    Ok(true)
}

/// Fails a running task with `reason` (only `worker`'s, when named), skips the run's later
/// tasks and fails the run, in one transaction. False when the task was not running (or not
/// the worker's).
pub async fn fail(
    db: &DatabaseConnection,
    task_id: i64,
    worker: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let txn = db.begin().await?;
    let failed = fail_where(&txn, task_id, worker, None, reason, now).await?;
    txn.commit().await?;
    Ok(failed)
}

async fn fail_where(
    db: &impl ConnectionTrait,
    task_id: i64,
    worker: Option<&str>,
    lease_expired_before: Option<DateTime<Utc>>,
    reason: &str,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let Some(task) = playbook_task::Entity::find_by_id(task_id).one(db).await? else { return Ok(false) };
    let mut update = playbook_task::Entity::update_many()
        .col_expr(playbook_task::Column::Status, Expr::value(TaskStatus::Failed.as_str()))
        .col_expr(playbook_task::Column::Output, Expr::value(reason.chars().take(4000).collect::<String>()))
        .col_expr(playbook_task::Column::FinishedAt, Expr::value(now))
        .col_expr(playbook_task::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(playbook_task::Column::Id.eq(task_id))
        .filter(playbook_task::Column::Status.eq(TaskStatus::Running.as_str()));
    if let Some(worker) = worker {
        update = update.filter(playbook_task::Column::ClaimedBy.eq(worker));
    }
    if let Some(before) = lease_expired_before {
        update = update.filter(playbook_task::Column::LeaseUntil.lt(before));
    }
    if update.exec(db).await?.rows_affected != 1 {
        return Ok(false);
    }
    playbook_task::Entity::update_many()
        .col_expr(playbook_task::Column::Status, Expr::value(TaskStatus::Skipped.as_str()))
        .col_expr(
            playbook_task::Column::Output,
            Expr::value(format!("not run: step {} ({}) failed", task.position + 1, task.kind)),
        )
        .filter(playbook_task::Column::RunId.eq(task.run_id))
        .filter(playbook_task::Column::Status.eq(TaskStatus::Pending.as_str()))
        .exec(db)
        .await?;
    playbook_run::Entity::update_many()
        .col_expr(playbook_run::Column::Status, Expr::value(RunStatus::Failed.as_str()))
        .col_expr(playbook_run::Column::FinishedAt, Expr::value(now))
        .filter(playbook_run::Column::Id.eq(task.run_id))
        .exec(db)
        .await?;
    Ok(true)
}

/// Fails every task left `running` whose lease ran out before `now` — its process died — as
/// [`INTERRUPTED`], skipping the rest of its run. Answers the ids failed.
pub async fn fail_interrupted(db: &DatabaseConnection, now: DateTime<Utc>) -> DomainResult<Vec<i64>> {
    let stale: Vec<i64> = playbook_task::Entity::find()
        .select_only()
        .column(playbook_task::Column::Id)
        .filter(playbook_task::Column::Status.eq(TaskStatus::Running.as_str()))
        .filter(playbook_task::Column::LeaseUntil.lt(now))
        .into_tuple()
        .all(db)
        .await?;
    let mut failed = Vec::new();
    for id in stale {
        let txn = db.begin().await?;
        if fail_where(&txn, id, None, Some(now), INTERRUPTED, now).await? {
            failed.push(id);
        }
        txn.commit().await?;
    }
    Ok(failed)
}

/// The account that started `run`, as it is now (its sites and permissions decide what its
/// steps may do). Fails with `Unauthenticated` when it was disabled or deleted.
pub async fn actor_of(db: &impl ConnectionTrait, run: &playbook_run::Model) -> DomainResult<Actor> {
    let id = run.started_by_id.ok_or_else(|| {
        DomainError::Unauthenticated("the account that started the run no longer exists".into())
    })?;
    accounts::load_actor(db, id, AuthMethod::Session, None, None).await
}

/// The values a webhook body's placeholders take for `run`'s ticket, as `actor` sees it.
pub async fn webhook_values(
    db: &impl ConnectionTrait,
    actor: &Actor,
    run: &playbook_run::Model,
    links: &Links,
) -> DomainResult<BTreeMap<&'static str, String>> {
    let t = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(run.ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let site = site::Entity::find_by_id(t.site_id).one(db).await?.map(|s| s.name).unwrap_or_default();
    Ok([
        ("ticket.id", t.id.to_string()),
        ("ticket.title", t.title),
        ("ticket.priority", t.priority),
        ("ticket.status", t.status),
        ("ticket.site", site),
        ("ticket.url", format!("{}/tickets?ticket={}", links.public_url, t.id)),
        ("playbook.name", run.playbook_name.clone()),
        ("run.id", run.id.to_string()),
        ("actor.login", actor.login.clone()),
    ]
    .into_iter()
    .collect())
}

/// Whether any task is waiting (the runner's cheap look before claiming).
pub async fn any_pending(db: &impl ConnectionTrait) -> DomainResult<bool> {
    Ok(playbook_task::Entity::find()
        .filter(playbook_task::Column::Status.eq(TaskStatus::Pending.as_str()))
        .one(db)
        .await?
        .is_some())
}
