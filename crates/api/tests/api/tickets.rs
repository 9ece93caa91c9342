use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app};

/// A site, an editor (who opens tickets), an assignee and an approver, all on that site.
struct Desk {
    app: TestApp,
    site: i64,
    editor: String,
    assignee_id: i64,
    assignee: String,
    approver_id: i64,
    approver: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let (_, editor) = app.account_with("editor", &["TICKET_VIEW", "TICKET_EDIT"], &[site]).await;
    let (assignee_id, assignee) = app.account_with("assignee", &["TICKET_VIEW"], &[site]).await;
    let (approver_id, approver) = app.account_with("approver", &["TICKET_VIEW"], &[site]).await;
    Desk { app, site, editor, assignee_id, assignee, approver_id, approver }
}

impl Desk {
    async fn ticket(&self, extra: Value) -> Value {
        let mut body = json!({"site_id": self.site, "kind": "analysis", "title": "Suspicious login"});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let res = self.app.post("/api/tickets", &self.editor, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("json")
    }

    async fn act(&self, token: &str, id: &Value, action: &str) -> reqwest::Response {
        self.app
            .post(
                &format!("/api/tickets/{id}/transitions"),
                token,
                json!({"action": action, "comment": "ok"}),
            )
            .await
    }
}

#[tokio::test]
async fn a_ticket_starts_new_without_an_assignee_and_assigned_with_one() {
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    assert_eq!(t["status"], "new");
    assert_eq!(t["priority"], "low");
    assert_eq!(t["created_by"], "user");
    assert_eq!(t["registered_by"]["login"], "editor");
    assert_eq!(t["version"], 1);
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id], "priority": "high"})).await;
    assert_eq!(t["status"], "assigned");
    assert_eq!(t["assignees"][0]["login"], "assignee");
    assert_eq!(t["time_to_assign_secs"], 0);
}

#[tokio::test]
async fn a_detection_ticket_keeps_its_fields_in_order() {
    let d = desk().await;
    let fields = json!([{"name": "Source IP", "value": "10.0.0.5"}, {"name": "Destination IP", "value": "10.0.0.9"}, {"name": "Action", "value": "deny"}]);
    let t = d.ticket(json!({"kind": "detection", "fields": fields, "body_format": "text"})).await;
    assert_eq!(t["kind"], "detection");
    assert_eq!(t["fields"], fields);
}

#[tokio::test]
async fn the_whole_workflow_as_assignee_and_approver() {
    let d = desk().await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id], "approver_ids": [d.approver_id]})).await;
    let id = &t["id"];
    assert_eq!(t["allowed_actions"], json!(["close", "restart"]));

    let assignee_view: Value =
        d.app.get(&format!("/api/tickets/{id}"), &d.assignee).await.json().await.expect("json");
    assert_eq!(assignee_view["allowed_actions"], json!(["start", "submit"]));

    for (token, action, status) in [
        (&d.assignee, "start", "in_progress"),
        (&d.assignee, "back_to_assigned", "assigned"),
        (&d.assignee, "start", "in_progress"),
        (&d.assignee, "submit", "submitted"),
        (&d.approver, "reject", "rejected"),
        (&d.assignee, "submit", "submitted"),
        (&d.approver, "approve", "approved"),
        (&d.approver, "close", "closed"),
        (&d.editor, "reopen", "assigned"),
    ] {
        let res = d.act(token, id, action).await;
        assert_eq!(res.status(), StatusCode::OK, "{action}: {}", res.text().await.unwrap_or_default());
        let after: Value = res.json().await.expect("json");
        assert_eq!(after["status"], status, "{action}");
        if status == "closed" {
            assert!(after["closed_at"].is_string() && after["time_to_close_secs"].is_number());
        }
    }

    let history: Value =
        d.app.get(&format!("/api/tickets/{id}/history"), &d.editor).await.json().await.expect("json");
    let steps: Vec<(String, String)> = history
        .as_array()
        .expect("array")
        .iter()
        .map(|h| {
            (h["field"].as_str().unwrap_or("").to_owned(), h["new_value"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    assert_eq!(steps.len(), 10);
    assert_eq!(steps[0], ("created".into(), "assigned".into()));
    assert_eq!(steps[9], ("status".into(), "assigned".into()));
    assert_eq!(history[1]["actor"], "assignee");
    assert_eq!(history[1]["old_value"], "assigned");
    assert_eq!(history[1]["comment"], "ok");
}

#[tokio::test]
async fn a_refused_transition_is_409_naming_the_status_and_allowed_actions() {
    let d = desk().await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id], "approver_ids": [d.approver_id]})).await;
    let problem = assert_problem(d.act(&d.approver, &t["id"], "approve").await, StatusCode::CONFLICT).await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(detail.contains("status is assigned") && detail.contains("allowed actions: close"), "{detail}");
    // Nothing changed.
    let after: Value =
        d.app.get(&format!("/api/tickets/{}", t["id"]), &d.editor).await.json().await.expect("json");
    assert_eq!(after["status"], "assigned");
    assert_eq!(after["version"], 1);
}

