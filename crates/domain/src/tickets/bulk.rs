//! Bulk actions: one action over many tickets in one transaction, with a result per ticket.
//!
//! A ticket the caller cannot see, or whose transition is refused, is reported in the answer
//! rather than skipped silently; the others are changed. Invalid parameters (an unknown
//! assignee, say) refuse the whole request before anything changes.

use std::collections::BTreeSet;

use sea_orm::{DatabaseConnection, TransactionTrait};
use socdesk_types::tickets::{
    BulkAction, BulkItemResult, BulkRequest, BulkResponse, TicketAction, TicketPatch, TransitionRequest,
};

use crate::{
    Actor, DomainError, DomainResult,
    error::Violations,
    tickets::{service::transition_in, update::update_in},
};

/// The most tickets one bulk request may change.
pub const MAX_IDS: usize = 1000;

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
    let mut results = Vec::with_capacity(req.ids.len());
    for &id in &req.ids {
        if !seen.insert(id) {
            continue;
        }
        let outcome = match req.action {
            BulkAction::Restart | BulkAction::Close => {
                let action =
                    if req.action == BulkAction::Close { TicketAction::Close } else { TicketAction::Restart };
                transition_in(&txn, actor, id, TransitionRequest { action, comment: req.comment.clone() })
                    .await
            }
            _ => {
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
                update_in(&txn, actor, id, None, patch).await
            }
        };
        match outcome {
            Ok(t) => results.push(BulkItemResult {
                id,
                ok: true,
                status: Some(t.status),
                error_status: None,
                error: None,
            }),
            Err(err) => match item_error(id, &err) {
                Some(item) => results.push(item),
                None => return Err(err),
            },
        }
    }
    txn.commit().await?;
    let succeeded = results.iter().filter(|r| r.ok).count() as u32;
    Ok(BulkResponse { succeeded, failed: results.len() as u32 - succeeded, results })
}
