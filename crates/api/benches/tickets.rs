//! Ticket list benchmark: seeds N tickets (default 1,000,000) with their history into a fresh
//! database, starts the real server, and prints p50/p99 latency of the list (unfiltered, three
//! filters, keyword), the 90-day trend and a bulk close of 1,000 tickets, measured over HTTP.
//!
//! `cargo bench -p socdesk-api --bench tickets` (SQLite); `BENCH_DB=postgres` for PostgreSQL;
//! `BENCH_TICKETS=100000` for a quicker run.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first broken step")]

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use serde_json::{Value, json};

#[path = "support/seed.rs"]
mod seed;
mod support;

use seed::seed;

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

async fn measure(client: &reqwest::Client, token: &str, url: &str, runs: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let res = client.get(url).bearer_auth(token).send().await.expect("sent");
        assert!(res.status().is_success(), "{url}: {}", res.status());
        let _: Value = res.json().await.expect("json");
        times.push(started.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let backend = support::backend();
    let n = support::env_number("BENCH_TICKETS", 1_000_000);
    let runs = support::env_number("BENCH_RUNS", 50);
    let (db, address, _) = support::start(&backend).await;
    println!("seeding {n} tickets into {backend}…");
    let seeded = seed(&db, n).await;
    println!("seeded {n} tickets and {n} history rows in {:.1} s", seeded.as_secs_f64());

    let client = reqwest::Client::new();
    let token = support::admin_token(&client, &address).await;
    let from = (Utc::now() - Span::days(90)).format("%Y-%m-%dT00:00:00Z");
    println!("\n| {backend}, {n} tickets | p50 | p99 |\n| --- | --- | --- |");
    for (label, path) in [
        ("first page, unfiltered", "/api/tickets?limit=50".to_owned()),
        (
            "first page, three filters",
            "/api/tickets?limit=50&status=new,assigned&priority=high&site_id=2".to_owned(),
        ),
        ("first page, keyword", "/api/tickets?limit=50&q=ws-01234".to_owned()),
        ("trend, 90 days", format!("/api/tickets/trend?from={from}")),
    ] {
        let (p50, p99) = measure(&client, &token, &format!("{address}{path}"), runs).await;
        println!("| {label} | {} | {} |", ms(p50), ms(p99));
    }
    let mut closes = Vec::new();
    for round in 0..5 {
        let ids: Vec<i64> = (0..1000).map(|i| (round * 1000 + i + 1) as i64).collect();
        let started = Instant::now();
        let res: Value = client
            .post(format!("{address}/api/tickets/bulk"))
            .bearer_auth(&token)
            .json(&json!({"ids": ids, "action": "close", "comment": "bench"}))
            .send()
            .await
            .expect("bulk")
            .json()
            .await
            .expect("json");
        closes.push(started.elapsed());
        assert!(res["succeeded"].as_u64().is_some(), "{res}");
    }
    closes.sort();
    println!(
        "| bulk close of 1,000 tickets (5 runs) | {} | {} |",
        ms(percentile(&closes, 0.5)),
        ms(percentile(&closes, 0.99))
    );
}
