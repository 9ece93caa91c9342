//! Searching a log table: a period, keywords (AND / OR) and a query expression, newest first,
//! at most `max_records` matches paged by a keyset cursor.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use socdesk_types::{
    Page,
    logs::{KeywordMode, LogRecord, LogSearch},
};

use crate::{
    DomainError, DomainResult,
    entities::log_record,
    error::Violations,
    logs::{
        catalog::table_by_name,
        query::{self, Expr, RecordView},
        records::view_of,
    },
    pagination::{PageRequest, SortKey, after_key},
};

/// Records read per query while scanning.
const SCAN_CHUNK: u64 = 2_000;
/// Default and largest `max_records`.
const DEFAULT_MAX: u32 = 1_000;
const LIMIT_MAX: u32 = 10_000;

/// What to look for, checked.
struct Plan {
    table_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    expr: Option<Expr>,
    emp_key: Option<String>,
    max: u64,
    page: PageRequest,
}

async fn plan(db: &impl ConnectionTrait, table: &str, req: LogSearch) -> DomainResult<Option<Plan>> {
    let (table, _) = table_by_name(db, table).await?;
    let mut v = Violations::new();
    let to = req.to.unwrap_or_else(Utc::now);
    // Checked: `to` may be the earliest representable instant.
    let from = req
        .from
        .unwrap_or_else(|| to.checked_sub_signed(Duration::hours(24)).unwrap_or(DateTime::<Utc>::MIN_UTC));
    if from >= to {
        v.push("from", "must be before `to`");
    }
    let max = req.max_records.unwrap_or(DEFAULT_MAX);
    if !(1..=LIMIT_MAX).contains(&max) {
        v.push("max_records", format!("must be between 1 and {LIMIT_MAX}"));
    }
    let page = match PageRequest::parse(req.cursor.as_deref(), req.page_size.map(u64::from)) {
        Ok(p) => Some(p),
        Err(DomainError::Validation(errors)) => {
            v.extend(errors.into_iter().map(|e| {
                let field = if e.field == "limit" { "page_size".to_owned() } else { e.field };
                socdesk_types::FieldError::new(field, e.message)
            }));
            None
        }
        Err(e) => return Err(e),
    };
    let any = req.keyword_mode == Some(KeywordMode::Or);
    let words = req.keywords.as_deref().and_then(|k| query::keywords(k, any));
    let parsed = match req.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) if q.chars().count() > 4_000 => {
            v.push("query", "must be at most 4000 characters");
            None
        }
        Some(q) => match query::parse(q) {
            Ok(e) => Some(e),
            Err(e) => {
                v.push("query", e.to_string());
                None
            }
        },
        None => None,
    };
    v.finish()?;
    let Some(page) = page else { return Err(DomainError::Internal("validated page missing".into())) };
    if req.schema_id.is_some_and(|s| s != table.schema_id) {
        return Ok(None);
    }
    let expr = match (words, parsed) {
        (Some(a), Some(b)) => Some(Expr::And(vec![a, b])),
        (a, b) => a.or(b),
    };
    let emp_key = req.emp_key.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
    Ok(Some(Plan { table_id: table.id, from, to, expr, emp_key, max: u64::from(max), page }))
}

fn to_dto(m: log_record::Model) -> LogRecord {
    LogRecord {
        id: m.id,
        record_id: m.record_id,
        time: m.time,
        emp_key: m.emp_key,
        fields: m.fields.as_object().cloned().unwrap_or_default(),
    }
}

/// One page of the records of `table` that match `req`. `total` counts the matches up to
/// `max_records`.
pub async fn search(db: &impl ConnectionTrait, table: &str, req: LogSearch) -> DomainResult<Page<LogRecord>> {
    let Some(plan) = plan(db, table, req).await? else {
        return Ok(Page { items: Vec::new(), next_cursor: None, total: 0 });
    };
    let after = plan.page.after().and_then(|(k, id)| match k {
        SortKey::Time(t) => Some((*t, id)),
        _ => None,
    });
    let limit = plan.page.limit() as usize;
    let mut items: Vec<log_record::Model> = Vec::new();
    let mut more = false;
    let mut total = 0u64;
    let mut position: Option<(DateTime<Utc>, i64)> = None;
    'scan: loop {
        let mut select = log_record::Entity::find()
            .filter(log_record::Column::TableId.eq(plan.table_id))
            .filter(log_record::Column::Time.gte(plan.from))
            .filter(log_record::Column::Time.lt(plan.to));
        if let Some(emp) = &plan.emp_key {
            select = select.filter(log_record::Column::EmpKey.eq(emp.as_str()));
        }
        if let Some((t, id)) = position {
            select = select.filter(after_key(
                log_record::Column::Time,
                log_record::Column::Id,
                t.into(),
                id.into(),
                true,
            ));
        }
        let rows = select
            .order_by_desc(log_record::Column::Time)
            .order_by_desc(log_record::Column::Id)
            .limit(SCAN_CHUNK)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        position = Some((last.time, last.id));
        let done = (rows.len() as u64) < SCAN_CHUNK;
        for row in rows {
            if let Some(expr) = &plan.expr {
                let view = view_of(row.record_id.as_deref(), row.time, row.emp_key.as_deref(), &row.fields);
                if !expr.matches(&RecordView { fields: &view, text: &row.search_text }) {
                    continue;
                }
            }
            total += 1;
            let past_cursor = after.is_none_or(|(t, id)| (row.time, row.id) < (t, id));
            if past_cursor {
                if items.len() < limit {
                    items.push(row);
                } else {
                    more = true;
                }
            }
            if total >= plan.max {
                break 'scan;
            }
        }
        if done {
            break;
        }
    }
    let next_cursor = if more {
        items.last().map(|m| PageRequest::cursor_after(SortKey::Time(m.time), m.id))
    } else {
        None
    };
    Ok(Page { items: items.into_iter().map(to_dto).collect(), next_cursor, total })
}
