//! Bulk actions: one action over many tickets in one transaction, with a result per ticket.
//!
//! A ticket the caller cannot see, or whose transition is refused, is reported in the answer
//! rather than skipped silently; the others are changed. Invalid parameters (an unknown
//! assignee, say) refuse the whole request before anything changes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryTrait, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use socdesk_types::tickets::{
    BulkAction, BulkItemResult, BulkRequest, BulkResponse, TicketAction, TicketPatch, TicketStatus,
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{ticket, ticket_history},
    error::Violations,
    services::audit,
    tickets::{
        assemble::load_links,
        ranks::status_rank,
        scope::visible_tickets,
        service::{decide, separation_of_duties},
        update::update_in,
    },
    values::OptionalText,
};

/// Ids per statement (well under SQLite's and PostgreSQL's parameter limits).
const CHUNK: usize = 1_000;

/// The most tickets one bulk request may change.
pub const MAX_IDS: usize = 10_000;

fn item_error(id: i64, err: &DomainError) -> Option<BulkItemResult> {
    let status = match err {
        DomainError::NotFound(_) | DomainError::NoneFound(_) => 404,
        DomainError::Forbidden(_) => 403,
        DomainError::Conflict(_) => 409,
        DomainError::PreconditionFailed(_) => 412,
        _ => return None,
    };
    Some(BulkItemResult {
        id,
        ok: false,
        status: None,
        error_status: Some(status),
        error: Some(err.to_string()),
    })
}

fn done(id: i64, status: TicketStatus) -> BulkItemResult {
    BulkItemResult { id, ok: true, status: Some(status), error_status: None, error: None }
}

/// Closes or restarts `ids` (distinct) at once: the tickets and their people are read together,
/// each is decided by the same rules as a single transition, and the changes are written with
/// one UPDATE per starting status and chunk and one history INSERT per chunk (a transition per
/// ticket cost about ten statements each). A ticket another request changed meanwhile (its
/// status no longer the one decided from) is reported as a conflict.
async fn transition_many(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
    action: TicketAction,
    comment: Option<&str>,
) -> DomainResult<Vec<BulkItemResult>> {
    let comment = match comment {
        Some(c) => {
            OptionalText::<10_000>::parse("comment", c).map_err(|e| DomainError::Validation(vec![e]))?
        }
        None => None,
    };
    let sod = separation_of_duties(txn).await?;
    let mut decided: HashMap<i64, Result<(TicketStatus, TicketStatus), DomainError>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let models =
            visible_tickets(actor).filter(ticket::Column::Id.is_in(chunk.iter().copied())).all(txn).await?;
        let links = load_links(txn, chunk).await?;
        for model in models {
            decided.insert(model.id, decide(actor, &model, &links, sod, action));
        }
    }
    // Grouped by (from, to): one UPDATE each, guarded by the status decided from.
    let mut moves: BTreeMap<(&'static str, &'static str), Vec<i64>> = BTreeMap::new();
    for (id, outcome) in &decided {
        if let Ok((from, to)) = outcome {
            moves.entry((from.as_str(), to.as_str())).or_default().push(*id);
        }
    }
    let now = Utc::now();
    let mut moved: HashSet<i64> = HashSet::new();
    for ((from, to), group) in &moves {
        let next = TicketStatus::parse(to).ok_or_else(|| DomainError::Internal(format!("status {to}")))?;
        let closed_at = (next == TicketStatus::Closed).then_some(now);
        for chunk in group.chunks(CHUNK) {
            let mut update = ticket::Entity::update_many()
                .col_expr(ticket::Column::Status, Expr::value(*to))
                .col_expr(ticket::Column::StatusRank, Expr::value(status_rank(next)))
                .col_expr(ticket::Column::ClosedAt, Expr::value(closed_at))
                .col_expr(ticket::Column::ModifiedAt, Expr::value(now))
                .col_expr(ticket::Column::Version, Expr::col(ticket::Column::Version).add(1))
                .filter(ticket::Column::Id.is_in(chunk.iter().copied()))
                .filter(ticket::Column::Status.eq(*from))
                .into_query();
            update.returning_col(ticket::Column::Id);
            let changed: Vec<i64> = txn
                .query_all(&update)
                .await?
                .iter()
                .map(|r| r.try_get_by_index(0))
                .collect::<Result<_, _>>()?;
            let history: Vec<ticket_history::ActiveModel> = changed
                .iter()
                .map(|&ticket_id| ticket_history::ActiveModel {
                    ticket_id: Set(ticket_id),
                    at: Set(now),
                    actor_id: Set(Some(actor.account_id)),
                    actor: Set(actor.login.chars().take(255).collect()),
                    field: Set("status".into()),
                    old_value: Set(Some((*from).to_owned())),
                    new_value: Set(Some((*to).to_owned())),
                    comment: Set(comment.clone()),
                    ..Default::default()
                })
                .collect();
            if !history.is_empty() {
                ticket_history::Entity::insert_many(history).exec_without_returning(txn).await?;
                let detail =
                    serde_json::json!({"field": "status", "from": from, "to": to, "comment": comment});
                audit::record_many(txn, actor.into(), "ticket.transition", "ticket", &changed, detail)
                    .await?;
            }
            moved.extend(changed);
        }
    }
    let mut results = Vec::with_capacity(ids.len());
    for &id in ids {
        let item = match decided.remove(&id) {
            None => item_error(id, &DomainError::NotFound("ticket")),
            Some(Err(err)) => Some(item_error(id, &err).ok_or(err)?),
            Some(Ok((_, to))) if moved.contains(&id) => Some(done(id, to)),
            Some(Ok(_)) => item_error(
                id,
                &DomainError::Conflict("the ticket changed meanwhile; reload it and try again".into()),
            ),
        };
        results.extend(item);
    }
    Ok(results)
}

