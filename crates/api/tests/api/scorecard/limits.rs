//! Scorecard 20: resource limits. Absurd page sizes on every list, 100 MB bodies to the JSON,
//! CSV and multipart writes, an export of every ticket (5,000,000 in the full run) while the
//! process's memory is watched, and 1,000 idle connections; `/healthz` is timed throughout.

use std::time::{Duration, Instant};

use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, IdenStatic, Iterable};
use serde_json::{Value, json};
use socdesk_domain::entities::ticket;

use super::{
    Row, full,
    raw::{Huge, post_huge},
    report,
};
use crate::helpers::{TestApp, spawn_app};

/// The process's resident memory, in MiB (the server runs in this process).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Copies ticket `template` `n` times in one statement run by the database itself (sending
/// millions of rows from a debug build would take most of an hour).
async fn clone_tickets(db: &DatabaseConnection, template: i64, n: usize) -> Duration {
    let started = Instant::now();
    let columns: Vec<&str> = ticket::Column::iter().map(|c| c.as_str()).collect();
    let values: Vec<String> = columns
        .iter()
        .map(|c| match *c {
            "id" => "t.id + n.i".to_owned(),
            "title" => "'Cloned ticket ' || n.i".to_owned(),
            "search_text" => "'cloned ticket ' || n.i".to_owned(),
            c => format!("t.\"{c}\""),
        })
        .collect();
    let names = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let values = values.join(", ");
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => format!(
            "INSERT INTO tickets ({names}) SELECT {values} FROM generate_series(1, {n}) AS n(i), tickets t \
             WHERE t.id = {template}"
        ),
        _ => format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO tickets ({names}) SELECT {values} FROM n, tickets t WHERE t.id = {template}"
        ),
    };
    db.execute_unprepared(&sql).await.expect("tickets cloned");
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))",
        )
        .await
        .expect("sequence");
    }
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        // The insert trigger announced every clone at once; a real day's tickets arrive spread
        // out and the live-update reader keeps up. Millions of announcements in one go would
        // keep it (and its connection) busy for minutes, which is not what this row measures.
        db.execute_unprepared("DELETE FROM change_events").await.expect("announcements cleared");
    }
    db.execute_unprepared("ANALYZE").await.expect("analyze");
    started.elapsed()
}

