//! The explanation list: the SPEC's filters (request-date period defaulting to the last 30 days,
//! priority, status, category, keywords), keyset pages in any of its sort orders, and only what
//! the caller may read.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select, sea_query::ExprTrait,
};
use socdesk_types::{
    Page, Permission,
    explanations::{
        EmployeeExplanations, EmployeeRef, Explanation, ExplanationResult, ExplanationStatus, Priority,
        ResultCounts,
    },
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{employee, explanation},
    explanations::assemble,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    tickets::list::like_escape,
};

/// Filters of `GET /api/explanations`.
#[derive(Debug, Clone, Default)]
pub struct ExplanationFilter {
    /// Requested at or after; default: 30 days before now.
    pub from: Option<DateTime<Utc>>,
    /// Requested before.
    pub to: Option<DateTime<Utc>>,
    pub priorities: Vec<Priority>,
    pub statuses: Vec<ExplanationStatus>,
    pub category_ids: Vec<i64>,
    pub violator_id: Option<String>,
    pub ticket_id: Option<i64>,
    /// Text in the message, the violator's name or id, or the category (case-insensitive).
    pub keyword: Option<String>,
}

/// The columns the list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplanationSort {
    Created,
    Deadline,
    Priority,
    Status,
    Id,
}

impl ExplanationSort {
    /// Parses `created_at`, `-created_at` (descending), ... The default is `-created_at`.
    pub fn parse(raw: Option<&str>) -> DomainResult<(ExplanationSort, bool)> {
        let raw = raw.unwrap_or("-created_at");
        let (descending, name) = match raw.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, raw),
        };
        let sort = match name {
            "created_at" => ExplanationSort::Created,
            "deadline" => ExplanationSort::Deadline,
            "priority" => ExplanationSort::Priority,
            "status" => ExplanationSort::Status,
            "id" => ExplanationSort::Id,
            _ => {
                return Err(DomainError::invalid(
                    "sort",
                    "must be one of created_at, deadline, priority, status, id (prefix - for descending)",
                ));
            }
        };
        Ok((sort, descending))
    }
}

/// The explanations `actor` may read: all with an explanation permission, else those they asked
/// for or review.
fn visible(actor: &Actor) -> Select<explanation::Entity> {
    let select = explanation::Entity::find();
    if actor.has(Permission::ExplanationView) || actor.has(Permission::ExplanationAudit) {
        return select;
    }
    let mut mine = Condition::any().add(explanation::Column::OwnerId.eq(actor.account_id));
    if let Some(me) = &actor.employee_id {
        mine = mine
            .add(explanation::Column::ManagerId.eq(me.as_str()))
            .add(explanation::Column::AuditorId.eq(me.as_str()));
    }
    select.filter(mine)
}

