//! The outbox: a mail is a row written in the same transaction as the change that causes it, so
//! it exists exactly when the change does. Delivery workers lease rows (a conditional UPDATE, so
//! of several processes exactly one takes a mail), and a failed try is retried with back-off.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use socdesk_types::{
    Page,
    mail::{MailKind, OutboxMessage, OutboxStatus},
};

use crate::{
    DomainError, DomainResult,
    entities::outbox,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
};

/// A mail to write to the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub explanation_id: Option<i64>,
}

/// Writes `mail` to the outbox, due now. Call inside the transaction of the change.
pub async fn enqueue(db: &impl ConnectionTrait, mail: NewMail, now: DateTime<Utc>) -> DomainResult<i64> {
    let row = outbox::ActiveModel {
        kind: Set(mail.kind.as_str().to_owned()),
        recipient: Set(mail.recipient),
        subject: Set(mail.subject),
        body: Set(mail.body),
        explanation_id: Set(mail.explanation_id),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        locked_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    };
    Ok(outbox::Entity::insert(row).exec(db).await?.last_insert_id)
}

fn to_dto(m: outbox::Model) -> DomainResult<OutboxMessage> {
    Ok(OutboxMessage {
        kind: MailKind::parse(&m.kind)
            .ok_or_else(|| DomainError::Internal(format!("outbox {} has kind '{}'", m.id, m.kind)))?,
        status: if m.sent_at.is_some() { OutboxStatus::Sent } else { OutboxStatus::Pending },
        id: m.id,
        recipient: m.recipient,
        subject: m.subject,
        attempts: m.attempts,
        last_error: m.last_error,
        next_attempt_at: m.next_attempt_at,
        created_at: m.created_at,
        sent_at: m.sent_at,
        explanation_id: m.explanation_id,
    })
}

/// Filters of `GET /api/outbox`.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    pub explanation_id: Option<i64>,
}

/// The outbox, newest first, a keyset page at a time.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OutboxFilter,
    page: &PageRequest,
) -> DomainResult<Page<OutboxMessage>> {
    let mut cond = Condition::all();
    match filter.status {
        Some(OutboxStatus::Sent) => cond = cond.add(outbox::Column::SentAt.is_not_null()),
        Some(OutboxStatus::Pending) => cond = cond.add(outbox::Column::SentAt.is_null()),
        None => {}
    }
    if let Some(id) = filter.explanation_id {
        cond = cond.add(outbox::Column::ExplanationId.eq(id));
    }
    let ordering =
        Ordering { sort: outbox::Column::Id, id: outbox::Column::Id, descending: true, sort_is_id: true };
    let page =
        fetch_page(db, outbox::Entity::find().filter(cond), ordering, page, |m| (SortKey::Int(m.id), m.id))
            .await?;
    Ok(Page {
        items: page.items.into_iter().map(to_dto).collect::<DomainResult<_>>()?,
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// Mails not yet delivered.
pub async fn depth(db: &impl ConnectionTrait) -> DomainResult<u64> {
    Ok(outbox::Entity::find().filter(outbox::Column::SentAt.is_null()).count(db).await?)
}

/// Mails not yet delivered, and how many of them have failed at least once (waiting for a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub pending: u64,
    pub retrying: u64,
}

/// The outbox's backlog, for monitoring.
pub async fn backlog(db: &impl ConnectionTrait) -> DomainResult<Backlog> {
    let unsent = || outbox::Entity::find().filter(outbox::Column::SentAt.is_null());
    Ok(Backlog {
        pending: unsent().count(db).await?,
        retrying: unsent().filter(outbox::Column::LastError.is_not_null()).count(db).await?,
    })
}

/// Leases up to `limit` due mails for `lease`; each is counted as one more attempt.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> DomainResult<Vec<outbox::Model>> {
    let free =
        Condition::any().add(outbox::Column::LockedUntil.is_null()).add(outbox::Column::LockedUntil.lt(now));
    let due: Vec<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(free.clone())
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for id in due {
        // Only the worker whose UPDATE still finds the mail free and unsent takes it.
        let taken = outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(now + lease))
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::NextAttemptAt.is_not_null())
            .filter(free.clone())
            .exec(db)
            .await?;
        if taken.rows_affected == 1
            && let Some(m) = outbox::Entity::find_by_id(id).one(db).await?
        {
            claimed.push(m);
        }
    }
    Ok(claimed)
}

/// Marks a leased mail delivered.
pub async fn delivered(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> DomainResult<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The wait before the next try after `attempts` failed ones: `base` doubling, at most 30 min.
/// Mail is never given up on; an administrator sees the attempts and the last error.
pub fn backoff(attempts: i32, base: Duration) -> Duration {
    let exp = attempts.clamp(1, 16) - 1;
    Ord::min(base * (1i32 << exp), Duration::minutes(30))
}

/// Records a failed try of a leased mail and schedules the next.
pub async fn failed(
    db: &impl ConnectionTrait,
    mail: &outbox::Model,
    error: &str,
    retry_base: Duration,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let error: String = error.chars().take(2000).collect();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + backoff(mail.attempts, retry_base)))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .filter(outbox::Column::Id.eq(mail.id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_fifteen_seconds_up_to_half_an_hour() {
        let base = Duration::seconds(15);
        assert_eq!(backoff(1, base), Duration::seconds(15));
        assert_eq!(backoff(2, base), Duration::seconds(30));
        assert_eq!(backoff(5, base), Duration::seconds(240));
        assert_eq!(backoff(8, base), Duration::minutes(30));
        assert_eq!(backoff(100, base), Duration::minutes(30));
        assert_eq!(backoff(0, base), Duration::seconds(15));
    }
}
