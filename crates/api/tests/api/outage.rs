//! The database going away: requests answer 503 problem+json (never 500, never a hang or a
//! crash) while it is gone, and service resumes by itself within seconds of its return.
//!
//! PostgreSQL is cut off by the test's own TCP proxy in front of it (connections reset, new ones
//! refused, as when the server stops); SQLite, embedded, is "gone" when another process holds
//! its write lock past the busy timeout.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{
    events::Events,
    helpers::{TestApp, assert_problem, fresh_database_url, spawn_app_with, test_settings},
};

/// A TCP proxy that can be switched off (existing connections cut, new ones refused) and on.
pub(crate) struct Proxy {
    pub port: u16,
    upstream: SocketAddr,
    acceptor: Mutex<Option<JoinHandle<()>>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let port = listener.local_addr().expect("address").port();
        let proxy = Proxy { port, upstream, acceptor: Mutex::new(None), connections: Arc::default() };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let (upstream, connections) = (self.upstream, self.connections.clone());
        let acceptor = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                connections.lock().expect("lock").push(link);
            }
        });
        *self.acceptor.lock().expect("lock") = Some(acceptor);
    }

    /// The database is gone: open connections are cut and new ones refused.
    pub fn down(&self) {
        if let Some(acceptor) = self.acceptor.lock().expect("lock").take() {
            acceptor.abort();
        }
        for link in self.connections.lock().expect("lock").drain(..) {
            link.abort();
        }
    }

    /// The database is back, on the same address.
    pub async fn up(&self) {
        let started = Instant::now();
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(l) => break l,
                // The aborted acceptor may take a moment to drop its socket.
                Err(_) if started.elapsed() < Duration::from_secs(5) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("proxy cannot listen again on {}: {e}", self.port),
            }
        };
        self.serve(listener);
    }
}

/// The PostgreSQL server of a test database URL, and the same URL through `port` on loopback.
pub(crate) fn through_proxy(url: &str, port: u16) -> (SocketAddr, String) {
    let mut parsed = url::Url::parse(url).expect("database URL");
    let upstream = match (parsed.host_str(), parsed.port()) {
        // A Unix-socket URL: its server listens on TCP too, at the usual place.
        (Some(host), port) if !host.starts_with('%') && !host.is_empty() => {
            format!("{}:{}", host.replace("localhost", "127.0.0.1"), port.unwrap_or(5432))
        }
        _ => "127.0.0.1:5432".to_owned(),
    };
    parsed.set_host(Some("127.0.0.1")).expect("host");
    parsed.set_port(Some(port)).expect("port");
    (upstream.parse().expect("upstream address"), parsed.to_string())
}

async fn create_ticket(app: &TestApp, site: i64, title: &str) -> reqwest::Response {
    app.post("/api/tickets", &app.admin_token, json!({"title": title, "site_id": site, "kind": "analysis"}))
        .await
}

async fn ticket_total(app: &TestApp) -> u64 {
    let list: Value = app.get("/api/tickets", &app.admin_token).await.json().await.expect("json");
    list["total"].as_u64().expect("total")
}

/// A 503 problem with `Retry-After` that came back promptly, not a 500 or a hang.
async fn unavailable(res: reqwest::Response, asked: Instant) {
    let took = asked.elapsed();
    assert!(res.headers().contains_key("retry-after"), "503 without Retry-After");
    let problem = assert_problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(problem["type"], "urn:socdesk:problem:unavailable", "{problem}");
    assert!(took < Duration::from_secs(15), "the answer took {took:?}");
    eprintln!("503 after {took:?}");
}

#[tokio::test]
async fn requests_answer_503_while_the_database_is_gone_and_service_resumes_by_itself() {
    let url = fresh_database_url().await;
    if url.starts_with("sqlite:") {
        sqlite_locked_past_the_busy_timeout(url).await;
        return;
    }
    // The proxy first, to learn its port; the database URL then goes through it.
    let (upstream, _) = through_proxy(&url, 0);
    let proxy = Proxy::start(upstream).await;
    let (_, proxied) = through_proxy(&url, proxy.port);
    let mut settings = test_settings().await;
    settings.database_url = proxied;
    settings.db_acquire_timeout = chrono::Duration::seconds(2);
    let app = spawn_app_with(settings).await;
    let site = app.site("Seoul").await;
    assert_eq!(create_ticket(&app, site, "before").await.status(), StatusCode::CREATED);

    proxy.down();
    // Reads, writes, sign-in and readiness all say so, again and again; the process lives on.
    for round in 0..3 {
        let asked = Instant::now();
        unavailable(app.get("/api/tickets", &app.admin_token).await, asked).await;
        let asked = Instant::now();
        unavailable(create_ticket(&app, site, &format!("while down {round}")).await, asked).await;
        let asked = Instant::now();
        unavailable(app.login("admin", crate::helpers::ADMIN_PASSWORD).await, asked).await;
        let ready = app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz");
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
        assert_eq!(health.status(), StatusCode::OK, "the process itself is up");
    }

    proxy.up().await;
    let back = Instant::now();
    loop {
        let res = app.get("/api/tickets", &app.admin_token).await;
        if res.status() == StatusCode::OK {
            break;
        }
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "only 503 while recovering");
        assert!(back.elapsed() < Duration::from_secs(5), "not recovered 5 s after the database returned");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered = back.elapsed();
    assert!(recovered < Duration::from_secs(5), "recovered after {recovered:?}");
    eprintln!("service resumed {recovered:?} after the database returned");
    // Nothing refused was half-written; writes and live updates work again.
    assert_eq!(ticket_total(&app).await, 1);
    let mut events = Events::open(&app, &app.admin_token).await;
    // The change listener reconnects on its own (about a second after the database returns); a
    // change made before it listens again is covered by a `resync`, so try until one is heard.
    let mut heard = false;
    for attempt in 0..10 {
        let created: Value =
            create_ticket(&app, site, &format!("after {attempt}")).await.json().await.expect("json");
        let id = json!(created["id"].as_i64().expect("id"));
        while let Some((event, data)) = events.next_within(Duration::from_secs(1)).await {
            if event == "tickets" && data["ids"].as_array().is_some_and(|ids| ids.contains(&id)) {
                heard = true;
                break;
            }
        }
        if heard {
            assert_eq!(ticket_total(&app).await, 2 + attempt);
            break;
        }
    }
    assert!(heard, "live updates did not resume after the database returned");
}

/// SQLite: another process holds the write lock longer than the busy timeout (10 s). The write
/// waiting for it answers 503, reads go on (WAL), and the first write after the lock is released
/// succeeds.
async fn sqlite_locked_past_the_busy_timeout(url: String) {
    use sea_orm::{ConnectionTrait, Database, TransactionTrait};
    let mut settings = test_settings().await;
    settings.database_url = url.clone();
    let app = spawn_app_with(settings).await;
    let site = app.site("Seoul").await;
    assert_eq!(create_ticket(&app, site, "before").await.status(), StatusCode::CREATED);

    let other = Database::connect(&url).await.expect("second connection");
    let lock = other.begin().await.expect("transaction");
    lock.execute_unprepared("UPDATE sites SET description = 'held by another process'")
        .await
        .expect("write lock");
    let asked = Instant::now();
    unavailable(create_ticket(&app, site, "while locked").await, asked).await;
    assert_eq!(ticket_total(&app).await, 1, "reads go on while another process writes");
    lock.rollback().await.expect("released");

    assert_eq!(create_ticket(&app, site, "after").await.status(), StatusCode::CREATED);
    assert_eq!(ticket_total(&app).await, 2);
}
