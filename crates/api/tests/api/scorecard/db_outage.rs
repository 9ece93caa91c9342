//! Scorecard 17: PostgreSQL stopped under list load. Four clients page through the ticket list
//! without pause while the test's proxy in front of PostgreSQL cuts every connection and
//! refuses new ones for 30 seconds (3 in CI); every answer is recorded. (SQLite is inside the
//! process and cannot stop on its own; its locked-database case is `outage.rs`.)

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;

use super::{Row, full, report};
use crate::{
    helpers::{fresh_database_url, spawn_app_with, test_settings},
    outage::{Proxy, through_proxy},
};

#[tokio::test]
async fn scorecard_17_postgres_stopped_under_load_answers_503_and_recovers() {
    let url = fresh_database_url().await;
    if url.starts_with("sqlite:") {
        return;
    }
    let (upstream, _) = through_proxy(&url, 0);
    let proxy = Proxy::start(upstream).await;
    let (_, proxied) = through_proxy(&url, proxy.port);
    let mut settings = test_settings().await;
    settings.database_url = proxied;
    settings.db_acquire_timeout = chrono::Duration::seconds(2);
    let app = Arc::new(spawn_app_with(settings).await);
    let site = app.site("Seoul").await;
    for i in 0..20 {
        let body = json!({"title": format!("t{i}"), "site_id": site, "kind": "analysis"});
        assert!(app.post("/api/tickets", &app.admin_token, body).await.status().is_success());
    }

    // (when, status; 0 for no answer at all) of every list request.
    let answers: Arc<Mutex<Vec<(Instant, u16)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (app, answers, stop) = (app.clone(), answers.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let res = app
                        .client
                        .get(format!("{}/api/tickets?limit=10", app.address))
                        .bearer_auth(&app.admin_token)
                        .timeout(Duration::from_secs(20))
                        .send()
                        .await;
                    let status = res.map(|r| r.status().as_u16()).unwrap_or(0);
                    answers.lock().expect("lock").push((Instant::now(), status));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let outage = Duration::from_secs(if full() { 30 } else { 3 });
    let went_down = Instant::now();
    proxy.down();
    tokio::time::sleep(outage).await;
    proxy.up().await;
    let came_back = Instant::now();
    tokio::time::sleep(Duration::from_secs(7)).await;
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.expect("client");
    }
    let healthy = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success());

    let answers = answers.lock().expect("lock").clone();
    let during: Vec<u16> =
        answers.iter().filter(|(t, _)| *t > went_down && *t <= came_back).map(|(_, s)| *s).collect();
    let unavailable = during.iter().filter(|&&s| s == 503).count();
    let bad: Vec<u16> = answers.iter().map(|(_, s)| *s).filter(|s| !matches!(s, 200 | 503)).collect();
    let first_ok =
        answers.iter().find(|(t, s)| *t > came_back && *s == 200).map(|(t, _)| t.duration_since(came_back));
    let relapse = first_ok.is_some_and(|ok| answers.iter().any(|(t, s)| *t > came_back + ok && *s != 200));
    let pass = bad.is_empty()
        && unavailable > 0
        && first_ok.is_some_and(|d| d <= Duration::from_secs(5))
        && !relapse
        && healthy;
    report(Row {
        number: 17,
        test: "PostgreSQL stopped",
        tried: format!(
            "4 clients listing tickets without pause; PostgreSQL cut off (connections reset, new ones refused) for {} s",
            outage.as_secs()
        ),
        threshold: "503 while down, no 500 or crash; recovered ≤ 5 s after it returns",
        result: if pass {
            format!(
                "{} answers: {unavailable} × 503 while down, 0 others; first 200 {:.1} s after it returned, all 200 since; \
                 the process stayed up",
                answers.len(),
                first_ok.map_or(0.0, |d| d.as_secs_f64())
            )
        } else {
            format!(
                "other statuses {bad:?}; 503s while down {unavailable}; first 200 after {first_ok:?}; relapse {relapse}; \
                 healthz {healthy}"
            )
        },
        pass,
    });
}