/// The slowest of `n` `/healthz` answers, in milliseconds, on a connection of its own.
async fn healthz_worst(app: &TestApp, n: usize) -> f64 {
    let client = reqwest::Client::new();
    let mut worst: f64 = 0.0;
    for _ in 0..n {
        let started = Instant::now();
        let res = client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
        assert!(res.status().is_success());
        worst = worst.max(started.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worst
}

/// Every list in the OpenAPI document (a GET with a `limit`), asked for absurd pages: each must
/// answer 4xx or at most 500 items. Answers the number of requests and what broke the rule.
async fn absurd_pages(app: &TestApp, doc: &Value) -> (usize, Vec<String>) {
    let mut sent = 0;
    let mut broken = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        let Some(get) = ops.get("get") else { continue };
        let has_limit = get["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "limit" && p["in"] == "query"));
        if !has_limit {
            continue;
        }
        let concrete =
            path.split('/').map(|s| if s.starts_with('{') { "1" } else { s }).collect::<Vec<_>>().join("/");
        for limit in ["1000000000", "99999999999999999999", "-1", "0", "1e9", "500.5"] {
            sent += 1;
            let res = app
                .request(Method::GET, &format!("{concrete}?limit={limit}"), Some(&app.admin_token), None)
                .await;
            let status = res.status();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            let items = body["items"].as_array().map_or(0, Vec::len);
            if status.is_server_error() || (status.is_success() && items > 500) {
                broken.push(format!("{concrete}?limit={limit}: {status}, {items} items"));
            }
        }
    }
    (sent, broken)
}

#[tokio::test]
async fn scorecard_20_limits_hold_and_healthz_stays_fast() {
    // An export that stops early says why only in the server's log.
    let _ = tracing_subscriber::fmt().with_env_filter("error").with_test_writer().try_init();
    let app = spawn_app().await;
    let mut problems = Vec::new();
    let mut worst_healthz: Vec<(String, f64)> = vec![("idle".into(), healthz_worst(&app, 10).await)];

    let doc: Value = app.get("/api/openapi.json", &app.admin_token).await.json().await.expect("openapi");
    let (pages, broken) = absurd_pages(&app, &doc).await;
    problems.extend(broken);

    // 100 MB bodies, declared and chunked, to a JSON, a CSV and a multipart write.
    const HUNDRED_MB: usize = 100 * 1024 * 1024;
    let mut bodies = Vec::new();
    for (path, content_type, prefix) in [
        ("/api/tickets", "application/json", b"{\"title\": \"".to_vec()),
        ("/api/markdown/preview", "application/json", b"{\"body\": \"".to_vec()),
        ("/api/employees/import", "text/csv", b"id,name,email\n".to_vec()),
        (
            "/api/attachments",
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n\r\n".to_vec(),
        ),
    ] {
        for chunked in [false, true] {
            let body = Huge { content_type, prefix: prefix.clone(), fill: b'a', total: HUNDRED_MB, chunked };
            let (status, sent) = post_huge(&app, path, Some(&app.admin_token), body).await;
            bodies.push(sent);
            if status != 413 || sent > HUNDRED_MB / 4 {
                problems.push(format!("100 MB to {path} (chunked {chunked}): {status} after {sent} bytes"));
            }
        }
    }
    worst_healthz.push(("after 100 MB bodies".into(), healthz_worst(&app, 10).await));
    let most_taken = bodies.iter().max().copied().unwrap_or(0) as f64 / (1024.0 * 1024.0);

    // 1,000 idle connections: open, say nothing.
    let before_idle = rss_mib();
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut idle = Vec::new();
    for _ in 0..1000 {
        idle.push(tokio::net::TcpStream::connect(&address).await.expect("idle connection"));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    worst_healthz.push(("1,000 idle connections".into(), healthz_worst(&app, 20).await));
    let list = app.get("/api/tickets?limit=1", &app.admin_token).await.status();
    if !list.is_success() {
        problems.push(format!("a list with 1,000 idle connections open: {list}"));
    }
    let idle_growth = rss_mib() - before_idle;
    drop(idle);

    // Every ticket exported as CSV, read as it streams, memory and /healthz watched meanwhile.
    let rows = std::env::var("SCORECARD_EXPORT_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full() { 5_000_000 } else { 20_000 });
    let site = app.site("Export site").await;
    let template = json!({"site_id": site, "kind": "analysis", "title": "Template", "priority": "high"});
    let template =
        app.post("/api/tickets", &app.admin_token, template).await.json::<Value>().await.expect("ticket");
    let seeded = clone_tickets(&app.db, template["id"].as_i64().expect("id"), rows - 1).await;
    let before_export = rss_mib();
    let started = Instant::now();
    let mut res = app.get("/api/tickets/export?type=csv", &app.admin_token).await;
    assert!(res.status().is_success(), "export: {}", res.status());
    let mut bytes = 0usize;
    let mut lines = 0usize;
    let mut peak = before_export;
    let mut healthz_during: f64 = 0.0;
    let mut next_probe = Instant::now();
    let probe = reqwest::Client::new();
    let mut broke = None;
    loop {
        let piece = match res.chunk().await {
            Ok(Some(piece)) => piece,
            Ok(None) => break,
            Err(e) => {
                broke = Some(format!("the export broke off after {bytes} bytes: {e}"));
                break;
            }
        };
        bytes += piece.len();
        lines += piece.iter().filter(|&&b| b == b'\n').count();
        if Instant::now() >= next_probe {
            peak = peak.max(rss_mib());
            let t = Instant::now();
            probe.get(format!("{}/healthz", app.address)).send().await.expect("healthz during export");
            healthz_during = healthz_during.max(t.elapsed().as_secs_f64() * 1000.0);
            next_probe = Instant::now() + Duration::from_millis(250);
        }
    }
    let export_secs = started.elapsed().as_secs_f64();
    problems.extend(broke);
    worst_healthz.push(("during the export".into(), healthz_during));
    let growth = peak - before_export;
    let file_mib = bytes as f64 / (1024.0 * 1024.0);
    if lines != rows + 1 {
        problems.push(format!("the export held {lines} lines for {rows} tickets"));
    }
    // Streaming: memory grows by a bounded amount, not with the file.
    if growth > 200.0 {
        problems.push(format!("memory grew {growth:.0} MiB during a {file_mib:.0} MiB export"));
    }
    for (when, ms) in &worst_healthz {
        if *ms > 500.0 {
            problems.push(format!("/healthz took {ms:.0} ms {when}"));
        }
    }

    let pass = problems.is_empty();
    let healthz: Vec<String> = worst_healthz.iter().map(|(w, ms)| format!("{w} {ms:.0} ms")).collect();
    report(Row {
        number: 20,
        test: "resource limits",
        tried: format!(
            "{pages} absurd `limit`s over every list; 8 bodies of 100 MB (JSON, CSV, multipart; declared and chunked); \
             1,000 idle connections; a CSV export of {rows} tickets (seeded in {:.0} s); /healthz timed throughout",
            seeded.as_secs_f64()
        ),
        threshold: "clamped or 4xx, memory bounded, /healthz stays fast (≤ 500 ms)",
        result: if pass {
            format!(
                "every limit 4xx or ≤ 500 items; every body 413 with at most {most_taken:.1} MiB written; idle connections \
                 {idle_growth:+.0} MiB; {rows} rows ({file_mib:.0} MiB) in {export_secs:.0} s with memory +{growth:.0} MiB; \
                 slowest /healthz: {}",
                healthz.join(", ")
            )
        } else {
            problems.join("; ")
        },
        pass,
    });
}
