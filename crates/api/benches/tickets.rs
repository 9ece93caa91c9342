//! Ticket list benchmark: seeds N tickets (default 1,000,000) with their history into a fresh
//! database, starts the real server, and prints p50/p99 latency of the list (unfiltered, three
//! filters, keyword), the 90-day trend and a bulk close of 1,000 tickets, measured over HTTP.
//!
//! `cargo bench -p socdesk-api --bench tickets` (SQLite); `BENCH_DB=postgres` for PostgreSQL;
//! `BENCH_TICKETS=100000` for a quicker run.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first broken step")]

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use rand::RngExt;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use socdesk_domain::entities::{site, ticket, ticket_category, ticket_history};

mod support;

use support::ADMIN_PASSWORD;

const WORDS: &[&str] = &[
    "port",
    "scan",
    "phishing",
    "malware",
    "beacon",
    "lateral",
    "movement",
    "exfiltration",
    "brute",
    "force",
    "login",
    "dns",
    "tunnel",
    "ransomware",
    "policy",
    "violation",
    "usb",
    "upload",
    "proxy",
    "anomaly",
];
const STATUSES: &[(&str, i16)] = &[
    ("new", 1),
    ("assigned", 2),
    ("in_progress", 3),
    ("submitted", 4),
    ("approved", 5),
    ("rejected", 6),
    ("closed", 7),
];
const PRIORITIES: &[(&str, i16)] = &[("high", 1), ("medium", 2), ("low", 3)];

async fn seed(db: &sea_orm::DatabaseConnection, n: usize) -> Duration {
    let started = Instant::now();
    let now = Utc::now();
    let mut sites = Vec::new();
    let mut categories = Vec::new();
    for i in 0..5 {
        let s = site::ActiveModel {
            name: Set(format!("Site {i}")),
            description: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        sites.push(site::Entity::insert(s).exec(db).await.expect("site").last_insert_id);
        let c = ticket_category::ActiveModel {
            name: Set(format!("Category {i}")),
            description: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        categories.push(ticket_category::Entity::insert(c).exec(db).await.expect("category").last_insert_id);
    }
    let mut rng = rand::rng();
    let batch = 1000;
    let mut next_id: i64 = 1;
    for start in (0..n).step_by(batch) {
        let count = batch.min(n - start);
        let mut tickets = Vec::with_capacity(count);
        let mut history = Vec::with_capacity(count);
        for _ in 0..count {
            let created = now - Span::seconds(rng.random_range(0..365 * 24 * 3600));
            let (status, status_rank) = STATUSES[rng.random_range(0..STATUSES.len())];
            let (priority, priority_rank) = PRIORITIES[rng.random_range(0..PRIORITIES.len())];
            let title: Vec<&str> = (0..4).map(|_| WORDS[rng.random_range(0..WORDS.len())]).collect();
            let title = format!("{} #{next_id}", title.join(" "));
            let host = format!("ws-{:05}", rng.random_range(0..50_000));
            tickets.push(ticket::ActiveModel {
                id: Set(next_id),
                site_id: Set(sites[rng.random_range(0..sites.len())]),
                category_id: Set(Some(categories[rng.random_range(0..categories.len())])),
                kind: Set("detection".into()),
                search_text: Set(format!("{title}\nhost {host}").to_lowercase()),
                title: Set(title),
                body: Set(String::new()),
                body_format: Set("markdown".into()),
                fields: Set(json!([{"name": "Host", "value": host}])),
                priority: Set(priority.into()),
                priority_rank: Set(priority_rank),
                status: Set(status.into()),
                status_rank: Set(status_rank),
                attack: Set(None),
                incident: Set(None),
                created_by: Set("system".into()),
                registered_by: Set(None),
                rule_id: Set(None),
                duplicate_count: Set(0),
                risk_score: Set(None),
                src_ip: Set(None),
                dst_ip: Set(None),
                host: Set(Some(host)),
                created_at: Set(created),
                modified_at: Set(created),
                closed_at: Set((status == "closed").then_some(created + Span::hours(4))),
                first_assigned_at: Set((status != "new").then_some(created + Span::minutes(10))),
                version: Set(1),
                dedup_key: Set(None),
                first_seen_at: Set(None),
                last_seen_at: Set(None),
                evidence_count: Set(0),
                explanation_status: Set(None),
            });
            history.push(ticket_history::ActiveModel {
                ticket_id: Set(next_id),
                at: Set(created),
                actor_id: Set(None),
                actor: Set("system".into()),
                field: Set("created".into()),
                old_value: Set(None),
                new_value: Set(Some(status.into())),
                comment: Set(None),
                ..Default::default()
            });
            next_id += 1;
        }
        ticket::Entity::insert_many(tickets).exec_without_returning(db).await.expect("tickets");
        ticket_history::Entity::insert_many(history).exec_without_returning(db).await.expect("history");
    }
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))",
        )
        .await
        .expect("sequence");
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    } else {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    started.elapsed()
}

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
    let (db, address) = support::start(&backend).await;
    println!("seeding {n} tickets into {backend}…");
    let seeded = seed(&db, n).await;
    println!("seeded {n} tickets and {n} history rows in {:.1} s", seeded.as_secs_f64());

    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{address}/api/auth/login"))
        .json(&json!({"login": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["access_token"].as_str().expect("token").to_owned();
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
