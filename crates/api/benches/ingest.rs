//! Ingest benchmark: N records (default 1,000,000) in batches of 1,000 through 20 stream rules
//! with dedup, next to a plain batched INSERT of the same rows into the same database in the
//! same run (the floor). Prints records/s for both and their ratio.
//!
//! `cargo bench -p socdesk-api --bench ingest` (SQLite); `BENCH_DB=postgres` for PostgreSQL;
//! `BENCH_RECORDS=100000` for a quicker run.
//!
//! Both sides get pre-parsed JSON values, so the figures compare the storage engine and the rule
//! engine, not the HTTP layer's JSON parsing.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first broken step")]

use std::time::Instant;

use chrono::{Duration as Span, TimeZone, Utc};
use rand::RngExt;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, TransactionTrait};
use serde_json::{Value, json};
use socdesk_domain::{
    entities::{log_record, log_record_id},
    logs::{
        ingest::{Line, ingest},
        query::searchable_text,
    },
};

mod support;

const BATCH: usize = 1_000;
const RULES: usize = 20;

/// One firewall record: 20% denied, sources spread over 40 /16 networks of 50 hosts each.
fn record(n: usize, rng: &mut impl rand::Rng) -> Value {
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().expect("date");
    let action = if rng.random_range(0..5) == 0 { "deny" } else { "allow" };
    let port = [22, 80, 443, 3389, 445][rng.random_range(0..5)];
    let user = ["kim", "lee", "park", "choi", "svc-backup"][rng.random_range(0..5)];
    json!({
        "_id": format!("r{n}"),
        "_time": (start + Span::milliseconds(n as i64 * 50)).to_rfc3339(),
        "emp_key": format!("E{}", rng.random_range(0..5_000)),
        "src_ip": format!("10.{}.0.{}", rng.random_range(0..40), rng.random_range(1..51)),
        "dst_ip": format!("192.168.{}.{}", rng.random_range(0..4), rng.random_range(1..255)),
        "dst_port": port,
        "action": action,
        "user": user,
        "url": format!("https://example.com/p/{}", rng.random_range(0..1000)),
        "bytes": rng.random_range(0..100_000),
    })
}

/// The 20 rules: each watches denied traffic from one /16, with a second test of its own kind.
fn rule(i: usize, site: i64) -> Value {
    let extra = match i % 5 {
        0 => json!({"gt": {"field": "bytes", "value": 10.0}}),
        1 => json!({"regex": {"field": "user", "value": "^(kim|lee|park|choi)$"}}),
        2 => json!({"contains": {"field": "url", "value": "example.com"}}),
        3 => json!({"not": {"equals": {"field": "user", "value": "nobody"}}}),
        _ => {
            json!({"or": [{"lt": {"field": "dst_port", "value": 1024.0}}, {"exists": {"field": "dst_port"}}]})
        }
    };
    json!({
        "name": format!("Denied from 10.{i}/16"),
        "kind": "stream",
        "table": "fw",
        "condition": {"and": [
            {"equals": {"field": "action", "value": "deny"}},
            {"cidr": {"field": "src_ip", "value": format!("10.{i}.0.0/16")}},
            extra
        ]},
        "ticket": {"site_id": site, "title": "Denied from {src_ip}", "fields": [{"name": "Source IP", "from": "src_ip"}]},
        "dedup_fields": ["src_ip"],
        "dedup_window_secs": 31_536_000
    })
}

