//! Two server processes on one database behind the test's own round-robin client: whatever is
//! asked of either, the invariants hold as for one (one run per due batch rule, one delivery per
//! mail, one ticket per deduplicated attack) and live updates reach the clients of both.

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use socdesk_domain::mail::outbox::{NewMail, enqueue};
use socdesk_types::mail::MailKind;

use crate::{
    detection::{batch_rule, pipeline_on},
    events::Events,
    helpers::{TestApp, spawn_app_with, test_settings},
    smtp::SmtpSink,
};

/// Sends each request to the next process in turn.
struct RoundRobin<'a> {
    apps: [&'a TestApp; 2],
    next: AtomicUsize,
}

impl RoundRobin<'_> {
    fn pick(&self) -> &TestApp {
        self.apps[self.next.fetch_add(1, Ordering::Relaxed) % 2]
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let res = self.pick().post(path, token, body).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.expect("json")
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let res = self.pick().get(path, token).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.json().await.expect("json")
    }
}

/// Reads `events` until each of `ids` was announced as a ticket change (five seconds at most
/// between two events).
async fn hears_all(events: &mut Events, ids: &[i64], who: &str) {
    let mut missing: Vec<i64> = ids.to_vec();
    while !missing.is_empty() {
        let Some((event, data)) = events.next().await else {
            panic!("{who}: no event for tickets {missing:?}");
        };
        if event == "tickets" {
            let heard: Vec<i64> =
                data["ids"].as_array().into_iter().flatten().filter_map(Value::as_i64).collect();
            missing.retain(|id| !heard.contains(id));
        }
    }
}

#[tokio::test]
async fn two_processes_on_one_database_keep_every_invariant() {
    let mut sink = SmtpSink::stopped();
    sink.start().await;
    let mut settings = test_settings().await;
    settings.smtp_url = Some(socdesk_api::settings::Secret::new(sink.url()));
    // Both schedulers and both mailers look every second: they race for every duty.
    settings.scheduler_tick = chrono::Duration::seconds(1);
    settings.mail_poll = chrono::Duration::seconds(1);
    let second_settings = settings.clone();
    let first = spawn_app_with(settings).await;
    let second = spawn_app_with(second_settings).await;
    assert_ne!(first.address, second.address);
    let p = pipeline_on(first).await;
    let (first, site, key, analyst) = (&p.app, p.site, p.key.clone(), p.analyst.clone());
    let admin = first.admin_token.clone();
    let rr = RoundRobin { apps: [first, &second], next: AtomicUsize::new(0) };

    // Live updates: a stream on each process hears what is done through either.
    let mut on_first = Events::open(first, &analyst).await;
    let mut on_second = Events::open(&second, &analyst).await;

    // Create and transition, alternately.
    let mut ids = Vec::new();
    for n in 0..10 {
        let t = rr
            .post(
                "/api/tickets",
                &admin,
                json!({"site_id": site, "kind": "analysis", "title": format!("t{n}")}),
            )
            .await;
        ids.push(t["id"].as_i64().expect("id"));
    }
    for id in &ids[..4] {
        rr.post(
            &format!("/api/tickets/{id}/transitions"),
            &admin,
            json!({"action": "close", "comment": "dup"}),
        )
        .await;
    }
    // Bulk close of the rest, through whichever process is next.
    let bulk = rr
        .post("/api/tickets/bulk", &admin, json!({"ids": ids[4..], "action": "close", "comment": "bulk"}))
        .await;
    assert_eq!((bulk["succeeded"].as_u64(), bulk["failed"].as_u64()), (Some(6), Some(0)), "{bulk}");
    hears_all(&mut on_first, &ids, "the first process's stream").await;
    hears_all(&mut on_second, &ids, "the second process's stream").await;
    for id in &ids {
        let t = rr.get(&format!("/api/tickets/{id}"), &analyst).await;
        assert_eq!(t["status"], "closed");
        let history: Value = rr.get(&format!("/api/tickets/{id}/history"), &analyst).await;
        let closes =
            history.as_array().expect("history").iter().filter(|h| h["new_value"] == "closed").count();
        assert_eq!(closes, 1, "ticket {id} closed once: {history}");
    }

    // Ingest through both: one deduplicated ticket, every record stored once, resends ignored.
    p.deny_rule(json!({})).await;
    for batch in 0..10 {
        let records: Vec<Value> = (0..5)
            .map(|i| json!({"_id": format!("r{batch}-{i}"), "src_ip": "10.9.9.9", "action": "deny", "user": "kim"}))
            .collect();
        let stored = rr.post("/api/logs/fw", &key, json!(records)).await;
        assert_eq!(stored["stored"], 5, "{stored}");
        let again = rr.post("/api/logs/fw", &key, json!(records)).await;
        assert_eq!((again["stored"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(5)), "{again}");
    }
    let rule_tickets = rr.get("/api/tickets?created_by=system", &analyst).await;
    assert_eq!(rule_tickets["total"], 1, "{rule_tickets}");
    let ticket = rr.get(&format!("/api/tickets/{}", rule_tickets["items"][0]["id"]), &analyst).await;
    assert_eq!(ticket["duplicate_count"], 50, "{ticket}");

    // A due batch rule runs once per time it is due, with both schedulers racing every second.
    let rule = batch_rule(&p, 1).await;
    let rule_id = rule["id"].as_i64().expect("id");
    for round in 1..=3 {
        let due = (chrono::Utc::now() - chrono::Duration::seconds(1)).to_rfc3339();
        first
            .db
            .execute_unprepared(&format!("UPDATE rules SET next_run_at = '{due}' WHERE id = {rule_id}"))
            .await
            .expect("due");
        // Three ticks of each scheduler.
        tokio::time::sleep(Duration::from_millis(3_200)).await;
        let r = rr.get(&format!("/api/rules/{rule_id}"), &analyst).await;
        // Each run finds the one group (10.9.9.9) once: the count is the number of runs.
        assert_eq!(r["match_count"], round, "round {round}: {r}");
    }

    // Mail: thirty mails in the shared outbox, both mailers polling; each arrives once.
    for n in 0..30 {
        let mail = NewMail {
            kind: MailKind::Request,
            recipient: format!("person{n}@example.com"),
            subject: format!("replica mail {n}"),
            body: "hello".into(),
            explanation_id: None,
        };
        enqueue(&first.db, mail, chrono::Utc::now()).await.expect("queued");
    }
    let got = sink.wait_for(30, 30).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got_later = sink.messages();
    assert_eq!(got_later.len(), 30, "no mail sent twice (had {} after the first 30)", got.len());
    for n in 0..30 {
        let subject = format!("Subject: replica mail {n}\n");
        let copies = got_later.iter().filter(|m| m.replace("\r\n", "\n").contains(&subject)).count();
        assert_eq!(copies, 1, "mail {n} delivered {copies} times");
    }
    let outbox = rr.get("/api/outbox?status=pending", &admin).await;
    assert_eq!(outbox["total"], 0, "{outbox}");
}
