//! Keyset (cursor) pagination shared by every list.
//!
//! A cursor is the sort key and id of the last row of a page, base64url-encoded JSON. The next
//! page is "rows after that key", so a page deep in a large list costs as much as the first and
//! rows inserted meanwhile never shift the pages (no skipped or repeated rows, unlike OFFSET).
//! The id is the table's integer id, or its text id where the key is text (employees).

use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value, sea_query::Expr,
};
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult};

/// Rows per page when the caller does not say.
pub const DEFAULT_LIMIT: u64 = 50;
/// The most rows one page may hold.
pub const MAX_LIMIT: u64 = 500;

/// Which page to fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    after: Option<Cursor>,
    limit: u64,
    /// Rows to pass over before the first one (only without a cursor: an export's range start).
    skip: u64,
    /// Whether to count every matching row (a screen's page shows the total; an export's
    /// chunks need not pay for it each time).
    count: bool,
}

impl PageRequest {
    /// Parses the `cursor` and `limit` query parameters.
    pub fn parse(cursor: Option<&str>, limit: Option<u64>) -> DomainResult<PageRequest> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(DomainError::invalid("limit", format!("must be between 1 and {MAX_LIMIT}")));
        }
        let after = match cursor {
            None | Some("") => None,
            Some(raw) => Some(
                Cursor::decode(raw)
                    .ok_or_else(|| DomainError::invalid("cursor", "is not a cursor this list returned"))?,
            ),
        };
        Ok(PageRequest { after, limit, skip: 0, count: true })
    }

    /// A chunk of an export: `limit` rows (any size) after `cursor`, or after the first `skip`
    /// rows when there is no cursor yet; no total.
    pub fn chunk(cursor: Option<&str>, limit: u64, skip: u64) -> DomainResult<PageRequest> {
        let after = match cursor {
            None => None,
            Some(raw) => Some(Cursor::decode(raw).ok_or_else(bad_cursor)?),
        };
        Ok(PageRequest { after, limit: limit.max(1), skip, count: false })
    }

    /// The sort key and integer id the page starts after (none: the first page, or a cursor
    /// of a list with text ids).
    pub fn after(&self) -> Option<(&SortKey, i64)> {
        self.after.as_ref().and_then(|c| match c.id {
            CursorId::Int(id) => Some((&c.k, id)),
            CursorId::Text(_) => None,
        })
    }

    /// The page size.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The cursor of a page that starts after the row with this sort key and id.
    pub fn cursor_after(key: SortKey, id: i64) -> String {
        Cursor { k: key, id: CursorId::Int(id) }.encode()
    }

    /// The first page with the default size.
    pub fn first() -> PageRequest {
        PageRequest { after: None, limit: DEFAULT_LIMIT, skip: 0, count: true }
    }
}

/// A sort key value that can be carried in a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SortKey {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
    /// The row has no value in a nullable sort column (see [`fetch_page_nulls_last`]).
    Null,
}

impl From<SortKey> for Value {
    fn from(key: SortKey) -> Value {
        match key {
            SortKey::Int(v) => v.into(),
            SortKey::Time(v) => v.into(),
            SortKey::Text(v) => v.into(),
            SortKey::Null => Option::<i64>::None.into(),
        }
    }
}

/// The unique tie-breaker of a cursor: an integer id, or a text id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorId {
    Int(i64),
    Text(String),
}

/// A row id that can break ties in a cursor (`i64` ids, `String` ids).
pub trait RowId: Into<Value> + Sized {
    /// The cursor's id, when it is of this kind.
    fn from_cursor(id: &CursorId) -> Option<Self>;
    /// This id in a cursor.
    fn into_cursor(self) -> CursorId;
}

impl RowId for i64 {
    fn from_cursor(id: &CursorId) -> Option<Self> {
        match id {
            CursorId::Int(v) => Some(*v),
            CursorId::Text(_) => None,
        }
    }
    fn into_cursor(self) -> CursorId {
        CursorId::Int(self)
    }
}

