//! Ticket lists: the filters every list, trend, count and export shares, and keyset pages.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, QueryFilter, Select,
    sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query, SimpleExpr},
};
use socdesk_types::{
    Page,
    tickets::{CreatedBy, Priority, TicketStatus, TicketSummary},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{ticket, ticket_approver, ticket_assignee, ticket_tag},
    pagination::{Ordering, PageRequest, SortKey, fetch_page, fetch_page_nulls_last},
    tickets::{assemble::assemble_rows, scope::visible_tickets, service::separation_of_duties},
};

/// What a list shows. Every filter is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Created at or after.
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub to: Option<DateTime<Utc>>,
    pub site_id: Option<i64>,
    pub category_id: Option<i64>,
    /// Any of these priorities (none = all).
    pub priorities: Vec<Priority>,
    /// Any of these statuses (none = all).
    pub statuses: Vec<TicketStatus>,
    pub assignee_id: Option<i64>,
    pub approver_id: Option<i64>,
    pub created_by: Option<CreatedBy>,
    pub tag_id: Option<i64>,
    /// Text that must appear in the title, body or fields (case-insensitive).
    pub keyword: Option<String>,
}

/// The columns a list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketSort {
    Created,
    Modified,
    Priority,
    Status,
    Title,
    Id,
    /// Closing time; open tickets (no closing time) come last in both directions.
    Closed,
    /// How often a rule saw the attack behind the ticket.
    DuplicateCount,
}

impl TicketSort {
    /// Parses `created_at`, `-created_at` (descending), ... The default is `-created_at`.
    pub fn parse(raw: Option<&str>) -> DomainResult<(TicketSort, bool)> {
        let raw = raw.unwrap_or("-created_at");
        let (descending, name) = match raw.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, raw),
        };
        let sort = match name {
            "created_at" => TicketSort::Created,
            "modified_at" => TicketSort::Modified,
            "priority" => TicketSort::Priority,
            "status" => TicketSort::Status,
            "title" => TicketSort::Title,
            "id" => TicketSort::Id,
            "closed_at" => TicketSort::Closed,
            "duplicate_count" => TicketSort::DuplicateCount,
            _ => {
                return Err(DomainError::invalid(
                    "sort",
                    "must be one of created_at, modified_at, priority, status, title, id, closed_at, \
                     duplicate_count (prefix - for descending)",
                ));
            }
        };
        Ok((sort, descending))
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `search_text` contains `keyword` (lower-case), answered by the trigram index of each database
/// (see migration 0003): PostgreSQL's `pg_trgm` serves `LIKE` directly; SQLite asks its FTS5
/// trigram table. Keywords with LIKE wildcards are escaped (PostgreSQL's default escape is `\`;
/// SQLite needs the ESCAPE clause, which its trigram index serves by scanning).
fn keyword_condition(backend: DbBackend, keyword: &str) -> SimpleExpr {
    let escaped = like_escape(keyword);
    let pattern = format!("%{escaped}%");
    match backend {
        DbBackend::Sqlite => {
            let like =
                if escaped == keyword { LikeExpr::new(pattern) } else { LikeExpr::new(pattern).escape('\\') };
            ticket::Column::Id.in_subquery(
                Query::select()
                    .expr(Expr::col(Alias::new("rowid")))
                    .from(Alias::new("tickets_fts"))
                    .and_where(Expr::col(Alias::new("search_text")).like(like))
                    .to_owned(),
            )
        }
        _ => Expr::col(ticket::Column::SearchText).like(LikeExpr::new(pattern)),
    }
}

/// Tickets with a row in the link table `table` whose `other` column is `value` (an assignee,
/// an approver, a tag).
fn linked<T, C>(table: T, ticket_col: C, other: C, value: i64) -> SimpleExpr
where
    T: sea_orm::sea_query::IntoTableRef,
    C: ColumnTrait + sea_orm::sea_query::IntoColumnRef,
{
    ticket::Column::Id
        .in_subquery(Query::select().column(ticket_col).from(table).and_where(other.eq(value)).to_owned())
}

