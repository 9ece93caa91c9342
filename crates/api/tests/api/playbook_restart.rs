//! Kill -9 the real binary while a playbook's webhook step is waiting for its answer, start it
//! again on the same database: the interrupted task is failed (never called twice), the run's
//! later steps are skipped, and the webhook saw exactly one call.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    crash::{Server, start_with},
    helpers::fresh_database_url,
    playbooks::{finished_run, stand_in},
};

/// A short lease, so the restarted server takes over quickly.
const LEASE: &[(&str, &str)] = &[("SOCDESK_PLAYBOOK_LEASE", "2")];

async fn send(server: &Server, method: reqwest::Method, path: &str, body: Value) -> Value {
    let res = server
        .client
        .request(method, format!("{}{path}", server.address))
        .bearer_auth(&server.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.expect("json")
}

#[tokio::test]
async fn a_task_cut_off_by_a_crash_fails_as_interrupted_and_is_never_repeated() {
    let url = fresh_database_url().await;
    let mut first = start_with(&url, LEASE).await;
    let hook = stand_in(200, true).await;
    send(&first, reqwest::Method::PUT, "/api/settings", json!({"allow_private_network_targets": true})).await;
    let site = send(&first, reqwest::Method::POST, "/api/sites", json!({"name": "HQ"})).await;
    let ticket = send(
        &first,
        reqwest::Method::POST,
        "/api/tickets",
        json!({"site_id": site["id"], "kind": "analysis", "title": "Crash"}),
    )
    .await;
    let t = ticket["id"].as_i64().expect("id");
    let book = send(
        &first,
        reqwest::Method::POST,
        "/api/playbooks",
        json!({"name": "Hangs", "steps": [
            {"kind": "set_priority", "params": {"priority": "high"}},
            {"kind": "call_webhook", "params": {"url": hook.url, "body_template": "{\"id\": {{ticket.id}}}"}},
            {"kind": "add_memo", "params": {"body": "after the webhook"}},
        ]}),
    )
    .await;
    let res = first
        .client
        .post(format!("{}/api/playbooks/{}/run", first.address, book["id"]))
        .bearer_auth(&first.token)
        .json(&json!({"ticket_ids": [t]}))
        .send()
        .await
        .expect("run");
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    // Wait until the webhook holds the call, then kill the server under it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while hook.count() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the webhook was never called");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let runs: Value = first
        .client
        .get(format!("{}/api/tickets/{t}/tasks", first.address))
        .bearer_auth(&first.token)
        .send()
        .await
        .expect("tasks")
        .json()
        .await
        .expect("json");
    assert_eq!(runs[0]["tasks"][1]["status"], "running", "{runs}");
    first.child.start_kill().expect("kill -9");
    first.child.wait().await.expect("dead");

    let second = start_with(&url, LEASE).await;
    let run = finished_run(&second.address, &second.token, t).await;
    assert_eq!(run["status"], "failed", "{run}");
    let tasks = run["tasks"].as_array().expect("tasks");
    assert_eq!(tasks[0]["status"], "done");
    assert_eq!(tasks[1]["status"], "failed");
    assert!(
        tasks[1]["output"].as_str().is_some_and(|o| o.contains("interrupted by a server restart")),
        "{}",
        tasks[1]
    );
    assert_eq!(tasks[2]["status"], "skipped");
    assert_eq!(hook.count(), 1, "the webhook was called once, never again after the restart");
    let memos: Value = second
        .client
        .get(format!("{}/api/tickets/{t}/memos", second.address))
        .bearer_auth(&second.token)
        .send()
        .await
        .expect("memos")
        .json()
        .await
        .expect("json");
    assert_eq!(memos, json!([]));
}
