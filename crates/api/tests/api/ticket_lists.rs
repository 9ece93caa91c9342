use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use serde_json::{Value, json};
use socdesk_domain::entities::ticket;

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app};

/// Inserts `n` plain tickets on `site` straight into the database (the API would take minutes).
pub(crate) async fn seed(app: &TestApp, site: i64, n: usize) {
    let at = Utc::now();
    let rows: Vec<ticket::ActiveModel> = (0..n)
        .map(|i| ticket::ActiveModel {
            site_id: Set(site),
            kind: Set("analysis".into()),
            title: Set(format!("seeded {i}")),
            body: Set(String::new()),
            body_format: Set("markdown".into()),
            fields: Set(json!([])),
            priority: Set("low".into()),
            priority_rank: Set(3),
            status: Set("new".into()),
            status_rank: Set(1),
            created_by: Set("user".into()),
            duplicate_count: Set(0),
            search_text: Set(format!("seeded {i}")),
            created_at: Set(at),
            modified_at: Set(at),
            version: Set(1),
            evidence_count: Set(0),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(100) {
        ticket::Entity::insert_many(chunk.to_vec()).exec_without_returning(&app.db).await.expect("seeded");
    }
}

/// Follows `next_cursor` from the first page of `query` to the last, returning every id in order.
async fn page_through(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    for _ in 0..100 {
        let res = app.get(&format!("/api/tickets?{query}&cursor={cursor}"), token).await;
        assert_eq!(res.status(), StatusCode::OK, "{query}");
        let page: Value = res.json().await.expect("json");
        ids.extend(page["items"].as_array().expect("items").iter().map(|t| t["id"].as_i64().expect("id")));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return ids,
        }
    }
    panic!("{query} never reached its last page");
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).single().expect("a time")
}

/// Sets columns of ticket `id` directly (the API stamps times and counts itself).
async fn set(app: &TestApp, id: i64, cols: Vec<(ticket::Column, sea_orm::sea_query::SimpleExpr)>) {
    let mut update = ticket::Entity::update_many();
    for (col, value) in cols {
        update = update.col_expr(col, value);
    }
    update.filter(ticket::Column::Id.eq(id)).exec(&app.db).await.expect("updated");
}

/// The sort key of a stored ticket for one list column: (has no value, comparable text).
fn key(t: &ticket::Model, column: &str) -> (bool, String) {
    let number = |n: i64| format!("{n:020}");
    match column {
        "created_at" => (false, number(t.created_at.timestamp())),
        "modified_at" => (false, number(t.modified_at.timestamp())),
        "priority" => (false, number(t.priority_rank.into())),
        "status" => (false, number(t.status_rank.into())),
        "title" => (false, t.title.clone()),
        "id" => (false, number(t.id)),
        "closed_at" => t.closed_at.map_or((true, String::new()), |c| (false, number(c.timestamp()))),
        "duplicate_count" => (false, number(t.duplicate_count)),
        other => panic!("no column {other}"),
    }
}

/// The order the list must give, worked out here from the stored rows: by the column (rows
/// without a value last either way), ties by id in the same direction.
fn expected(tickets: &[ticket::Model], column: &str, descending: bool) -> Vec<i64> {
    let mut rows: Vec<&ticket::Model> = tickets.iter().collect();
    rows.sort_by(|a, b| {
        let (ka, kb) = (key(a, column), key(b, column));
        let by_value = if descending {
            kb.1.cmp(&ka.1).then(b.id.cmp(&a.id))
        } else {
            ka.1.cmp(&kb.1).then(a.id.cmp(&b.id))
        };
        ka.0.cmp(&kb.0).then(by_value)
    });
    rows.into_iter().map(|t| t.id).collect()
}