/// The actor's visible tickets narrowed by `filter`: the one query builder lists, trends, counts,
/// bulk actions and exports start from.
pub fn filtered(backend: DbBackend, actor: &Actor, filter: &TicketFilter) -> Select<ticket::Entity> {
    let mut q = visible_tickets(actor);
    if let Some(from) = filter.from {
        q = q.filter(ticket::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(ticket::Column::CreatedAt.lt(to));
    }
    if let Some(site) = filter.site_id {
        q = q.filter(ticket::Column::SiteId.eq(site));
    }
    if let Some(category) = filter.category_id {
        q = q.filter(ticket::Column::CategoryId.eq(category));
    }
    if !filter.priorities.is_empty() {
        q = q.filter(ticket::Column::Priority.is_in(filter.priorities.iter().map(|p| p.as_str())));
    }
    if !filter.statuses.is_empty() {
        q = q.filter(ticket::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(created_by) = filter.created_by {
        q = q.filter(ticket::Column::CreatedBy.eq(created_by.as_str()));
    }
    if let Some(account) = filter.assignee_id {
        q = q.filter(linked(
            ticket_assignee::Entity,
            ticket_assignee::Column::TicketId,
            ticket_assignee::Column::AccountId,
            account,
        ));
    }
    if let Some(account) = filter.approver_id {
        q = q.filter(linked(
            ticket_approver::Entity,
            ticket_approver::Column::TicketId,
            ticket_approver::Column::AccountId,
            account,
        ));
    }
    if let Some(tag) = filter.tag_id {
        q = q.filter(linked(
            ticket_tag::Entity,
            ticket_tag::Column::TicketId,
            ticket_tag::Column::TagId,
            tag,
        ));
    }
    if let Some(keyword) = filter.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        q = q.filter(keyword_condition(backend, &keyword.to_lowercase()));
    }
    q
}

/// One page of the actor's tickets matching `filter`, in `sort` order (ties broken by id in the
/// same direction; by `closed_at`, open tickets last either way), with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TicketFilter,
    (sort, descending): (TicketSort, bool),
    page: &PageRequest,
) -> DomainResult<Page<TicketSummary>> {
    let (column, key): (ticket::Column, fn(&ticket::Model) -> SortKey) = match sort {
        TicketSort::Created => (ticket::Column::CreatedAt, |m| SortKey::Time(m.created_at)),
        TicketSort::Modified => (ticket::Column::ModifiedAt, |m| SortKey::Time(m.modified_at)),
        TicketSort::Priority => (ticket::Column::PriorityRank, |m| SortKey::Int(m.priority_rank.into())),
        TicketSort::Status => (ticket::Column::StatusRank, |m| SortKey::Int(m.status_rank.into())),
        TicketSort::Title => (ticket::Column::Title, |m| SortKey::Text(m.title.clone())),
        TicketSort::Id => (ticket::Column::Id, |m| SortKey::Int(m.id)),
        TicketSort::Closed => {
            (ticket::Column::ClosedAt, |m| m.closed_at.map_or(SortKey::Null, SortKey::Time))
        }
        TicketSort::DuplicateCount => (ticket::Column::DuplicateCount, |m| SortKey::Int(m.duplicate_count)),
    };
    let ordering =
        Ordering { sort: column, id: ticket::Column::Id, descending, sort_is_id: sort == TicketSort::Id };
    let select = filtered(db.get_database_backend(), actor, filter);
    let rows = if sort == TicketSort::Closed {
        fetch_page_nulls_last(db, select, ordering, page, |m| (key(m), m.id)).await?
    } else {
        fetch_page(db, select, ordering, page, |m| (key(m), m.id)).await?
    };
    let sod = separation_of_duties(db).await?;
    let items = assemble_rows(db, actor, rows.items, sod, false)
        .await?
        .into_iter()
        .map(TicketSummary::from)
        .collect();
    Ok(Page { items, next_cursor: rows.next_cursor, total: rows.total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_with_an_optional_minus() {
        assert_eq!(TicketSort::parse(None).ok(), Some((TicketSort::Created, true)));
        assert_eq!(TicketSort::parse(Some("priority")).ok(), Some((TicketSort::Priority, false)));
        assert_eq!(TicketSort::parse(Some("-title")).ok(), Some((TicketSort::Title, true)));
        assert_eq!(TicketSort::parse(Some("-closed_at")).ok(), Some((TicketSort::Closed, true)));
        assert_eq!(
            TicketSort::parse(Some("duplicate_count")).ok(),
            Some((TicketSort::DuplicateCount, false))
        );
        assert!(TicketSort::parse(Some("password")).is_err());
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