/// Applies `req` to each of its tickets. Fails as a whole with `Validation` for bad parameters,
/// and for database failures (nothing is then changed).
pub async fn apply(db: &DatabaseConnection, actor: &Actor, req: BulkRequest) -> DomainResult<BulkResponse> {
    let mut v = Violations::new();
    if req.ids.is_empty() || req.ids.len() > MAX_IDS {
        v.push("ids", format!("must hold 1 to {MAX_IDS} ticket ids"));
    }
    let needs = |present: bool, field: &str, v: &mut Violations| {
        if !present {
            v.push(field, format!("is required for the {} action", req.action.as_str()));
        }
    };
    match req.action {
        BulkAction::Assign => needs(req.assignee_ids.is_some(), "assignee_ids", &mut v),
        BulkAction::SetApprovers => needs(req.approver_ids.is_some(), "approver_ids", &mut v),
        BulkAction::Tags => needs(req.tag_ids.is_some(), "tag_ids", &mut v),
        _ => {}
    }
    v.finish()?;

    let txn = db.begin().await?;
    let mut seen = BTreeSet::new();
    let ids: Vec<i64> = req.ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    let results = match req.action {
        BulkAction::Restart | BulkAction::Close => {
            let action =
                if req.action == BulkAction::Close { TicketAction::Close } else { TicketAction::Restart };
            transition_many(&txn, actor, &ids, action, req.comment.as_deref()).await?
        }
        _ => {
            let mut results = Vec::with_capacity(ids.len());
            for &id in &ids {
                let patch = match req.action {
                    BulkAction::Assign => {
                        TicketPatch { assignee_ids: req.assignee_ids.clone(), ..Default::default() }
                    }
                    BulkAction::SetApprovers => {
                        TicketPatch { approver_ids: req.approver_ids.clone(), ..Default::default() }
                    }
                    BulkAction::Tags => TicketPatch { tag_ids: req.tag_ids.clone(), ..Default::default() },
                    BulkAction::Attack => TicketPatch { attack: Some(req.attack), ..Default::default() },
                    _ => TicketPatch { incident: Some(req.incident), ..Default::default() },
                };
                match update_in(&txn, actor, id, None, patch).await {
                    Ok(t) => results.push(done(id, t.status)),
                    Err(err) => results.push(item_error(id, &err).ok_or(err)?),
                }
            }
            results
        }
    };
    txn.commit().await?;
    let succeeded = results.iter().filter(|r| r.ok).count() as u32;
    Ok(BulkResponse { succeeded, failed: results.len() as u32 - succeeded, results })
}
