//! Seeds tickets (with one history row each) straight into a benchmark's database: five sites,
//! five categories, random titles, statuses, priorities and creation times over a year.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use rand::RngExt;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::json;
use socdesk_domain::entities::{site, ticket, ticket_category, ticket_history};

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

/// Inserts `n` tickets in batches of 900; answers how long it took.
pub async fn seed(db: &sea_orm::DatabaseConnection, n: usize) -> Duration {
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
    // 900 rows × 33 columns stays under SQLite's limit of 32,766 bound variables per statement.
    let batch = 900;
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
