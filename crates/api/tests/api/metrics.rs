//! `/metrics`: what Prometheus scrapes, read back the way Prometheus reads it.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;
use socdesk_domain::mail::outbox::{NewMail, enqueue};
use socdesk_types::mail::MailKind;

use crate::{
    detection::{batch_rule, pipeline, pipeline_on},
    helpers::{TestApp, assert_problem, spawn_app_with, test_settings},
};

/// Every sample of a scrape: `name{labels}` → value.
async fn scrape(app: &TestApp, token: Option<&str>) -> HashMap<String, f64> {
    let mut req = app.client.get(format!("{}/metrics", app.address));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("scrape");
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().expect("type").to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = res.text().await.expect("text");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (name, value) = l.rsplit_once(' ').unwrap_or_else(|| panic!("sample line: {l}"));
            (name.to_owned(), value.parse().unwrap_or_else(|_| panic!("value of {l}")))
        })
        .collect()
}

fn sample(samples: &HashMap<String, f64>, key: &str) -> f64 {
    *samples.get(key).unwrap_or_else(|| {
        let mut names: Vec<_> =
            samples.keys().filter(|k| k.starts_with(key.split('{').next().unwrap_or(key))).collect();
        names.sort();
        panic!("no sample {key}; have {names:?}")
    })
}

#[tokio::test]
async fn requests_ingest_rule_matches_outbox_and_lag_are_reported() {
    let p = pipeline().await;
    p.deny_rule(json!({})).await;
    let first = p
        .ingest(json!([
            {"_id": "m1", "_time": "2026-11-22T10:00:00Z", "src_ip": "10.1.1.1", "action": "deny", "user": "kim"},
            {"_id": "m2", "_time": "2026-11-22T10:00:01Z", "src_ip": "10.1.1.2", "action": "deny", "user": "lee"},
            {"_id": "m3", "_time": "2026-11-22T10:00:02Z", "src_ip": "8.8.8.8", "action": "allow", "user": "park"},
            {"_id": "m4", "_time": "not a time", "src_ip": "10.1.1.1"},
        ]))
        .await;
    assert_eq!(
        (first["stored"].as_u64(), first["matched"].as_u64(), first["rejected"].as_u64()),
        (Some(3), Some(2), Some(1))
    );
    p.ingest(json!([{"_id": "m1", "_time": "2026-11-22T10:00:00Z", "src_ip": "10.1.1.1", "action": "deny"}]))
        .await;
    for _ in 0..3 {
        assert_eq!(p.app.get("/api/tickets", &p.analyst).await.status(), StatusCode::OK);
    }
    assert_eq!(p.app.get("/api/tickets/987654", &p.analyst).await.status(), StatusCode::NOT_FOUND);
    // Two undelivered mails (no SMTP_URL in tests), one of them failed once; a batch rule 60 s late.
    for (n, recipient) in ["kim@example.com", "lee@example.com"].into_iter().enumerate() {
        let mail = NewMail {
            kind: MailKind::Request,
            recipient: recipient.into(),
            subject: format!("mail {n}"),
            body: "body".into(),
            explanation_id: None,
        };
        enqueue(&p.app.db, mail, chrono::Utc::now()).await.expect("queued");
    }
    use sea_orm::ConnectionTrait;
    p.app
        .db
        .execute_unprepared("UPDATE outbox SET last_error = 'SMTP: refused', attempts = 1 WHERE recipient = 'kim@example.com'")
        .await
        .expect("failed once");
    let rule = batch_rule(&p, 5).await;
    let due = (chrono::Utc::now() - chrono::Duration::seconds(60)).to_rfc3339();
    p.app
        .db
        .execute_unprepared(&format!("UPDATE rules SET next_run_at = '{due}' WHERE id = {}", rule["id"]))
        .await
        .expect("overdue");

    let m = scrape(&p.app, None).await;
    assert_eq!(
        sample(&m, r#"socdesk_http_requests_total{method="GET",route="/api/tickets",status="200"}"#),
        3.0
    );
    assert_eq!(
        sample(&m, r#"socdesk_http_requests_total{method="GET",route="/api/tickets/{id}",status="404"}"#),
        1.0
    );
    assert_eq!(
        sample(&m, r#"socdesk_http_requests_total{method="POST",route="/api/logs/{table}",status="200"}"#),
        2.0
    );
    assert_eq!(
        sample(&m, r#"socdesk_http_request_duration_seconds_count{method="GET",route="/api/tickets"}"#),
        3.0
    );
    assert_eq!(
        sample(
            &m,
            r#"socdesk_http_request_duration_seconds_bucket{method="GET",route="/api/tickets",le="+Inf"}"#
        ),
        3.0
    );
    // The path asked never becomes a label: only templates.
    assert!(!m.keys().any(|k| k.contains("987654")), "a raw path leaked into the labels");
    assert_eq!(sample(&m, r#"socdesk_ingest_records_total{outcome="stored"}"#), 3.0);
    assert_eq!(sample(&m, r#"socdesk_ingest_records_total{outcome="duplicate"}"#), 1.0);
    assert_eq!(sample(&m, r#"socdesk_ingest_records_total{outcome="rejected"}"#), 1.0);
    assert_eq!(sample(&m, r#"socdesk_rule_matches_total{kind="stream"}"#), 2.0);
    assert_eq!(sample(&m, "socdesk_outbox_pending"), 2.0);
    assert_eq!(sample(&m, "socdesk_outbox_retrying"), 1.0);
    let lag = sample(&m, "socdesk_scheduler_lag_seconds");
    assert!((59.0..120.0).contains(&lag), "lag {lag}");
    assert_eq!(sample(&m, "socdesk_database_up"), 1.0);
    let max = sample(&m, "socdesk_db_pool_max_connections");
    let in_use = sample(&m, r#"socdesk_db_pool_connections{state="in_use"}"#);
    let idle = sample(&m, r#"socdesk_db_pool_connections{state="idle"}"#);
    assert!(max >= 1.0 && in_use + idle <= max && in_use + idle >= 1.0, "pool {in_use}+{idle} of {max}");
    assert_eq!(sample(&m, "socdesk_live_streams"), 0.0);

    // The scrape itself is counted by the next one.
    let again = scrape(&p.app, None).await;
    assert_eq!(
        sample(&again, r#"socdesk_http_requests_total{method="GET",route="/metrics",status="200"}"#),
        1.0
    );
}

#[tokio::test]
async fn a_metrics_token_is_asked_for_when_one_is_set() {
    let mut settings = test_settings().await;
    settings.metrics_token = Some(socdesk_api::settings::Secret::new("scrape-token-0123456789"));
    let p = pipeline_on(spawn_app_with(settings).await).await;
    let url = format!("{}/metrics", p.app.address);
    for token in [None, Some("wrong"), Some(p.app.admin_token.as_str())] {
        let mut req = p.app.client.get(&url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("scrape");
        let problem = assert_problem(res, StatusCode::UNAUTHORIZED).await;
        assert!(
            problem["detail"].as_str().unwrap_or_default().contains("SOCDESK_METRICS_TOKEN"),
            "{problem}"
        );
    }
    let m = scrape(&p.app, Some("scrape-token-0123456789")).await;
    assert_eq!(sample(&m, "socdesk_database_up"), 1.0);
}