#[tokio::test]
async fn every_list_sort_pages_through_ties_giving_each_ticket_exactly_once() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let (_, analyst) = app.account_with("analyst", &["TICKET_VIEW"], &[site]).await;
    let mut ids = Vec::new();
    for i in 0..13 {
        let priority = ["high", "medium", "low"][i % 3];
        let body = json!({"site_id": site, "kind": "analysis", "title": "x", "priority": priority});
        let t: Value = app.post("/api/tickets", &app.admin_token, body).await.json().await.expect("json");
        ids.push(t["id"].as_i64().expect("id"));
    }
    // Few distinct values per column, so page boundaries fall inside runs of ties; every fourth
    // ticket stays open (no closing time).
    for (i, id) in ids.iter().enumerate() {
        let statuses = [("new", 1), ("assigned", 2), ("closed", 7)];
        let (status, rank) = statuses[i % 3];
        let closed = (i % 4 != 3).then(|| at([9, 9, 11][i % 3]));
        set(
            &app,
            *id,
            vec![
                (ticket::Column::Title, Expr::value(["alpha", "bravo", "alpha", "charlie"][i % 4])),
                (ticket::Column::CreatedAt, Expr::value(at([1, 2, 1][i % 3]))),
                (ticket::Column::ModifiedAt, Expr::value(at([5, 5, 6, 7][i % 4]))),
                (ticket::Column::Status, Expr::value(status)),
                (ticket::Column::StatusRank, Expr::value(rank)),
                (ticket::Column::ClosedAt, Expr::value(closed)),
                (ticket::Column::DuplicateCount, Expr::value([3_i64, 0, 3, 12, 0][i % 5])),
            ],
        )
        .await;
    }
    let stored = ticket::Entity::find().order_by_asc(ticket::Column::Id).all(&app.db).await.expect("rows");
    assert_eq!(stored.iter().filter(|t| t.closed_at.is_none()).count(), 3);

    for column in
        ["created_at", "modified_at", "priority", "status", "title", "id", "closed_at", "duplicate_count"]
    {
        for descending in [false, true] {
            let sort = if descending { format!("-{column}") } else { column.to_owned() };
            let want = expected(&stored, column, descending);
            for limit in [1, 2, 5] {
                let got = page_through(&app, &analyst, &format!("sort={sort}&limit={limit}")).await;

                assert_eq!(got, want, "sort={sort}&limit={limit}");
            }
        }
    }
}

#[tokio::test]
async fn sorting_by_closed_at_puts_open_tickets_last_in_both_directions() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let mut ids = Vec::new();
    for title in ["open early", "closed late", "open late", "closed early"] {
        let body = json!({"site_id": site, "kind": "analysis", "title": title});
        let t: Value = app.post("/api/tickets", &app.admin_token, body).await.json().await.expect("json");
        ids.push(t["id"].as_i64().expect("id"));
    }
    set(&app, ids[1], vec![(ticket::Column::ClosedAt, Expr::value(at(18)))]).await;
    set(&app, ids[3], vec![(ticket::Column::ClosedAt, Expr::value(at(8)))]).await;

    let ascending = page_through(&app, &app.admin_token, "sort=closed_at&limit=1").await;
    let descending = page_through(&app, &app.admin_token, "sort=-closed_at&limit=1").await;

    assert_eq!(ascending, [ids[3], ids[1], ids[0], ids[2]]);
    assert_eq!(descending, [ids[1], ids[3], ids[2], ids[0]]);
}

#[tokio::test]
async fn a_page_holds_up_to_500_tickets_and_a_larger_limit_is_refused() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    seed(&app, site, 501).await;

    let first: Value =
        app.get("/api/tickets?limit=500&sort=id", &app.admin_token).await.json().await.expect("json");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second: Value = app
        .get(&format!("/api/tickets?limit=500&sort=id&cursor={cursor}"), &app.admin_token)
        .await
        .json()
        .await
        .expect("json");
    let too_many = app.get("/api/tickets?limit=501", &app.admin_token).await;

    let lowest = ticket::Entity::find().order_by_asc(ticket::Column::Id).one(&app.db).await.expect("query");
    let lowest = lowest.expect("a ticket").id;
    let first_ids: Vec<i64> =
        first["items"].as_array().expect("items").iter().filter_map(|t| t["id"].as_i64()).collect();
    assert_eq!(first["total"], 501);
    assert_eq!(first_ids, (lowest..lowest + 500).collect::<Vec<_>>());
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(second["items"][0]["id"], lowest + 500);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(error_fields(&assert_problem(too_many, StatusCode::UNPROCESSABLE_ENTITY).await), ["limit"]);
}

#[tokio::test]
async fn an_unknown_sort_is_refused_naming_every_sort_there_is() {
    let app = spawn_app().await;

    let res = app.get("/api/tickets?sort=-risk", &app.admin_token).await;

    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["sort"]);
    assert_eq!(
        problem["errors"][0]["message"],
        "must be one of created_at, modified_at, priority, status, title, id, closed_at, duplicate_count \
         (prefix - for descending)"
    );
}

#[tokio::test]
async fn the_list_sort_indexes_roll_back_and_apply_again() {
    use socdesk_migrations::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    seed(&app, site, 3).await;

    // Back to before m0011, whatever later migrations there are (their `down`s run too).
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m0011_ticket_list_sorts")
        .expect("m0011 is registered")
        + 1;
    Migrator::down(&app.db, Some(steps as u32)).await.expect("rolled back");
    let pending = Migrator::get_pending_migrations(&app.db).await.expect("pending");
    Migrator::up(&app.db, None).await.expect("applied again");

    assert_eq!(pending.len(), steps);
    assert_eq!(pending[0].name(), "m0011_ticket_list_sorts");
    let ids = page_through(&app, &app.admin_token, "sort=-closed_at&limit=2").await;
    assert_eq!(ids.len(), 3);
}