pub(crate) fn filtered(
    actor: &Actor,
    f: &ExplanationFilter,
    now: DateTime<Utc>,
) -> Select<explanation::Entity> {
    let mut q = visible(actor);
    let from = f.from.unwrap_or(now - Duration::days(30));
    q = q.filter(explanation::Column::CreatedAt.gte(from));
    if let Some(to) = f.to {
        q = q.filter(explanation::Column::CreatedAt.lt(to));
    }
    if !f.priorities.is_empty() {
        q = q.filter(explanation::Column::Priority.is_in(f.priorities.iter().map(|p| p.as_str())));
    }
    if !f.statuses.is_empty() {
        q = q.filter(explanation::Column::Status.is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if !f.category_ids.is_empty() {
        q = q.filter(explanation::Column::CategoryId.is_in(f.category_ids.iter().copied()));
    }
    if let Some(v) = &f.violator_id {
        q = q.filter(explanation::Column::ViolatorId.eq(v.as_str()));
    }
    if let Some(t) = f.ticket_id {
        q = q.filter(explanation::Column::TicketId.eq(t));
    }
    if let Some(k) = f.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        let pattern = format!("%{}%", like_escape(&k.to_lowercase()));
        q = q.filter(
            sea_orm::sea_query::Expr::col(explanation::Column::SearchText)
                .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    q
}

/// One page of the explanations `actor` may read that match `filter`, with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ExplanationFilter,
    (sort, descending): (ExplanationSort, bool),
    page: &PageRequest,
) -> DomainResult<Page<Explanation>> {
    let (column, key): (explanation::Column, fn(&explanation::Model) -> SortKey) = match sort {
        ExplanationSort::Created => (explanation::Column::CreatedAt, |m| SortKey::Time(m.created_at)),
        ExplanationSort::Deadline => (explanation::Column::Deadline, |m| SortKey::Time(m.deadline)),
        ExplanationSort::Priority => {
            (explanation::Column::PriorityRank, |m| SortKey::Int(m.priority_rank.into()))
        }
        ExplanationSort::Status => (explanation::Column::StatusRank, |m| SortKey::Int(m.status_rank.into())),
        ExplanationSort::Id => (explanation::Column::Id, |m| SortKey::Int(m.id)),
    };
    let ordering = Ordering {
        sort: column,
        id: explanation::Column::Id,
        descending,
        sort_is_id: sort == ExplanationSort::Id,
    };
    let rows =
        fetch_page(db, filtered(actor, filter, Utc::now()), ordering, page, |m| (key(m), m.id)).await?;
    Ok(Page {
        items: assemble::summaries(db, actor, rows.items).await?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}

/// An employee's explanations (every date, newest first) with how they ended, counted over
/// what `actor` may read. Unknown employees, and employees the caller has nothing to read about
/// and no directory permission for, are 404.
pub async fn of_employee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    employee_id: &str,
    page: &PageRequest,
) -> DomainResult<EmployeeExplanations> {
    use sea_orm::{QuerySelect, sea_query::Expr};
    let employee = employee::Entity::find_by_id(employee_id.to_owned())
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("employee"))?;
    let filter = ExplanationFilter {
        from: Some(DateTime::UNIX_EPOCH),
        violator_id: Some(employee.id.clone()),
        ..ExplanationFilter::default()
    };
    let by_result: Vec<(Option<String>, i64)> = filtered(actor, &filter, Utc::now())
        .select_only()
        .column(explanation::Column::Result)
        .column_as(Expr::col(explanation::Column::Id).count(), "n")
        .group_by(explanation::Column::Result)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = ResultCounts::default();
    for (result, n) in by_result {
        let n = u64::try_from(n).unwrap_or_default();
        counts.total += n;
        match result.as_deref().and_then(ExplanationResult::parse) {
            Some(ExplanationResult::Normal) => counts.normal += n,
            Some(ExplanationResult::Violated) => counts.violated += n,
            None => counts.open += n,
        }
    }
    // Without a directory permission, the employee exists for the caller only through the
    // explanations they may read (a manager looking at their own report's record).
    let directory = [Permission::ExplanationView, Permission::ExplanationAudit, Permission::TicketEdit];
    if counts.total == 0 && !directory.iter().any(|p| actor.has(*p)) {
        return Err(DomainError::NotFound("employee"));
    }
    let explanations = list(db, actor, &filter, (ExplanationSort::Created, true), page).await?;
    Ok(EmployeeExplanations {
        employee: EmployeeRef { id: employee.id, name: employee.name },
        counts,
        explanations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_with_an_optional_minus() {
        assert_eq!(ExplanationSort::parse(None).ok(), Some((ExplanationSort::Created, true)));
        assert_eq!(ExplanationSort::parse(Some("deadline")).ok(), Some((ExplanationSort::Deadline, false)));
        assert_eq!(ExplanationSort::parse(Some("-priority")).ok(), Some((ExplanationSort::Priority, true)));
        assert!(ExplanationSort::parse(Some("message")).is_err());
    }
}