#[tokio::main]
async fn main() {
    let backend = support::backend();
    let n = support::env_number("BENCH_RECORDS", 1_000_000);
    let (db, address, _) = support::start(&backend).await;

    let client = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut req = client.post(format!("{address}{path}")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let res = req.send().await.expect("sent");
            assert!(res.status().is_success(), "{}", res.text().await.unwrap_or_default());
            res.json::<Value>().await.expect("json")
        }
    };
    let token = support::admin_token(&client, &address).await;
    let site = post("/api/sites", Some(&token), json!({"name": "HQ"})).await["id"].as_i64().expect("site");
    let fields = [
        "src_ip:ip",
        "dst_ip:ip",
        "dst_port:integer",
        "action:string",
        "user:string",
        "url:string",
        "bytes:integer",
    ]
    .iter()
    .map(|f| {
        let (name, ty) = f.split_once(':').expect("pair");
        json!({"name": name, "type": ty})
    })
    .collect::<Vec<_>>();
    let schema =
        post("/api/log-schemas", Some(&token), json!({"name": "fw", "fields": fields})).await["id"].clone();
    let fw = post("/api/log-tables", Some(&token), json!({"name": "fw", "schema_id": schema})).await;
    let floor = post("/api/log-tables", Some(&token), json!({"name": "floor", "schema_id": schema})).await;
    for i in 0..RULES {
        post("/api/rules", Some(&token), rule(i, site)).await;
    }
    let _ = fw;

    println!("generating {n} records…");
    let mut rng = rand::rng();
    let records: Vec<Value> = (0..n).map(|i| record(i, &mut rng)).collect();

    // The floor: the same rows, same columns and indexes, plain multi-row INSERTs in one
    // transaction per batch of 1,000 (the `_id`s with ON CONFLICT DO NOTHING into
    // `log_record_ids`, as ingest stores them); no checks, no rules.
    let floor_id = floor["id"].as_i64().expect("floor id");
    // PostgreSQL: the month partition the records fall in (ingest makes it itself).
    let first_time = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().expect("date");
    socdesk_domain::logs::retention::ensure_partitions(&db, [first_time].into_iter())
        .await
        .expect("partition");
    let started = Instant::now();
    let received = Utc::now();
    for batch in records.chunks(BATCH) {
        let txn = db.begin().await.expect("txn");
        for chunk in batch.chunks(500) {
            let ids = chunk.iter().map(|r| log_record_id::ActiveModel {
                table_id: Set(floor_id),
                record_id: Set(r["_id"].as_str().expect("_id").to_owned()),
                time: Set(chrono::DateTime::parse_from_rfc3339(r["_time"].as_str().expect("_time"))
                    .expect("time")
                    .with_timezone(&Utc)),
            });
            log_record_id::Entity::insert_many(ids)
                .on_conflict(
                    sea_orm::sea_query::OnConflict::columns([
                        log_record_id::Column::TableId,
                        log_record_id::Column::RecordId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await
                .expect("insert ids");
            let rows = chunk.iter().map(|r| {
                let mut fields = r.as_object().cloned().expect("object");
                let record_id = fields.remove("_id").and_then(|v| v.as_str().map(str::to_owned));
                let time = fields
                    .remove("_time")
                    .and_then(|v| v.as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()))
                    .map(|t| t.with_timezone(&Utc))
                    .expect("time");
                let emp_key = fields.remove("emp_key").and_then(|v| v.as_str().map(str::to_owned));
                log_record::ActiveModel {
                    table_id: Set(floor_id),
                    record_id: Set(record_id),
                    time: Set(time),
                    emp_key: Set(emp_key),
                    search_text: Set(searchable_text(&fields)),
                    fields: Set(Value::Object(fields)),
                    received_at: Set(received),
                    ..Default::default()
                }
            });
            log_record::Entity::insert_many(rows).exec_without_returning(&txn).await.expect("insert");
        }
        txn.commit().await.expect("commit");
    }
    let floor_secs = started.elapsed().as_secs_f64();

    let filing = socdesk_domain::rules::Filing {
        evidence_cap: 1_000,
        links: socdesk_domain::explanations::service::Links { public_url: "http://socdesk.test".into() },
    };
    let started = Instant::now();
    let mut matched = 0u64;
    let mut created = 0usize;
    for batch in records.chunks(BATCH) {
        let lines = batch
            .iter()
            .enumerate()
            .map(|(i, v)| Line { number: i as u64 + 1, content: Ok(v.clone()) })
            .collect();
        let result = ingest(&db, "fw", lines, &filing).await.expect("ingest");
        assert_eq!(result.stored as usize, batch.len(), "every record stored");
        matched += result.matched;
        created += result.created_ticket_ids.len();
    }
    let ingest_secs = started.elapsed().as_secs_f64();

    let floor_rate = n as f64 / floor_secs;
    let ingest_rate = n as f64 / ingest_secs;
    println!("backend: {backend}, records: {n}, batch: {BATCH}, stream rules: {RULES} (dedup on src_ip)");
    println!("floor (plain batched INSERT):  {floor_secs:>7.1} s  {floor_rate:>9.0} records/s");
    println!("socdesk ingest + rules:        {ingest_secs:>7.1} s  {ingest_rate:>9.0} records/s");
    println!(
        "ratio: {:.2} of the floor; {matched} matches, {created} tickets opened",
        ingest_rate / floor_rate
    );
    let evidence = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM ticket_evidence".to_owned(),
        ))
        .await
        .expect("count")
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or_default();
    println!("evidence rows kept: {evidence}");
}
