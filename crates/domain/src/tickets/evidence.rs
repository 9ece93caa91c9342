//! A ticket's evidence: the raw records that triggered it, oldest first.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use socdesk_types::{Page, tickets::EvidenceRecord};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{ticket, ticket_evidence},
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    tickets::scope::visible_tickets,
};

/// One page of the evidence of a ticket the actor may see.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
    page: &PageRequest,
) -> DomainResult<Page<EvidenceRecord>> {
    visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let select = ticket_evidence::Entity::find().filter(ticket_evidence::Column::TicketId.eq(ticket_id));
    let ordering = Ordering {
        sort: ticket_evidence::Column::Id,
        id: ticket_evidence::Column::Id,
        descending: false,
        sort_is_id: true,
    };
    let rows = fetch_page(db, select, ordering, page, |m| (SortKey::Int(m.id), m.id)).await?;
    Ok(Page {
        items: rows
            .items
            .into_iter()
            .map(|m| EvidenceRecord { id: m.id, at: m.at, record: m.record })
            .collect(),
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}