impl RowId for String {
    fn from_cursor(id: &CursorId) -> Option<Self> {
        match id {
            CursorId::Text(v) => Some(v.clone()),
            CursorId::Int(_) => None,
        }
    }
    fn into_cursor(self) -> CursorId {
        CursorId::Text(self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Cursor {
    k: SortKey,
    id: CursorId,
}

impl Cursor {
    fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    fn decode(raw: &str) -> Option<Cursor> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// How a list is ordered: by `sort` (then `id` as the tie-breaker), ascending or descending.
pub struct Ordering<C> {
    pub sort: C,
    pub id: C,
    pub descending: bool,
    /// Sorting by the id column itself (no tie-breaker needed).
    pub sort_is_id: bool,
}

/// One fetched page of models, with the next cursor and the total count (0 when the request
/// asked for none).
pub struct ModelPage<M> {
    pub items: Vec<M>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

/// Fetches one page of `select` in `ordering`, and the total number of rows `select` matches.
/// `key` gives a row's sort key (the value of `ordering.sort`) and its id. Fails with
/// `Validation` naming `cursor` when the cursor came from a list with the other kind of id.
pub async fn fetch_page<E, C, I>(
    db: &C,
    select: Select<E>,
    ordering: Ordering<E::Column>,
    page: &PageRequest,
    key: impl Fn(&E::Model) -> (SortKey, I),
) -> DomainResult<ModelPage<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
    I: RowId,
{
    fetch_ordered(db, select, ordering, false, page, key).await
}

/// [`fetch_page`] for a sort column that may be null: rows with a value come first in either
/// direction, then the rows without one, by id in the same direction. `key` gives
/// [`SortKey::Null`] for those. The order is `sort IS NULL, sort, id`, which an index on those
/// three expressions serves.
pub async fn fetch_page_nulls_last<E, C, I>(
    db: &C,
    select: Select<E>,
    ordering: Ordering<E::Column>,
    page: &PageRequest,
    key: impl Fn(&E::Model) -> (SortKey, I),
) -> DomainResult<ModelPage<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
    I: RowId,
{
    fetch_ordered(db, select, ordering, true, page, key).await
}

/// Rows past `(value, id)` in `(sort, id)` order, as the row-value comparison
/// `(sort, id) < (v, i)` (descending). PostgreSQL seeks an index on `(sort, id)` straight to the
/// bound; SQLite seeks to `v` and passes over the rows sharing it (`sort < v OR (sort = v AND
/// id < i)` would scan from the list's start on both). Lists avoid even that by reading the
/// rows sharing `v` and those past it in two seeks (see `fetch_ordered`).
pub fn after_key<C: ColumnTrait>(
    sort: C,
    id: C,
    value: Value,
    after_id: Value,
    descending: bool,
) -> Condition {
    use sea_orm::sea_query::ExprTrait;
    let row = Expr::tuple([sort.into_expr(), id.into_expr()]);
    let bound = Expr::tuple([Expr::val(value), Expr::val(after_id)]);
    Condition::all().add(if descending { row.lt(bound) } else { row.gt(bound) })
}

fn bad_cursor() -> DomainError {
    DomainError::invalid("cursor", "is not a cursor this list returned")
}

async fn fetch_ordered<E, C, I>(
    db: &C,
    select: Select<E>,
    ordering: Ordering<E::Column>,
    nulls_last: bool,
    page: &PageRequest,
    key: impl Fn(&E::Model) -> (SortKey, I),
) -> DomainResult<ModelPage<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
    I: RowId,
{
    let total = if page.count { select.clone().count(db).await? } else { 0 };
    let order = if ordering.descending { Order::Desc } else { Order::Asc };
    let beyond = |col: E::Column, v: Value| if ordering.descending { col.lt(v) } else { col.gt(v) };
    // In list order: rows without a value last (when they come last), then the sort, then id.
    let ordered = |query: Select<E>| {
        let mut query = query;
        if !ordering.sort_is_id {
            if nulls_last {
                // `false` sorts before `true` in both databases: values first, nulls last.
                query = query.order_by(ordering.sort.is_null(), Order::Asc);
            }
            query = query.order_by(ordering.sort, order.clone());
        }
        query.order_by(ordering.id, order.clone())
    };
    let wanted = page.limit + 1;
    let mut items = match &page.after {
        None => {
            let mut query = ordered(select).limit(wanted);
            if page.skip > 0 {
                query = query.offset(page.skip);
            }
            query.all(db).await?
        }
        Some(after) => {
            let after_id: Value = I::from_cursor(&after.id).ok_or_else(bad_cursor)?.into();
            if ordering.sort_is_id {
                ordered(select.filter(beyond(ordering.id, after_id))).limit(wanted).all(db).await?
            } else if after.k == SortKey::Null {
                // Past the last row with a value: only rows without one remain, in id order.
                if !nulls_last {
                    return Err(bad_cursor());
                }
                let rest = select.filter(ordering.sort.is_null()).filter(beyond(ordering.id, after_id));
                ordered(rest).limit(wanted).all(db).await?
            } else {
                // Two index seeks: the rest of the rows sharing the cursor's value (by id), then
                // the rows past it. One query for both would make SQLite pass over every row
                // already listed that shares the value: with many equal values (a status, a
                // priority, one import's times) each page would cost all the pages before it.
                let value: Value = after.k.clone().into();
                let same = select
                    .clone()
                    .filter(ordering.sort.eq(value.clone()))
                    .filter(beyond(ordering.id, after_id));
                let mut items = same.order_by(ordering.id, order.clone()).limit(wanted).all(db).await?;
                if (items.len() as u64) < wanted {
                    let past = if nulls_last {
                        Condition::any().add(beyond(ordering.sort, value)).add(ordering.sort.is_null())
                    } else {
                        Condition::all().add(beyond(ordering.sort, value))
                    };
                    let rest =
                        ordered(select.filter(past)).limit(wanted - items.len() as u64).all(db).await?;
                    items.extend(rest);
                }
                items
            }
        }
    };
    let next_cursor = if items.len() as u64 > page.limit {
        items.truncate(page.limit as usize);
        items.last().map(|m| {
            let (k, id) = key(m);
            Cursor { k, id: id.into_cursor() }.encode()
        })
    } else {
        None
    };
    Ok(ModelPage { items, next_cursor, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's plan for a page after a cursor: the bound must be an index search, not a scan
    /// from the list's start (which made page N cost N pages).
    #[tokio::test]
    async fn a_page_after_a_cursor_starts_at_the_cursor_in_the_index() {
        use crate::entities::ticket;
        use sea_orm::{Database, DbBackend, QueryTrait, Statement};
        let db = Database::connect("sqlite::memory:").await.expect("in-memory SQLite");
        for sql in [
            "CREATE TABLE tickets (id INTEGER PRIMARY KEY, created_at TEXT, title TEXT)",
            "CREATE INDEX ix_tickets_created ON tickets (created_at, id)",
        ] {
            db.execute_unprepared(sql).await.expect("schema");
        }
        for descending in [true, false] {
            let at: Value = "2026-01-01".into();
            let condition =
                after_key(ticket::Column::CreatedAt, ticket::Column::Id, at, 7i64.into(), descending);
            let order = if descending { "DESC" } else { "ASC" };
            let query = ticket::Entity::find().select_only().column(ticket::Column::Id).filter(condition);
            let sql = format!(
                "EXPLAIN QUERY PLAN {} ORDER BY created_at {order}, id {order} LIMIT 10",
                query.build(DbBackend::Sqlite)
            );
            let plan = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql)).await.expect("plan");
            let detail: Vec<String> =
                plan.iter().map(|r| r.try_get::<String>("", "detail").expect("detail")).collect();
            let bound = if descending { "created_at<?" } else { "created_at>?" };
            assert!(
                detail.iter().any(|d| d.starts_with("SEARCH") && d.contains(bound)),
                "descending={descending}: {detail:?}"
            );
        }
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        for k in [SortKey::Int(7), SortKey::Text("b".into()), SortKey::Time(Utc::now()), SortKey::Null] {
            let c = Cursor { k, id: CursorId::Int(3) };
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        let text = Cursor { k: SortKey::Text("Kim".into()), id: CursorId::Text("E0042".into()) };
        assert_eq!(Cursor::decode(&text.encode()), Some(text));
        assert!(PageRequest::parse(Some("!!"), None).is_err());
        assert!(PageRequest::parse(Some("eyJ4IjoxfQ"), None).is_err());
    }

    #[test]
    fn cursors_keep_the_kind_of_their_id() {
        assert_eq!(i64::from_cursor(&CursorId::Int(3)), Some(3));
        assert_eq!(i64::from_cursor(&CursorId::Text("3".into())), None);
        assert_eq!(String::from_cursor(&CursorId::Text("E1".into())), Some("E1".into()));
        assert_eq!(String::from_cursor(&CursorId::Int(1)), None);
        let page = PageRequest::parse(Some(&PageRequest::cursor_after(SortKey::Int(1), 9)), None).ok();
        assert_eq!(page.as_ref().and_then(|p| p.after()).map(|(_, id)| id), Some(9));
    }

    #[test]
    fn limit_must_be_between_one_and_the_maximum() {
        assert!(PageRequest::parse(None, Some(0)).is_err());
        assert!(PageRequest::parse(None, Some(MAX_LIMIT + 1)).is_err());
        assert_eq!(PageRequest::parse(None, None).ok(), Some(PageRequest::first()));
        assert!(PageRequest::parse(Some(""), Some(MAX_LIMIT)).is_ok());
    }
}
