//! Log retention: records older than the retention go (whole month partitions and batched
//! deletes on PostgreSQL, batched deletes on SQLite), their table's count follows, newer records
//! stay, and the evidence copied onto tickets survives.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use socdesk_domain::logs::retention::sweep;

use crate::{
    detection::{Pipeline, pipeline, pipeline_on},
    helpers::{spawn_app_with, test_settings},
};

fn record(id: String, at: chrono::DateTime<Utc>) -> Value {
    json!({"_id": id, "_time": at.to_rfc3339(), "src_ip": "10.2.2.2", "action": "deny", "user": "kim"})
}

/// Ingests `n` records at `at` in batches of 2,000.
async fn ingest_at(p: &Pipeline, prefix: &str, n: usize, at: chrono::DateTime<Utc>) {
    let all: Vec<Value> = (0..n).map(|i| record(format!("{prefix}{i}"), at)).collect();
    for chunk in all.chunks(2_000) {
        let res = p.ingest(Value::Array(chunk.to_vec())).await;
        assert_eq!(res["stored"].as_u64(), Some(chunk.len() as u64), "{res}");
    }
}

async fn stored(p: &Pipeline) -> (i64, i64) {
    let table: Value = p.app.get("/api/log-tables/fw", &p.analyst).await.json().await.expect("json");
    let row = p
        .app
        .db
        .query_one_raw(Statement::from_string(
            p.app.db.get_database_backend(),
            "SELECT count(*) FROM log_records",
        ))
        .await
        .expect("count")
        .expect("row");
    (table["record_count"].as_i64().expect("record_count"), row.try_get_by_index::<i64>(0).expect("count"))
}

async fn partitions(p: &Pipeline) -> Vec<String> {
    if p.app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Vec::new();
    }
    let rows = p
        .app
        .db
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'log_records'::regclass ORDER BY 1",
        ))
        .await
        .expect("partitions");
    rows.iter().map(|r| r.try_get_by_index::<String>(0).expect("name")).collect()
}

