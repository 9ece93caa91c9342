//! Memos: what the people working a ticket write down, oldest first, never edited.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::{BinOper, Expr, ExprTrait},
};
use socdesk_types::tickets::{BodyFormat, Memo, NewMemo};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{ticket, ticket_memo},
    markdown,
    tickets::{assemble::stored, attachments, scope::visible_tickets, service::history},
};

const MAX_CHARS: usize = 100_000;

fn to_dto(m: ticket_memo::Model, attachments: Vec<socdesk_types::tickets::Attachment>) -> DomainResult<Memo> {
    let format = stored("memo format", &m.format, BodyFormat::parse)?;
    Ok(Memo {
        id: m.id,
        ticket_id: m.ticket_id,
        author_id: m.author_id,
        author: m.author,
        format,
        body_html: markdown::render(format, &m.body),
        body: m.body,
        attachments,
        created_at: m.created_at,
    })
}

async fn visible(db: &impl ConnectionTrait, actor: &Actor, ticket_id: i64) -> DomainResult<ticket::Model> {
    visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))
}

/// The memos of a ticket the actor may see, oldest first.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor, ticket_id: i64) -> DomainResult<Vec<Memo>> {
    visible(db, actor, ticket_id).await?;
    let memos = ticket_memo::Entity::find()
        .filter(ticket_memo::Column::TicketId.eq(ticket_id))
        .order_by_asc(ticket_memo::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = memos.iter().map(|m| m.id).collect();
    let mut files = attachments::of_memos(db, &ids).await?;
    memos
        .into_iter()
        .map(|m| {
            let f = files.remove(&m.id).unwrap_or_default();
            to_dto(m, f)
        })
        .collect()
}

/// Adds a memo; its text becomes searchable with the ticket and the history records it.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    ticket_id: i64,
    new: NewMemo,
) -> DomainResult<Memo> {
    let txn = db.begin().await?;
    let memo = create_in(&txn, actor, ticket_id, new).await?;
    txn.commit().await?;
    Ok(memo)
}

/// [`create`] inside the caller's transaction (a playbook step writes its memo with its task).
pub async fn create_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
    new: NewMemo,
) -> DomainResult<Memo> {
    let body = new.body.trim().to_owned();
    if body.is_empty() || body.chars().count() > MAX_CHARS {
        return Err(DomainError::invalid("body", format!("must be 1 to {MAX_CHARS} characters")));
    }
    visible(txn, actor, ticket_id).await?;
    let now = Utc::now();
    let memo = ticket_memo::ActiveModel {
        ticket_id: Set(ticket_id),
        author_id: Set(Some(actor.account_id)),
        author: Set(actor.login.clone()),
        format: Set(new.format.unwrap_or(BodyFormat::Markdown).as_str().to_owned()),
        body: Set(body.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    ticket::Entity::update_many()
        .col_expr(
            ticket::Column::SearchText,
            // `||` concatenates in both SQLite and PostgreSQL, appending without a lost update.
            Expr::col(ticket::Column::SearchText)
                .binary(BinOper::Custom("||"), Expr::value(format!("\n{}", body.to_lowercase()))),
        )
        .col_expr(ticket::Column::ModifiedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(ticket_id))
        .exec(txn)
        .await?;
    if new.attachment_ids.len() > attachments::MAX_PER_REQUEST {
        return Err(DomainError::invalid(
            "attachment_ids",
            format!("at most {} files per memo", attachments::MAX_PER_REQUEST),
        ));
    }
    attachments::attach_to_memo(txn, actor, &new.attachment_ids, ticket_id, memo.id).await?;
    history(txn, ticket_id, now, actor, "memo", None, Some(memo.id.to_string()), None).await?;
    let files = attachments::of_memos(txn, &[memo.id]).await?.remove(&memo.id).unwrap_or_default();
    to_dto(memo, files)
}
