//! Export benchmark: seeds N tickets (default 1,000,000), then downloads them as CSV and JSON
//! through the real server and prints rows/s, time to the first byte and the server process's
//! resident memory growth while streaming; on PostgreSQL also `COPY (…) TO STDOUT` of the same
//! rows in the same run (on SQLite the `sqlite3` shell's CSV mode), the floor an export is
//! measured against.
//!
//! `cargo bench -p socdesk-api --bench export` (SQLite); `BENCH_DB=postgres` for PostgreSQL;
//! `BENCH_TICKETS=100000` for a quicker run.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first broken step")]

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

#[path = "support/seed.rs"]
mod seed;
mod support;

/// This process's resident set size in KiB (the server runs inside it).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Run {
    rows: u64,
    bytes: u64,
    first_byte: Duration,
    total: Duration,
    rss_growth_kib: u64,
}

/// Downloads `url`, counting bytes and lines, while a thread samples the RSS every 20 ms.
async fn download(client: &reqwest::Client, token: &str, url: &str) -> Run {
    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let started = Instant::now();
    let mut res = client.get(url).bearer_auth(token).send().await.expect("sent");
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let (mut bytes, mut lines, mut first_byte) = (0u64, 0u64, None);
    while let Some(chunk) = res.chunk().await.expect("a chunk") {
        first_byte.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let total = started.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    Run {
        rows: lines.saturating_sub(1),
        bytes,
        first_byte: first_byte.unwrap_or(total),
        total,
        rss_growth_kib: peak.load(Ordering::Relaxed).saturating_sub(baseline),
    }
}

/// `COPY (query) TO STDOUT WITH CSV HEADER` through psql into nothing: rows and time.
fn copy_to_stdout(database_url: &str, query: &str) -> (u64, Duration) {
    let started = Instant::now();
    let out = std::process::Command::new("psql")
        .arg(database_url)
        .args(["-X", "-q", "-c", &format!("COPY ({query}) TO STDOUT WITH CSV HEADER")])
        .output()
        .expect("psql runs");
    let took = started.elapsed();
    assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    let lines = out.stdout.iter().filter(|b| **b == b'\n').count() as u64;
    (lines.saturating_sub(1), took)
}

/// The same query through the `sqlite3` shell in CSV mode: rows and time, or `None` when the
/// shell isn't installed.
fn sqlite_shell(database_url: &str, query: &str) -> Option<(u64, Duration)> {
    let path = database_url.strip_prefix("sqlite://")?.split('?').next()?;
    let started = Instant::now();
    let out = std::process::Command::new("sqlite3")
        .args(["-readonly", "-csv", "-header", path, query])
        .output()
        .ok()?;
    let took = started.elapsed();
    assert!(out.status.success(), "sqlite3: {}", String::from_utf8_lossy(&out.stderr));
    let lines = out.stdout.iter().filter(|b| **b == b'\n').count() as u64;
    Some((lines.saturating_sub(1), took))
}

fn per_second(rows: u64, took: Duration) -> String {
    format!("{:.0}", rows as f64 / took.as_secs_f64())
}

#[tokio::main]
async fn main() {
    let backend = support::backend();
    let n = support::env_number("BENCH_TICKETS", 1_000_000);
    let (db, address, database_url) = support::start(&backend).await;
    println!("seeding {n} tickets into {backend}…");
    let seeded = seed::seed(&db, n).await;
    println!("seeded in {:.1} s", seeded.as_secs_f64());
    let client = reqwest::Client::new();
    let token = support::admin_token(&client, &address).await;
    let columns = "id,title,priority,status,created";
    println!(
        "\n| {backend}, {n} tickets, columns {columns}, newest first | rows | rows/s | first byte | total | MB | RSS growth |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for format in ["csv", "json"] {
        let url = format!("{address}/api/tickets/export?type={format}&columns={columns}&sort=-created_at");
        let run = download(&client, &token, &url).await;
        // JSON: one object per line between the brackets.
        let rows = if format == "json" { run.rows.saturating_sub(1) } else { run.rows };
        assert_eq!(rows, n as u64, "{format}: every ticket once");
        println!(
            "| export {format} over HTTP | {rows} | {} | {:.0} ms | {:.1} s | {:.0} | {:.1} MB |",
            per_second(rows, run.total),
            run.first_byte.as_secs_f64() * 1000.0,
            run.total.as_secs_f64(),
            run.bytes as f64 / 1e6,
            run.rss_growth_kib as f64 / 1024.0
        );
    }
    let query =
        "SELECT id, title, priority, status, created_at FROM tickets ORDER BY created_at DESC, id DESC";
    let floor = if backend == "postgres" {
        Some(("COPY … TO STDOUT (psql)", copy_to_stdout(&database_url, query)))
    } else {
        sqlite_shell(&database_url, query).map(|f| ("sqlite3 -csv (the shell)", f))
    };
    match floor {
        Some((what, (rows, took))) => {
            assert_eq!(rows, n as u64);
            println!(
                "| {what}, the floor | {rows} | {} | — | {:.1} s | — | — |",
                per_second(rows, took),
                took.as_secs_f64()
            );
        }
        None => println!("(no floor: the sqlite3 shell is not installed)"),
    }
}