async fn search(p: &Pipeline, from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>) -> u64 {
    let body = json!({"from": from.to_rfc3339(), "to": to.to_rfc3339()});
    let res = p.app.post("/api/logs/fw/search", &p.analyst, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.expect("json")["total"].as_u64().expect("total")
}

#[tokio::test]
async fn records_older_than_the_retention_go_and_evidence_stays() {
    let p = pipeline().await;
    p.deny_rule(json!({"dedup_window_secs": 60})).await;
    let now = Utc::now();
    let long_ago = now - Duration::days(100);
    // Older than the cut-off (30 days) but in a month that also holds newer records, more than
    // one deletion batch of them; and newer ones.
    let cutoff = now - Duration::days(30);
    let just_before = cutoff - Duration::hours(1);
    let just_after = cutoff + Duration::hours(1);
    ingest_at(&p, "old", 3, long_ago).await;
    ingest_at(&p, "edge", 6_000, just_before).await;
    ingest_at(&p, "new", 5, just_after).await;
    ingest_at(&p, "now", 2, now).await;
    assert_eq!(stored(&p).await, (6_010, 6_010));
    let months_before = partitions(&p).await;

    let tickets: Value =
        p.app.get("/api/tickets?created_by=system", &p.analyst).await.json().await.expect("json");
    let oldest = tickets["items"].as_array().expect("items").last().cloned().expect("a rule ticket");
    let evidence_path = format!("/api/tickets/{}/evidence", oldest["id"]);
    let evidence_before: Value = p.app.get(&evidence_path, &p.analyst).await.json().await.expect("json");
    assert!(evidence_before["total"].as_u64() > Some(0));
    let first_evidence = evidence_before["items"][0]["record"]["_id"].as_str().unwrap_or_default().to_owned();
    assert!(first_evidence.starts_with("old"), "evidence of a record retention removes: {first_evidence}");

    let swept = sweep(&p.app.db, Duration::days(30), now).await.expect("sweep");
    assert_eq!(swept.records, 6_003);
    assert_eq!(stored(&p).await, (7, 7), "the table's count follows");
    if !months_before.is_empty() {
        // PostgreSQL: the month 100 days back went as a partition, the newer records' month stayed.
        assert!(swept.partitions >= 1, "{months_before:?}");
        let months_after = partitions(&p).await;
        let gone = format!("log_records_p{}", long_ago.format("%Y_%m"));
        assert!(months_before.contains(&gone) && !months_after.contains(&gone), "{months_after:?}");
        assert!(months_after.contains(&format!("log_records_p{}", just_after.format("%Y_%m"))));
        let next = format!("log_records_p{}", (now + Duration::days(32)).format("%Y_%m"));
        assert!(months_after.contains(&next), "next month is ready: {months_after:?}");
    } else {
        assert_eq!(swept.partitions, 0);
    }
    // Searches find only what is left.
    assert_eq!(search(&p, now - Duration::days(120), cutoff).await, 0);
    assert_eq!(search(&p, cutoff, now + Duration::hours(1)).await, 7);
    // The ticket's evidence is a copy: all of it is still there.
    let evidence_after: Value = p.app.get(&evidence_path, &p.analyst).await.json().await.expect("json");
    assert_eq!(evidence_after["total"], evidence_before["total"]);
    assert_eq!(evidence_after["items"][0]["record"], evidence_before["items"][0]["record"]);
    // A newer record's `_id` is still known; a forgotten old one may be stored again.
    let again = p.ingest(json!([record("new0".into(), just_after), record("old0".into(), long_ago)])).await;
    assert_eq!((again["stored"].as_u64(), again["duplicates"].as_u64()), (Some(1), Some(1)), "{again}");
    // Nothing more to do: a second sweep only takes the old record just stored.
    assert_eq!(sweep(&p.app.db, Duration::days(30), now).await.expect("sweep").records, 1);
    assert_eq!(sweep(&p.app.db, Duration::days(30), now).await.expect("sweep").records, 0);
}

#[tokio::test]
async fn a_server_with_a_retention_sweeps_by_itself() {
    let p = pipeline().await;
    let now = Utc::now();
    ingest_at(&p, "old", 4, now - Duration::days(10)).await;
    ingest_at(&p, "new", 3, now).await;
    // A second process with a 7-day retention, on the same database: it sweeps when it starts.
    let mut settings = test_settings().await;
    settings.database_url = p.app.database_url.clone();
    settings.log_retention = Some(Duration::days(7));
    let second = spawn_app_with(settings).await;
    let p2 = pipeline_on_existing(&p, second);
    let started = std::time::Instant::now();
    while stored(&p2).await != (3, 3) {
        assert!(started.elapsed() < StdDuration::from_secs(10), "not swept: {:?}", stored(&p2).await);
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// The first pipeline's table, key and analyst, seen through another process.
fn pipeline_on_existing(p: &Pipeline, app: crate::helpers::TestApp) -> Pipeline {
    Pipeline { app, site: p.site, key: p.key.clone(), analyst: p.analyst.clone() }
}

#[tokio::test]
async fn the_partitioning_migration_rolls_back_and_applies_again_keeping_records() {
    use socdesk_migrations::{Migrator, MigratorTrait};
    let p = pipeline_on(spawn_app_with(test_settings().await).await).await;
    let now = Utc::now();
    ingest_at(&p, "a", 5, now - Duration::days(40)).await;
    ingest_at(&p, "b", 5, now).await;

    // Back to before m0015, whatever later migrations there are (their `down`s run too).
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m0015_log_partitions")
        .expect("m0015 is registered")
        + 1;
    Migrator::down(&p.app.db, Some(steps as u32)).await.expect("rolled back");
    assert_eq!(stored(&p).await, (10, 10));
    // The unique index of `_id`s is back on the records.
    let dup = "INSERT INTO log_records (table_id, record_id, time, fields, search_text, received_at) \
         SELECT table_id, record_id, time, fields, search_text, received_at FROM log_records WHERE record_id = 'a0'";
    assert!(p.app.db.execute_unprepared(dup).await.is_err(), "a second a0 was accepted");

    Migrator::up(&p.app.db, None).await.expect("applied again");
    assert_eq!(stored(&p).await, (10, 10));
    let again =
        p.ingest(json!([record("a0".into(), now - Duration::days(40)), record("c0".into(), now)])).await;
    assert_eq!((again["stored"].as_u64(), again["duplicates"].as_u64()), (Some(1), Some(1)), "{again}");
    assert_eq!(stored(&p).await, (11, 11));
}
