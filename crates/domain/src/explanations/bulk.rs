//! Bulk review and bulk delete (EXPLANATION_AUDIT): the same decision applied to many
//! explanations at once, in one transaction, with a result per id.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Expr,
};
use serde_json::json;
use socdesk_types::{
    Permission,
    explanations::{
        BulkDelete, BulkReview, ExplanationBulkItem, ExplanationBulkResponse, ExplanationStatus, ReviewAction,
    },
    mail::MailKind,
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{employee, explanation},
    error::Violations,
    explanations::{
        service::{Links, TEXT_MAX, follow_ticket, issue_link, mail, status_of, status_rank, step},
        workflow,
    },
    services::audit,
};

/// The most explanations one bulk request may change.
pub const MAX_IDS: usize = 1000;

fn check_ids(ids: &[i64], v: &mut Violations) {
    if ids.is_empty() || ids.len() > MAX_IDS {
        v.push("ids", format!("must hold 1 to {MAX_IDS} explanation ids"));
    }
}

fn item(id: i64, outcome: DomainResult<Option<ExplanationStatus>>) -> DomainResult<ExplanationBulkItem> {
    match outcome {
        Ok(status) => Ok(ExplanationBulkItem { id, ok: true, status, error_status: None, error: None }),
        Err(err) => {
            let code = match &err {
                DomainError::NotFound(_) | DomainError::NoneFound(_) => 404,
                DomainError::Forbidden(_) => 403,
                DomainError::Conflict(_) => 409,
                _ => return Err(err),
            };
            Ok(ExplanationBulkItem {
                id,
                ok: false,
                status: None,
                error_status: Some(code),
                error: Some(err.to_string()),
            })
        }
    }
}

fn respond(results: Vec<ExplanationBulkItem>) -> ExplanationBulkResponse {
    let succeeded = results.iter().filter(|r| r.ok).count() as u32;
    ExplanationBulkResponse { succeeded, failed: results.len() as u32 - succeeded, results }
}

/// Applies one bulk decision to one explanation.
async fn review_one(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    action: ReviewAction,
    opinion: &str,
    links: &Links,
    now: DateTime<Utc>,
) -> DomainResult<Option<ExplanationStatus>> {
    let e = explanation::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("explanation"))?;
    let from = status_of(&e)?;
    let outcome = workflow::bulk(action)?;
    let mut update = explanation::Entity::update_many()
        .col_expr(explanation::Column::Status, Expr::value(outcome.status.as_str()))
        .col_expr(explanation::Column::StatusRank, Expr::value(status_rank(outcome.status)))
        .col_expr(explanation::Column::Result, Expr::value(outcome.result.map(|r| r.as_str())))
        .col_expr(explanation::Column::ModifiedAt, Expr::value(now))
        .col_expr(explanation::Column::Version, Expr::value(e.version + 1));
    update = if outcome.status == ExplanationStatus::AuditCompleted {
        update.col_expr(explanation::Column::ClosedAt, Expr::value(now))
    } else {
        update.col_expr(explanation::Column::ClosedAt, Expr::value(Option::<DateTime<Utc>>::None))
    };
    update.filter(explanation::Column::Id.eq(id)).exec(db).await?;
    step(
        db,
        id,
        now,
        ("audit", actor.employee_id.as_deref(), Some(actor.account_id)),
        &format!("bulk_{}", action.as_str()),
        Some(from),
        Some(outcome.status),
        Some((opinion, false)),
    )
    .await?;
    if outcome.notify == workflow::Notify::Violator
        && let Some(violator) = employee::Entity::find_by_id(e.violator_id.clone()).one(db).await?
    {
        let token = issue_link(db, id, now).await?;
        mail(
            db,
            MailKind::ReturnNotice,
            &e,
            &violator,
            &violator,
            links.violator(&token),
            Some(opinion),
            now,
        )
        .await?;
    }
    if let Some(ticket_id) = e.ticket_id {
        follow_ticket(db, ticket_id).await?;
    }
    Ok(Some(outcome.status))
}

/// `POST /api/explanations/bulk-review`: confirm as normal or violated (audit-completed with
/// the result) or return (back to `new`, new link mailed), with the required opinion recorded.
pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    req: BulkReview,
    links: &Links,
) -> DomainResult<ExplanationBulkResponse> {
    actor.require(Permission::ExplanationAudit)?;
    let opinion = req.opinion.trim().to_owned();
    let mut v = Violations::new();
    check_ids(&req.ids, &mut v);
    if opinion.is_empty() || opinion.chars().count() > TEXT_MAX {
        v.push("opinion", format!("is required: 1 to {TEXT_MAX} characters"));
    }
    v.finish()?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut seen = BTreeSet::new();
    let mut results = Vec::with_capacity(req.ids.len());
    for &id in &req.ids {
        if seen.insert(id) {
            results.push(item(id, review_one(&txn, actor, id, req.action, &opinion, links, now).await)?);
        }
    }
    txn.commit().await?;
    Ok(respond(results))
}

/// `POST /api/explanations/bulk-delete`: removes them (their evidence and history with them);
/// each deletion is kept in the audit log with what it was.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    req: BulkDelete,
) -> DomainResult<ExplanationBulkResponse> {
    actor.require(Permission::ExplanationAudit)?;
    let mut v = Violations::new();
    check_ids(&req.ids, &mut v);
    v.finish()?;
    let txn = db.begin().await?;
    let mut seen = BTreeSet::new();
    let mut results = Vec::with_capacity(req.ids.len());
    for &id in &req.ids {
        if !seen.insert(id) {
            continue;
        }
        let outcome = async {
            let e = explanation::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(DomainError::NotFound("explanation"))?;
            explanation::Entity::delete_by_id(id).exec(&txn).await?;
            let detail = json!({"violator_id": e.violator_id, "manager_id": e.manager_id, "status": e.status,
                "result": e.result, "category_id": e.category_id, "ticket_id": e.ticket_id,
                "created_at": e.created_at, "message": e.message});
            audit::record(&txn, actor.into(), "explanation.delete", Some(("explanation", id)), detail)
                .await?;
            if let Some(ticket_id) = e.ticket_id {
                follow_ticket(&txn, ticket_id).await?;
            }
            Ok(None)
        }
        .await;
        results.push(item(id, outcome)?);
    }
    txn.commit().await?;
    Ok(respond(results))
}
