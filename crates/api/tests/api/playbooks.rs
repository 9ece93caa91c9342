//! Playbooks: saved with every parameter checked, run on tickets in the background through the
//! ticket services, a failed step stopping its ticket's run, webhooks only where the outbound
//! guard allows, and a ticket with unfinished tasks refused for approval.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app};

/// A stand-in webhook receiver on loopback: it records each request (head and body) and answers
/// `status`, or never answers when `hang`.
pub struct StandIn {
    pub url: String,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    pub fn count(&self) -> usize {
        self.requests.lock().expect("lock").len()
    }
}

pub async fn stand_in(status: u16, hang: bool) -> StandIn {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://127.0.0.1:{}/hook?token=secret", listener.local_addr().expect("addr").port());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then as many body bytes as Content-Length says.
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                seen.lock().expect("lock").push(String::from_utf8_lossy(&buf).to_string());
                if hang {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                let body = if status < 300 { "{\"ok\":true}" } else { "broken on purpose" };
                let answer = format!(
                    "HTTP/1.1 {status} Stand-in\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    StandIn { url, requests }
}

/// Polls `GET /api/tickets/{id}/tasks` until the newest run has ended; answers that run.
pub async fn finished_run(app_address: &str, token: &str, ticket_id: i64) -> Value {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let runs: Value = client
            .get(format!("{app_address}/api/tickets/{ticket_id}/tasks"))
            .bearer_auth(token)
            .send()
            .await
            .expect("tasks")
            .json()
            .await
            .expect("json");
        if let Some(run) = runs.as_array().and_then(|r| r.first())
            && matches!(run["status"].as_str(), Some("done" | "failed"))
        {
            return run.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "the run did not end within 60 s: {runs}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A site, an editor who runs playbooks, an assignee, an approver and a tag.
struct Desk {
    app: TestApp,
    site: i64,
    editor: String,
    assignee_id: i64,
    assignee: String,
    approver_id: i64,
    tag: i64,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let (_, editor) = app.account_with("editor", &["TICKET_VIEW", "TICKET_EDIT"], &[site]).await;
    let (assignee_id, assignee) = app.account_with("assignee", &["TICKET_VIEW"], &[site]).await;
    let (approver_id, _) = app.account_with("approver", &["TICKET_VIEW"], &[site]).await;
    let tag: Value = app
        .post("/api/tags", &app.admin_token, json!({"name": "contained"}))
        .await
        .json()
        .await
        .expect("json");
    let tag = tag["id"].as_i64().expect("tag id");
    Desk { app, site, editor, assignee_id, assignee, approver_id, tag }
}

impl Desk {
    async fn ticket(&self, extra: Value) -> i64 {
        let mut body =
            json!({"site_id": self.site, "kind": "analysis", "title": "Odd \"login\" from abroad"});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let res = self.app.post("/api/tickets", &self.editor, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    }

    async fn playbook(&self, steps: Value) -> i64 {
        let res = self
            .app
            .post(
                "/api/playbooks",
                &self.app.admin_token,
                json!({"name": format!("Book {}", rand_name()), "steps": steps}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    }

    async fn run(&self, playbook: i64, ticket_ids: Value) -> Value {
        let res = self
            .app
            .post(&format!("/api/playbooks/{playbook}/run"), &self.editor, json!({"ticket_ids": ticket_ids}))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("json")
    }

    async fn allow_private_targets(&self, allow: bool) {
        let res = self
            .app
            .put("/api/settings", &self.app.admin_token, json!({"allow_private_network_targets": allow}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

fn rand_name() -> String {
    let mut b = [0u8; 4];
    rand::fill(&mut b[..]);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn webhook(url: &str) -> Value {
    json!({"kind": "call_webhook", "params": {"url": url, "headers": {"X-Token": "s3cret"},
        "body_template": "{\"text\": \"#{{ticket.id}} {{ticket.title}}\", \"id\": {{ticket.id}}, \"by\": \"{{actor.login}}\"}"}})
}

#[tokio::test]
async fn every_step_parameter_is_checked_when_a_playbook_is_saved() {
    let d = desk().await;
    let admin = d.app.admin_token.clone();
    let bad = json!({"name": "Bad", "steps": [
        {"kind": "set_priority", "params": {"priority": "high"}},
        {"kind": "assign", "params": {"account_ids": [d.assignee_id, 99999]}},
        {"kind": "set_priority", "params": {"priority": "urgent"}},
    ]});
    let problem =
        assert_problem(d.app.post("/api/playbooks", &admin, bad).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert_eq!(error_fields(&problem), ["steps[2].params.priority"], "{problem}");

    let bad = json!({"name": "Bad", "steps": [
        {"kind": "assign", "params": {"account_ids": [d.assignee_id, 99999]}},
        {"kind": "call_webhook", "params": {"url": "ftp://example.com/x", "body_template": "{}"}},
        {"kind": "call_webhook", "params": {"url": "https://example.com/x", "headers": {"Bad Name": "x"},
            "body_template": "{\"t\": \"{{ticket.secret}}\"}"}},
        {"kind": "call_webhook", "params": {"url": "https://example.com/x", "body_template": "{\"t\": {{ticket.title}}}"}},
        {"kind": "request_explanation", "params": {"category_id": 4242, "deadline_days": 0}},
        {"kind": "add_memo", "params": {"body": "  "}},
        {"kind": "add_tags", "params": {"tag_ids": []}},
    ]});
    let problem =
        assert_problem(d.app.post("/api/playbooks", &admin, bad).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    let fields = error_fields(&problem);
    for expected in [
        "steps[0].params.account_ids[1]",
        "steps[1].params.url",
        "steps[2].params.headers.Bad Name",
        "steps[2].params.body_template",
        "steps[3].params.body_template",
        "steps[4].params.category_id",
        "steps[4].params.deadline_days",
        "steps[5].params.body",
        "steps[6].params.tag_ids",
    ] {
        assert!(fields.iter().any(|f| f == expected), "{expected} missing from {fields:?}");
    }
    let problem = assert_problem(
        d.app.post("/api/playbooks", &admin, json!({"name": "Empty", "steps": []})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["steps"]);
    let problem = assert_problem(
        d.app
            .post(
                "/api/playbooks",
                &admin,
                json!({"name": "Odd", "steps": [{"kind": "reboot", "params": {}}]}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(error_fields(&problem)[0].starts_with("steps[0]"), "{problem}");
}

#[tokio::test]
async fn admins_change_playbooks_and_others_see_no_webhook_secrets() {
    let d = desk().await;
    let admin = d.app.admin_token.clone();
    let body = json!({"name": "Contain", "description": "First response", "steps": [
        {"kind": "set_priority", "params": {"priority": "high"}},
        webhook("https://user:pw@hooks.example.com:8443/services/T000/B000?token=abc"),
    ]});
    let res = d.app.post("/api/playbooks", &admin, body.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers().get("etag").and_then(|v| v.to_str().ok()), Some("\"1\""));
    let created: Value = res.json().await.expect("json");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["enabled"], true);
    assert_eq!(created["steps"][1]["params"]["headers"]["X-Token"], "s3cret");
    assert_problem(d.app.post("/api/playbooks", &admin, body.clone()).await, StatusCode::CONFLICT).await;

    // Analysts who may run it see the webhook's origin only, and no headers.
    let list: Value = d.app.get("/api/playbooks", &d.editor).await.json().await.expect("json");
    assert_eq!(list["total"], 1);
    let seen = &list["items"][0];
    assert_eq!(seen["redacted"], true);
    assert_eq!(seen["steps"][1]["params"]["url"], "https://hooks.example.com:8443");
    assert_eq!(seen["steps"][1]["params"]["headers"], json!({}));
    let one: Value = d.app.get(&format!("/api/playbooks/{id}"), &d.editor).await.json().await.expect("json");
    assert!(!one.to_string().contains("s3cret") && !one.to_string().contains("T000"), "{one}");

    // Writes are for administrators; reading needs TICKET_EDIT.
    assert_problem(d.app.post("/api/playbooks", &d.editor, body.clone()).await, StatusCode::FORBIDDEN).await;
    assert_problem(d.app.delete(&format!("/api/playbooks/{id}"), &d.editor).await, StatusCode::FORBIDDEN)
        .await;
    assert_problem(d.app.get("/api/playbooks", &d.assignee).await, StatusCode::FORBIDDEN).await;

    // Replacing needs the current version when one is named.
    let mut changed = body.clone();
    changed["enabled"] = json!(false);
    let stale = d
        .app
        .client
        .put(format!("{}/api/playbooks/{id}", d.app.address))
        .bearer_auth(&admin)
        .header("If-Match", "\"7\"")
        .json(&changed)
        .send()
        .await
        .expect("sent");
    assert_problem(stale, StatusCode::PRECONDITION_FAILED).await;
    let res = d
        .app
        .client
        .put(format!("{}/api/playbooks/{id}", d.app.address))
        .bearer_auth(&admin)
        .header("If-Match", "\"1\"")
        .json(&changed)
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), StatusCode::OK);
    let replaced: Value = res.json().await.expect("json");
    assert_eq!(replaced["version"], 2);
    assert_eq!(replaced["enabled"], false);
    let enabled: Value =
        d.app.get("/api/playbooks?enabled=true", &d.editor).await.json().await.expect("json");
    assert_eq!(enabled["total"], 0);

    // A disabled playbook does not run.
    let t = d.ticket(json!({})).await;
    assert_problem(
        d.app.post(&format!("/api/playbooks/{id}/run"), &d.editor, json!({"ticket_ids": [t]})).await,
        StatusCode::CONFLICT,
    )
    .await;

    assert_eq!(d.app.delete(&format!("/api/playbooks/{id}"), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_problem(d.app.get(&format!("/api/playbooks/{id}"), &admin).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_run_changes_each_ticket_through_the_ticket_services_as_the_account_that_started_it() {
    let d = desk().await;
    d.allow_private_targets(true).await;
    let hook = stand_in(200, false).await;
    let book = d
        .playbook(json!([
            {"kind": "set_priority", "params": {"priority": "high"}},
            {"kind": "add_tags", "params": {"tag_ids": [d.tag]}},
            {"kind": "assign", "params": {"account_ids": [d.assignee_id]}},
            {"kind": "add_memo", "params": {"body": "Contained by **playbook**"}},
            webhook(&hook.url),
        ]))
        .await;
    let t = d.ticket(json!({})).await;
    let other_site = d.app.site("Busan").await;
    let elsewhere: Value = d
        .app
        .post(
            "/api/tickets",
            &d.app.admin_token,
            json!({"site_id": other_site, "kind": "analysis", "title": "Elsewhere"}),
        )
        .await
        .json()
        .await
        .expect("json");

    let started = d.run(book, json!([t, elsewhere["id"], 987654])).await;
    assert_eq!(started["succeeded"], 1, "{started}");
    assert_eq!(started["results"][0]["ok"], true);
    assert!(started["results"][0]["run_id"].is_i64());
    for i in [1, 2] {
        assert_eq!(started["results"][i]["ok"], false);
        assert_eq!(started["results"][i]["error_status"], 404, "an invisible ticket is not found");
    }

    let run = finished_run(&d.app.address, &d.editor, t).await;
    assert_eq!(run["status"], "done", "{run}");
    assert_eq!(run["started_by"], "editor");
    let tasks = run["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 5);
    for (i, task) in tasks.iter().enumerate() {
        assert_eq!(task["position"], i);
        assert_eq!(task["status"], "done", "{task}");
        assert!(task["started_at"].is_string() && task["finished_at"].is_string());
    }
    assert_eq!(tasks[4]["kind"], "call_webhook");
    assert!(tasks[4]["output"].as_str().is_some_and(|o| o.starts_with("HTTP 200")), "{}", tasks[4]);

    let ticket: Value = d.app.get(&format!("/api/tickets/{t}"), &d.editor).await.json().await.expect("json");
    assert_eq!(ticket["priority"], "high");
    assert_eq!(ticket["tags"][0]["name"], "contained");
    assert_eq!(ticket["assignees"][0]["login"], "assignee");
    assert_eq!(ticket["status"], "assigned", "a new ticket becomes assigned");
    let memos: Value =
        d.app.get(&format!("/api/tickets/{t}/memos"), &d.editor).await.json().await.expect("json");
    assert_eq!(memos[0]["body"], "Contained by **playbook**");
    assert_eq!(memos[0]["author"], "editor");
    let history: Value =
        d.app.get(&format!("/api/tickets/{t}/history"), &d.editor).await.json().await.expect("json");
    for field in ["playbook", "priority", "tags", "assignees", "memo", "status"] {
        let row = history.as_array().expect("history").iter().find(|h| h["field"] == field);
        assert!(row.is_some_and(|r| r["actor"] == "editor"), "history has {field} by editor: {history}");
    }

    // The webhook got one call with the template filled in, JSON-escaped, and its header.
    assert_eq!(hook.count(), 1);
    let request = hook.requests.lock().expect("lock")[0].clone();
    assert!(request.to_ascii_lowercase().contains("x-token: s3cret"), "{request}");
    let body = request.split("\r\n\r\n").nth(1).expect("body");
    let sent: Value = serde_json::from_str(body).expect("the body is JSON");
    assert_eq!(sent["text"], format!("#{t} Odd \"login\" from abroad"));
    assert_eq!(sent["id"], t);
    assert_eq!(sent["by"], "editor");

    // The other site's ticket has no run, and its tasks are hidden from the editor.
    assert_problem(
        d.app.get(&format!("/api/tickets/{}/tasks", elsewhere["id"]), &d.editor).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_failing_step_stops_its_tickets_run_and_the_ticket_cannot_be_submitted() {
    let d = desk().await;
    d.allow_private_targets(true).await;
    let hook = stand_in(500, false).await;
    let book = d
        .playbook(json!([
            {"kind": "set_priority", "params": {"priority": "medium"}},
            webhook(&hook.url),
            {"kind": "add_memo", "params": {"body": "never written"}},
        ]))
        .await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id], "approver_ids": [d.approver_id]})).await;
    d.run(book, json!([t])).await;
    let run = finished_run(&d.app.address, &d.editor, t).await;
    assert_eq!(run["status"], "failed", "{run}");
    let status: Vec<&str> =
        run["tasks"].as_array().expect("tasks").iter().filter_map(|t| t["status"].as_str()).collect();
    assert_eq!(status, ["done", "failed", "skipped"]);
    let reason = run["tasks"][1]["output"].as_str().unwrap_or_default();
    assert!(reason.contains("HTTP 500") && reason.contains("broken on purpose"), "{reason}");
    assert!(run["tasks"][2]["output"].as_str().is_some_and(|o| o.contains("step 2")), "{run}");
    let memos: Value =
        d.app.get(&format!("/api/tickets/{t}/memos"), &d.editor).await.json().await.expect("json");
    assert_eq!(memos, json!([]));

    // Per the manual: unfinished tasks block the approval request, and say which.
    let submit =
        d.app.post(&format!("/api/tickets/{t}/transitions"), &d.assignee, json!({"action": "submit"})).await;
    let problem = assert_problem(submit, StatusCode::CONFLICT).await;
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("step 2 (call_webhook) is failed") && detail.contains("step 3 (add_memo) is skipped"),
        "{detail}"
    );

    // A later run that finishes clears the way.
    let fine = d.playbook(json!([{"kind": "set_priority", "params": {"priority": "high"}}])).await;
    d.run(fine, json!([t])).await;
    assert_eq!(finished_run(&d.app.address, &d.editor, t).await["status"], "done");
    let submit =
        d.app.post(&format!("/api/tickets/{t}/transitions"), &d.assignee, json!({"action": "submit"})).await;
    assert_eq!(submit.status(), StatusCode::OK, "{}", submit.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_webhook_to_a_private_address_is_refused_unless_allowed() {
    let d = desk().await;
    let hook = stand_in(200, false).await;
    let book = d
        .playbook(json!([webhook(&hook.url), {"kind": "set_priority", "params": {"priority": "high"}}]))
        .await;
    let t = d.ticket(json!({})).await;
    d.run(book, json!([t])).await;
    let run = finished_run(&d.app.address, &d.editor, t).await;
    assert_eq!(run["status"], "failed");
    let reason = run["tasks"][0]["output"].as_str().unwrap_or_default();
    assert!(reason.contains("was not called") && reason.contains("not a public address"), "{reason}");
    assert_eq!(run["tasks"][1]["status"], "skipped");
    assert_eq!(hook.count(), 0, "the guard stopped the call before it left");
    let ticket: Value = d.app.get(&format!("/api/tickets/{t}"), &d.editor).await.json().await.expect("json");
    assert_eq!(ticket["priority"], "low");
}

#[tokio::test]
async fn an_explanation_is_asked_of_the_first_evidence_records_employee() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let d = desk().await;
    let admin = d.app.admin_token.clone();
    let dept: Value =
        d.app.post("/api/departments", &admin, json!({"name": "Sales"})).await.json().await.expect("json");
    for (id, manager) in [("M1", true), ("V1", false)] {
        let res = d
            .app
            .post(
                "/api/employees",
                &admin,
                json!({"id": id, "name": format!("Employee {id}"), "email": format!("{}@example.com", id.to_lowercase()),
                    "department_id": dept["id"], "is_manager": manager}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let category: Value = d
        .app
        .post("/api/explanation-categories", &admin, json!({"name": "Leak"}))
        .await
        .json()
        .await
        .expect("json");
    let book = d
        .playbook(json!([{"kind": "request_explanation", "params": {"category_id": category["id"], "deadline_days": 3}}]))
        .await;

    // Without evidence naming an employee the step fails and says why.
    let bare = d.ticket(json!({})).await;
    d.run(book, json!([bare])).await;
    let run = finished_run(&d.app.address, &d.editor, bare).await;
    assert_eq!(run["status"], "failed");
    assert!(run["tasks"][0]["output"].as_str().is_some_and(|o| o.contains("emp_key")), "{run}");

    let t = d.ticket(json!({"priority": "high"})).await;
    for record in [json!({"src_ip": "10.0.0.1"}), json!({"src_ip": "10.0.0.1", "emp_key": "V1"})] {
        socdesk_domain::entities::ticket_evidence::ActiveModel {
            ticket_id: Set(t),
            at: Set(chrono::Utc::now()),
            record: Set(record),
            log_record_id: Set(None),
            ..Default::default()
        }
        .insert(&d.app.db)
        .await
        .expect("evidence");
    }
    d.run(book, json!([t])).await;
    let run = finished_run(&d.app.address, &d.editor, t).await;
    assert_eq!(run["status"], "done", "{run}");
    let asked: Value =
        d.app.get(&format!("/api/tickets/{t}/explanations"), &d.editor).await.json().await.expect("json");
    assert_eq!(asked[0]["violator"]["id"], "V1");
    assert_eq!(asked[0]["manager"]["id"], "M1");
    assert_eq!(asked[0]["priority"], "high");
    assert_eq!(asked[0]["evidence_count"], 2);
}