#[tokio::test]
async fn only_the_right_role_may_act_and_submitting_needs_an_approver() {
    let d = desk().await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    let problem = assert_problem(d.act(&d.approver, &t["id"], "start").await, StatusCode::FORBIDDEN).await;
    assert!(problem["detail"].as_str().is_some_and(|m| m.contains("only an assignee")));
    let problem = assert_problem(d.act(&d.assignee, &t["id"], "submit").await, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().is_some_and(|m| m.contains("approver")));
}

#[tokio::test]
async fn an_assignee_cannot_approve_their_own_ticket() {
    let d = desk().await;
    let t = d
        .ticket(json!({"assignee_ids": [d.assignee_id], "approver_ids": [d.assignee_id, d.approver_id]}))
        .await;
    assert_eq!(d.act(&d.assignee, &t["id"], "submit").await.status(), StatusCode::OK);
    let problem = assert_problem(d.act(&d.assignee, &t["id"], "approve").await, StatusCode::FORBIDDEN).await;
    assert!(problem["detail"].as_str().is_some_and(|m| m.contains("separation of duties")));
    assert_eq!(d.act(&d.approver, &t["id"], "approve").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn another_sites_ticket_is_not_found_anywhere() {
    let d = desk().await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    let other = d.app.site("Busan").await;
    let (_, outsider) = d.app.account_with("outsider", &["TICKET_VIEW", "TICKET_EDIT"], &[other]).await;
    let id = &t["id"];
    assert_problem(d.app.get(&format!("/api/tickets/{id}"), &outsider).await, StatusCode::NOT_FOUND).await;
    assert_problem(d.app.get(&format!("/api/tickets/{id}/history"), &outsider).await, StatusCode::NOT_FOUND)
        .await;
    assert_problem(d.act(&outsider, id, "close").await, StatusCode::NOT_FOUND).await;
    // The same answer as a ticket that does not exist.
    assert_problem(d.app.get("/api/tickets/999999", &outsider).await, StatusCode::NOT_FOUND).await;
    // Nor can it open tickets on a site it does not have.
    let res = d
        .app
        .post("/api/tickets", &outsider, json!({"site_id": d.site, "kind": "analysis", "title": "x"}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["site_id"]);
}

#[tokio::test]
async fn viewing_needs_ticket_view_and_creating_needs_ticket_edit() {
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    let (_, nobody) = d.app.account_with("nobody", &[], &[d.site]).await;
    assert_problem(d.app.get(&format!("/api/tickets/{}", t["id"]), &nobody).await, StatusCode::FORBIDDEN)
        .await;
    let res = d
        .app
        .post("/api/tickets", &d.assignee, json!({"site_id": d.site, "kind": "analysis", "title": "x"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn an_invalid_ticket_names_every_bad_field() {
    let d = desk().await;
    let res = d
        .app
        .post(
            "/api/tickets",
            &d.editor,
            json!({"site_id": d.site, "kind": "analysis", "title": "x".repeat(256), "assignee_ids": [424242], "risk_score": 101}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["assignee_ids[0]", "risk_score", "title"]);
    let res = d
        .app
        .post("/api/tickets", &d.editor, json!({"site_id": d.site, "kind": "incident", "title": "x"}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["kind"]);
}

#[tokio::test]
async fn markdown_bodies_come_back_rendered_and_inert() {
    let d = desk().await;
    let body = "# Alert\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3)) [y](https://example.com)";
    let t = d.ticket(json!({"body": body})).await;
    let html = t["body_html"].as_str().expect("html");
    assert!(html.contains("<h1>Alert</h1>"));
    assert!(html.contains("href=\"https://example.com\""), "{html}");
    for bad in ["<script", "onerror", "href=\"javascript"] {
        assert!(!html.contains(bad), "{html}");
    }
    assert_eq!(t["body"], body);
}
