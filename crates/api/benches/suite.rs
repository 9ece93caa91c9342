//! The benchmark suite: seeds `BENCH_TICKETS` tickets (default 1,000,000) into a fresh database,
//! starts the real `socdesk` binary on it and prints one table, each figure beside its floor
//! measured in the same run on the same data, with the ratio and the target.
//!
//! `scripts/bench.sh` runs it with the export and ingest benchmarks (one table); alone:
//! `cargo bench -p socdesk-api --bench suite`, `BENCH_DB=postgres` for PostgreSQL,
//! `BENCH_SECONDS` per load run (default 10). Needs `wrk` (HTTP load) and, on PostgreSQL,
//! `pgbench`; `scripts/bench.sh` installs both.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first broken step")]

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use chrono::{Duration as Span, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use socdesk_migrations::{Migrator, MigratorTrait};
use tokio::process::{Child, Command};

#[path = "support/seed.rs"]
mod seed;
#[expect(dead_code, reason = "the suite starts the real binary, not the in-process server")]
mod support;

use support::ADMIN_PASSWORD;

/// The list every load row asks for: three filters, newest first, 50 rows.
const LIST: &str = "/api/tickets?limit=50&status=new,assigned&priority=high&site_id=2&sort=-created_at";
/// The same page and count, as the list states them (it then reads the page's names too).
const LIST_SQL: [&str; 2] = [
    "SELECT * FROM tickets WHERE site_id = 2 AND priority IN ('high') AND status IN ('new', 'assigned') \
     ORDER BY created_at DESC, id DESC LIMIT 51",
    "SELECT COUNT(*) FROM tickets WHERE site_id = 2 AND priority IN ('high') AND status IN ('new', 'assigned')",
];

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// One row of the table.
struct Row {
    figure: String,
    value: String,
    floor: String,
    ratio: Option<f64>,
    target: &'static str,
    met: Option<bool>,
}

impl Row {
    fn print(&self) {
        let ratio = self.ratio.map_or(String::new(), |r| format!("{r:.2}"));
        let met = match self.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "",
        };
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            self.figure, self.value, self.floor, ratio, self.target, met
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
}

/// The real binary, on `url`, listening on a free port.
async fn start_server(url: &str) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let child = Command::new(env!("CARGO_BIN_EXE_socdesk"))
        .env("DATABASE_URL", url)
        .env("SOCDESK_BIND", format!("127.0.0.1:{port}"))
        .env("SOCDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("SOCDESK_ACCESS_TOKEN_TTL", "7200")
        .env("SOCDESK_WEB_DIR", std::env::temp_dir())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("socdesk starts");
    let address = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(format!("{address}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return (child, address);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("socdesk did not become ready");
}

/// Resident memory of a process, from /proc.
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// What wrk measured: requests per second, p95, non-2xx answers.
struct Load {
    rps: f64,
    p95: Duration,
    errors: u64,
}

const WRK_SCRIPT: &str = r#"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(95.0), summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"#;

/// `wrk` with 8 connections for `secs` seconds.
async fn wrk(url: &str, token: Option<&str>, secs: u64) -> Load {
    let script = std::env::temp_dir().join("socdesk-bench-wrk.lua");
    std::fs::write(&script, WRK_SCRIPT).expect("script");
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c8", &format!("-d{secs}s"), "--timeout", "10s", "-s"]).arg(&script);
    if let Some(t) = token {
        cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd.arg(url).output().await.expect("wrk runs (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("RESULT ")).unwrap_or_else(|| panic!("wrk: {text}"));
    let n: Vec<u64> = line.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    Load { rps: n[0] as f64 / (n[1] as f64 / 1e6), p95: Duration::from_micros(n[2]), errors: n[3] }
}

/// The floor of the list: its statements, 8 clients, straight to the database.
async fn list_floor(backend: &str, url: &str, secs: u64) -> f64 {
    if backend == "postgres" {
        let script = std::env::temp_dir().join("socdesk-bench-list.sql");
        std::fs::write(&script, LIST_SQL.map(|s| format!("{s};\n")).concat()).expect("script");
        let out = Command::new("pgbench")
            .args(["-n", "-c8", "-j2", &format!("-T{secs}"), "-f"])
            .arg(&script)
            .arg(pg_conninfo(url))
            .output()
            .await
            .expect("pgbench runs");
        let text = String::from_utf8_lossy(&out.stdout);
        return text
            .lines()
            .find_map(|l| l.strip_prefix("tps = "))
            .and_then(|l| l.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("pgbench: {text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    // SQLite has no pgbench: eight connections of its own, read-only, each repeating the list.
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let db = Database::connect(url).await.expect("sqlite");
            let mut done = 0u64;
            while Instant::now() < deadline {
                for sql in LIST_SQL {
                    db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql))
                        .await
                        .expect("floor query");
                }
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("floor task");
    }
    total as f64 / secs as f64
}

/// libpq's key=value form of a `postgres://` URL (pgbench reads it; a socket folder decoded).
fn pg_conninfo(url: &str) -> String {
    let parsed = url::Url::parse(url).expect("database URL");
    let host = parsed.host_str().unwrap_or("127.0.0.1").replace("%2F", "/").replace("%2f", "/");
    format!(
        "host={host} port={} user={} dbname={}",
        parsed.port().unwrap_or(5432),
        if parsed.username().is_empty() { "postgres" } else { parsed.username() },
        parsed.path().trim_start_matches('/')
    )
}

/// Median and p95 of `runs` sequential GETs.
async fn timed(client: &reqwest::Client, token: &str, url: &str, runs: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let res = client.get(url).bearer_auth(token).send().await.expect("sent");
        assert!(res.status().is_success(), "{url}: {}", res.status());
        let _ = res.bytes().await.expect("body");
        times.push(started.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.95))
}

/// Median of `runs` runs of `sql` straight on the database.
async fn timed_sql(db: &DatabaseConnection, sql: &str, runs: usize) -> Duration {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.expect("sql");
        times.push(started.elapsed());
    }
    times.sort();
    percentile(&times, 0.5)
}

/// A bare `/healthz` in this binary: actix alone, none of socdesk's middleware.
fn bare_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(|| {
                actix_web::App::new().route(
                    "/healthz",
                    actix_web::web::get()
                        .to(|| async { actix_web::HttpResponse::Ok().json(json!({"status": "ok"})) }),
                )
            })
            .workers(2)
            .listen(listener)
            .expect("listen")
            .run()
            .await
            .expect("bare server");
        });
    });
    address
}

