//! Kill -9 the real `socdesk` binary in the middle of a long ingest, start it again on the same
//! database: every acknowledged record is there, no attack has two tickets, and resending
//! everything completes the data without opening anything twice.

use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
    sync::mpsc,
};

use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, fresh_database_url};

pub(crate) const PER_BATCH: usize = 500;
pub(crate) const SOURCES: usize = 5;

/// The real binary running as a child process, with the admin signed in.
pub struct Server {
    pub child: Child,
    pub address: String,
    pub client: reqwest::Client,
    pub token: String,
}

/// Starts the binary on `database_url` and signs the admin in.
pub(crate) async fn start(database_url: &str) -> Server {
    start_with(database_url, &[]).await
}

/// Starts the binary on `database_url` with extra environment variables and signs the admin in.
pub async fn start_with(database_url: &str, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socdesk"));
    child.envs(env.iter().copied());
    let mut child = child
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("SOCDESK_BIND", "127.0.0.1:0")
        .env("SOCDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("SOCDESK_JWT_SECRET", JWT_SECRET)
        .env("SOCDESK_WEB_DIR", std::env::temp_dir().join("socdesk-no-web-app"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("socdesk starts");
    // Drain both streams for the server's whole life (a full pipe would block it).
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    for stream in [Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Unpin + Send>, Box::new(stderr)] {
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let _ = tx.send(line);
            }
        });
    }
    let address = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = rx.recv().await {
            if let Some(rest) = line.split("socdesk listening on ").nth(1) {
                return rest.split_whitespace().next().map(|a| a.trim_end_matches("\u{1b}[0m").to_owned());
            }
        }
        None
    })
    .await
    .expect("the server reports listening within 60 s")
    .expect("listening line");
    let client = reqwest::Client::new();
    let token: Value = client
        .post(format!("{address}/api/auth/login"))
        .json(&json!({"login": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = token["access_token"].as_str().expect("token").to_owned();
    Server { child, address, client, token }
}

impl Server {
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Result<reqwest::Response> {
        self.client.post(format!("{}{path}", self.address)).bearer_auth(&self.token).json(body).send().await
    }

    /// A site, a firewall log table and a stream rule opening one ticket per source address.
    pub(crate) async fn setup(&self) {
        let site: Value =
            self.post("/api/sites", &json!({"name": "HQ"})).await.expect("site").json().await.expect("json");
        let schema: Value = self
            .post("/api/log-schemas", &json!({"name": "fw", "fields": [{"name": "src_ip", "type": "ip"}, {"name": "n", "type": "integer"}]}))
            .await
            .expect("schema")
            .json()
            .await
            .expect("json");
        let res = self
            .post("/api/log-tables", &json!({"name": "fw", "schema_id": schema["id"]}))
            .await
            .expect("table");
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = self
            .post(
                "/api/rules",
                &json!({"name": "All", "kind": "stream", "table": "fw",
                "condition": {"exists": {"field": "src_ip"}}, "dedup_fields": ["src_ip"],
                "ticket": {"site_id": site["id"], "title": "Seen {src_ip}"}}),
            )
            .await
            .expect("rule");
        assert_eq!(res.status(), StatusCode::CREATED);
    }
}

/// Batch `k`: `PER_BATCH` records with ids `k-0`, `k-1`, … over `SOURCES` addresses.
pub(crate) fn batch(k: usize) -> Value {
    Value::Array(
        (0..PER_BATCH)
            .map(|i| json!({"_id": format!("{k}-{i}"), "src_ip": format!("10.0.0.{}", i % SOURCES), "n": i}))
            .collect(),
    )
}

pub(crate) async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("query")
        .expect("row");
    row.try_get_by_index::<i64>(0).expect("number")
}

#[tokio::test]
async fn a_killed_server_loses_no_acknowledged_record_and_opens_no_ticket_twice() {
    let url = fresh_database_url().await;
    let mut first = start(&url).await;
    first.setup().await;

    // Ingest batches one after another until the server dies under us.
    let acknowledged = Arc::new(Mutex::new(Vec::<usize>::new()));
    let sender = {
        let acknowledged = acknowledged.clone();
        let (client, address, token) = (first.client.clone(), first.address.clone(), first.token.clone());
        tokio::spawn(async move {
            for k in 0..10_000 {
                let res = client
                    .post(format!("{address}/api/logs/fw"))
                    .bearer_auth(&token)
                    .json(&batch(k))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == StatusCode::OK => acknowledged.lock().expect("lock").push(k),
                    _ => return k,
                }
            }
            10_000
        })
    };
    while acknowledged.lock().expect("lock").len() < 8 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.child.start_kill().expect("kill -9");
    first.child.wait().await.expect("dead");
    let attempted = sender.await.expect("sender");
    let acked = acknowledged.lock().expect("lock").clone();
    assert!(
        !acked.is_empty() && attempted >= acked.len(),
        "attempted {attempted}, acknowledged {}",
        acked.len()
    );

    let second = start(&url).await;
    let db = Database::connect(&url).await.expect("database");
    for k in &acked {
        let stored =
            scalar(&db, &format!("SELECT COUNT(*) FROM log_records WHERE record_id LIKE '{k}-%'")).await;
        assert_eq!(stored, PER_BATCH as i64, "acknowledged batch {k} is complete");
    }
    let tickets = scalar(&db, "SELECT COUNT(*) FROM tickets").await;
    assert_eq!(tickets, SOURCES as i64, "one ticket per attack");
    let records = scalar(&db, "SELECT COUNT(*) FROM log_records").await;
    let counted = scalar(&db, "SELECT CAST(SUM(duplicate_count) AS BIGINT) FROM tickets").await;
    assert_eq!(counted, records, "every stored record was counted once");

    // The pipeline resends everything it is not sure of: nothing doubles.
    for k in 0..=attempted {
        let res = second.post("/api/logs/fw", &batch(k)).await.expect("resend");
        assert_eq!(res.status(), StatusCode::OK);
    }
    let records = scalar(&db, "SELECT COUNT(*) FROM log_records").await;
    assert_eq!(records, ((attempted + 1) * PER_BATCH) as i64);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM tickets").await, SOURCES as i64);
    assert_eq!(scalar(&db, "SELECT CAST(SUM(duplicate_count) AS BIGINT) FROM tickets").await, records);
}
