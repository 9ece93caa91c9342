//! How often the attack behind a rule ticket was seen: count, first and last sighting, and an
//! hourly timeline.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use socdesk_types::logs::{OccurrenceBucket, Occurrences};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{ticket, ticket_occurrence},
    tickets::scope::visible_tickets,
};

/// The occurrences of a ticket the actor may see (a hand-made ticket has an empty timeline).
pub async fn of(db: &impl ConnectionTrait, actor: &Actor, ticket_id: i64) -> DomainResult<Occurrences> {
    let t = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let timeline = ticket_occurrence::Entity::find()
        .filter(ticket_occurrence::Column::TicketId.eq(ticket_id))
        .order_by_asc(ticket_occurrence::Column::Bucket)
        .all(db)
        .await?
        .into_iter()
        .map(|b| OccurrenceBucket { at: b.bucket, count: b.count })
        .collect();
    Ok(Occurrences {
        ticket_id,
        count: t.duplicate_count,
        first_seen: t.first_seen_at,
        last_seen: t.last_seen_at,
        evidence_kept: t.evidence_count,
        timeline,
    })
}