/// The analyst app as a browser downloads it: the gzip copies (what is served to a browser that
/// asks) of the style sheet, loader, glue and wasm that `index.html` names.
fn web_download(dist: &Path) -> Option<u64> {
    let index = std::fs::read_to_string(dist.join("index.html")).ok()?;
    let css = index.split("href=\"/").nth(1)?.split('"').next()?;
    let folder = dist.join(Path::new(css).parent()?);
    ["style.css", "boot-socdesk_web.js", "socdesk_web.js", "socdesk_web_bg.wasm"]
        .iter()
        .map(|f| std::fs::metadata(folder.join(format!("{f}.gz"))).ok().map(|m| m.len()))
        .sum()
}

#[tokio::main]
async fn main() {
    let backend = support::backend();
    let n = support::env_number("BENCH_TICKETS", 1_000_000);
    let secs = support::env_number("BENCH_SECONDS", 10) as u64;
    let runs = support::env_number("BENCH_RUNS", 50);
    let url = support::database_url(&backend).await;
    if let Some(dir) = socdesk_api::startup::sqlite_file(&url).and_then(|f| Path::new(f).parent()) {
        std::fs::create_dir_all(dir).expect("database folder");
    }
    let db = Database::connect(&url).await.expect("database");
    Migrator::up(&db, None).await.expect("migrations");
    eprintln!("seeding {n} tickets into {backend}…");
    let seeded = seed::seed(&db, n).await;
    eprintln!("seeded in {:.1} s", seeded.as_secs_f64());
    if backend == "postgres" {
        db.execute_unprepared("VACUUM ANALYZE").await.expect("analyze");
    } else {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }

    let (server, address) = start_server(&url).await;
    let pid = server.id().expect("pid");
    let client = reqwest::Client::new();
    let token = support::admin_token(&client, &address).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss = rss_mb(pid);

    println!("\n{backend}, {n} tickets, 2 cores; load: wrk, 8 connections, {secs} s\n");
    println!("| figure | socdesk | floor | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |");

    // List under load, against its statements straight on the database.
    let list = wrk(&format!("{address}{LIST}"), Some(&token), secs).await;
    let loaded_rss = rss_mb(pid);
    let floor = list_floor(&backend, &url, secs).await;
    let ratio = list.rps / floor;
    Row {
        figure: "list API, 3 filters + sort, 50 rows, 8 connections".into(),
        value: format!(
            "{:.0} rps, p95 {}{}",
            list.rps,
            ms(list.p95),
            if list.errors > 0 { format!(", {} errors", list.errors) } else { String::new() }
        ),
        floor: format!(
            "{floor:.0} rps ({})",
            if backend == "postgres" { "pgbench" } else { "8 SQLite connections" }
        ),
        ratio: Some(ratio),
        target: "≥ 0.5×, p95 ≤ 50 ms",
        met: Some(ratio >= 0.5 && list.p95 <= Duration::from_millis(50) && list.errors == 0),
    }
    .print();

    // A page 900,000 rows deep (or 90% of a smaller set), reached by following cursors.
    let depth = (n * 9 / 10).min(900_000);
    let mut cursor: Option<String> = None;
    let mut walked = 0;
    while walked < depth {
        let step = (depth - walked).min(500);
        let mut path = format!("{address}/api/tickets?limit={step}&sort=-created_at");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value =
            client.get(&path).bearer_auth(&token).send().await.expect("page").json().await.expect("json");
        walked += page["items"].as_array().map_or(0, Vec::len);
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    let first =
        timed(&client, &token, &format!("{address}/api/tickets?limit=50&sort=-created_at"), runs).await;
    let deep = timed(
        &client,
        &token,
        &format!(
            "{address}/api/tickets?limit=50&sort=-created_at&cursor={}",
            cursor.as_deref().unwrap_or("")
        ),
        runs,
    )
    .await;
    let ratio = deep.0.as_secs_f64() / first.0.as_secs_f64();
    Row {
        figure: format!("cursor page at depth {walked}"),
        value: format!("p50 {}", ms(deep.0)),
        floor: format!("first page p50 {}", ms(first.0)),
        ratio: Some(ratio),
        target: "≤ 2×",
        met: Some(ratio <= 2.0),
    }
    .print();

    // Keyword search.
    let search = timed(&client, &token, &format!("{address}/api/tickets?limit=50&q=ws-01234"), runs).await;
    Row {
        figure: "keyword search (`q=ws-01234`)".into(),
        value: format!("p95 {}", ms(search.1)),
        floor: "—".into(),
        ratio: None,
        target: "p95 ≤ 100 ms",
        met: Some(search.1 <= Duration::from_millis(100)),
    }
    .print();

    // The 90-day trend, against the same GROUP BY straight on the database.
    let from = Utc::now() - Span::days(89);
    let from_day = from.format("%Y-%m-%dT00:00:00Z").to_string();
    let trend =
        timed(&client, &token, &format!("{address}/api/tickets/trend?from={from_day}"), runs.min(20)).await;
    let day = if backend == "postgres" {
        "date_trunc('day', created_at AT TIME ZONE 'UTC')"
    } else {
        "substr(created_at, 1, 10)"
    };
    let bound = if backend == "postgres" {
        format!("'{from_day}'")
    } else {
        format!("'{}'", from.format("%Y-%m-%d 00:00:00"))
    };
    let group_by =
        format!("SELECT {day}, status, COUNT(*) FROM tickets WHERE created_at >= {bound} GROUP BY 1, 2");
    let direct = timed_sql(&db, &group_by, runs.min(20)).await;
    let ratio = trend.0.as_secs_f64() / direct.as_secs_f64();
    Row {
        figure: "trend, 90 days".into(),
        value: format!("p50 {}", ms(trend.0)),
        floor: format!("GROUP BY p50 {}", ms(direct)),
        ratio: Some(ratio),
        target: "≤ 1.5×",
        met: Some(ratio <= 1.5),
    }
    .print();

    // Bulk close of 10,000 open tickets, against one UPDATE ... WHERE id IN + history insert.
    let open: Vec<i64> = {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT id FROM tickets WHERE status NOT IN ('closed') ORDER BY id LIMIT 20000",
            ))
            .await
            .expect("open tickets");
        rows.iter().map(|r| r.try_get_by_index::<i64>(0).expect("id")).collect()
    };
    let half = open.len() / 2;
    let (api_ids, floor_ids) = open.split_at(half);
    let started = Instant::now();
    let res = client
        .post(format!("{address}/api/tickets/bulk"))
        .bearer_auth(&token)
        .json(&json!({"ids": api_ids, "action": "close", "comment": "bench"}))
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .expect("bulk");
    assert!(res.status().is_success(), "bulk close: {}", res.status());
    let body: Value = res.json().await.expect("json");
    let api_took = started.elapsed();
    let list = floor_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let now = if backend == "postgres" { "now()" } else { "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')" };
    let started = Instant::now();
    let txn = sea_orm::TransactionTrait::begin(&db).await.expect("txn");
    txn.execute_unprepared(&format!(
        "INSERT INTO ticket_history (ticket_id, at, actor_id, actor, field, old_value, new_value, comment) \
         SELECT id, {now}, NULL, 'admin', 'status', status, 'closed', 'bench' FROM tickets WHERE id IN ({list})"
    ))
    .await
    .expect("history");
    txn.execute_unprepared(&format!(
        "UPDATE tickets SET status = 'closed', status_rank = 7, closed_at = {now}, modified_at = {now}, \
         version = version + 1 WHERE id IN ({list})"
    ))
    .await
    .expect("update");
    txn.commit().await.expect("commit");
    let floor_took = started.elapsed();
    let ratio = api_took.as_secs_f64() / floor_took.as_secs_f64();
    Row {
        figure: format!("bulk close of {} tickets ({} closed)", api_ids.len(), body["succeeded"]),
        value: ms(api_took),
        floor: format!("UPDATE + history INSERT {}", ms(floor_took)),
        ratio: Some(ratio),
        target: "≤ 2×",
        met: Some(ratio <= 2.0),
    }
    .print();

    // /healthz through every middleware, against a bare actix route in this binary.
    let health = wrk(&format!("{address}/healthz"), None, secs).await;
    let bare = wrk(&format!("{}/healthz", bare_server()), None, secs).await;
    let ratio = health.rps / bare.rps;
    Row {
        figure: "`/healthz` rps through the full middleware stack".into(),
        value: format!("{:.0} rps", health.rps),
        floor: format!("bare route {:.0} rps", bare.rps),
        ratio: Some(ratio),
        target: "≥ 0.8×",
        met: Some(ratio >= 0.8),
    }
    .print();

    Row {
        figure: "RSS idle / under list load".into(),
        value: format!("{idle_rss:.0} MB / {loaded_rss:.0} MB"),
        floor: "—".into(),
        ratio: None,
        target: "≤ 64 MB / ≤ 256 MB",
        met: Some(idle_rss <= 64.0 && loaded_rss <= 256.0),
    }
    .print();

    let dist = std::env::var("BENCH_WEB_DIST")
        .map_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist"), Into::into);
    match web_download(&dist) {
        Some(bytes) => Row {
            figure: "web app download (compressed wasm + js + css)".into(),
            value: format!("{:.0} KB", bytes as f64 / 1000.0),
            floor: "—".into(),
            ratio: None,
            target: "≤ 600 KB",
            met: Some(bytes <= 600_000),
        }
        .print(),
        None => eprintln!("web app not built (scripts/build-web.sh): its size is not measured"),
    }
    drop(server);
}
