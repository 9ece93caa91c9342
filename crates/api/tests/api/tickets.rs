use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app, upload};

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

    /// A ticket on another site ("Busan"), opened by the administrator.
    async fn elsewhere(&self) -> Value {
        let other = self.app.site("Busan").await;
        let body = json!({"site_id": other, "kind": "analysis", "title": "Elsewhere"});
        self.app.post("/api/tickets", &self.app.admin_token, body).await.json().await.expect("json")
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

    // An administrator can turn the rule off.
    let options: Value = d.app.get("/api/settings", &d.app.admin_token).await.json().await.expect("json");
    assert_eq!(options["separation_of_duties"], true);
    let res = d
        .app
        .request(
            reqwest::Method::PUT,
            "/api/settings",
            Some(&d.app.admin_token),
            Some(json!({"separation_of_duties": false})),
        )
        .await;
    assert_eq!(res.json::<Value>().await.expect("json")["separation_of_duties"], false);
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id], "approver_ids": [d.assignee_id]})).await;
    assert_eq!(d.act(&d.assignee, &t["id"], "submit").await.status(), StatusCode::OK);
    assert_eq!(d.act(&d.assignee, &t["id"], "approve").await.status(), StatusCode::OK);
    assert_problem(d.app.get("/api/settings", &d.editor).await, StatusCode::FORBIDDEN).await;
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
    assert_problem(
        d.app.patch(&format!("/api/tickets/{id}"), &outsider, json!({"priority": "high"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(d.app.get(&format!("/api/tickets/{id}/memos"), &outsider).await, StatusCode::NOT_FOUND)
        .await;
    assert_problem(
        d.app.post(&format!("/api/tickets/{id}/memos"), &outsider, json!({"body": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(d.app.get(&format!("/api/tickets/{id}/related"), &outsider).await, StatusCode::NOT_FOUND)
        .await;
    for path in ["/api/tickets", "/api/tickets/metrics"] {
        let body: Value = d.app.get(path, &outsider).await.json().await.expect("json");
        assert!(body["total"] == 0 || body["count"] == 0, "{path}: {body}");
    }
    let unchanged: Value =
        d.app.get(&format!("/api/tickets/{id}"), &d.editor).await.json().await.expect("json");
    assert_eq!((unchanged["priority"].as_str(), unchanged["version"].as_i64()), (Some("low"), Some(1)));
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

#[tokio::test]
async fn a_patch_changes_fields_records_history_and_bumps_the_version() {
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    let id = &t["id"];
    let tag: Value = d
        .app
        .post("/api/tags", &d.app.admin_token, json!({"name": "phishing"}))
        .await
        .json()
        .await
        .expect("json");
    let res = d
        .app
        .client
        .patch(format!("{}/api/tickets/{id}", d.app.address))
        .bearer_auth(&d.editor)
        .header("If-Match", "\"1\"")
        .json(&json!({"title": "Renamed", "priority": "high", "attack": "true_positive", "assignee_ids": [d.assignee_id], "tag_ids": [tag["id"]]}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("etag").and_then(|v| v.to_str().ok()), Some("\"2\""));
    let after: Value = res.json().await.expect("json");
    assert_eq!(after["title"], "Renamed");
    assert_eq!(after["priority"], "high");
    assert_eq!(after["attack"], "true_positive");
    assert_eq!(after["status"], "assigned", "assigning a new ticket makes it assigned");
    assert_eq!(after["tags"][0]["name"], "phishing");
    assert_eq!(after["version"], 2);
    let found: Value = d.app.get("/api/tickets?q=renamed", &d.editor).await.json().await.expect("json");
    assert_eq!(found["total"], 1, "the search index follows edits");

    // null clears; an empty tag list removes every tag.
    let after: Value = d
        .app
        .patch(&format!("/api/tickets/{id}"), &d.editor, json!({"attack": null, "tag_ids": []}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(after["attack"], Value::Null);
    assert_eq!(after["tags"], json!([]));

    let history: Value =
        d.app.get(&format!("/api/tickets/{id}/history"), &d.editor).await.json().await.expect("json");
    let fields: Vec<&str> =
        history.as_array().expect("array").iter().filter_map(|h| h["field"].as_str()).collect();
    for f in ["created", "title", "priority", "attack", "assignees", "tags", "status"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let title = history.as_array().expect("array").iter().find(|h| h["field"] == "title").expect("title row");
    assert_eq!(
        (title["old_value"].as_str(), title["new_value"].as_str()),
        (Some("Suspicious login"), Some("Renamed"))
    );
}

#[tokio::test]
async fn of_two_patches_with_the_same_version_one_wins_and_one_gets_412() {
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    let send = |title: &'static str| {
        d.app
            .client
            .patch(format!("{}/api/tickets/{}", d.app.address, t["id"]))
            .bearer_auth(&d.editor)
            .header("If-Match", "1")
            .json(&json!({"title": title}))
            .send()
    };
    let (a, b) = tokio::join!(send("first"), send("second"));
    let mut statuses = [a.expect("sent").status().as_u16(), b.expect("sent").status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    let after: Value =
        d.app.get(&format!("/api/tickets/{}", t["id"]), &d.editor).await.json().await.expect("json");
    assert_eq!(after["version"], 2);
}

#[tokio::test]
async fn list_filters_narrow_and_combine() {
    let d = desk().await;
    let tag: Value =
        d.app.post("/api/tags", &d.app.admin_token, json!({"name": "vip"})).await.json().await.expect("json");
    d.ticket(json!({"title": "Port scan from outside", "priority": "high"})).await;
    d.ticket(json!({"title": "Phishing mail", "priority": "medium", "assignee_ids": [d.assignee_id], "tag_ids": [tag["id"]]})).await;
    d.ticket(json!({"title": "Malware on host", "kind": "detection", "fields": [{"name": "Host", "value": "WS-042"}], "approver_ids": [d.approver_id]})).await;
    let other = d.app.site("Busan").await;
    d.app
        .post(
            "/api/tickets",
            &d.app.admin_token,
            json!({"site_id": other, "kind": "analysis", "title": "Elsewhere"}),
        )
        .await;

    let titles = |query: &'static str| {
        let app = &d.app;
        let token = d.editor.clone();
        async move {
            let page: Value =
                app.get(&format!("/api/tickets?{query}"), &token).await.json().await.expect("json");
            let mut t: Vec<String> = page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["title"].as_str().unwrap_or("").to_owned())
                .collect();
            t.sort();
            (t, page["total"].as_u64().unwrap_or(0))
        }
    };
    assert_eq!(titles("").await.1, 3, "another site's ticket is not counted");
    assert_eq!(titles("priority=high").await.0, ["Port scan from outside"]);
    assert_eq!(titles("priority=high,medium").await.1, 2);
    assert_eq!(titles("status=assigned").await.0, ["Phishing mail"]);
    assert_eq!(titles("status=new&priority=low").await.0, ["Malware on host"]);
    assert_eq!(titles("q=ws-042").await.0, ["Malware on host"]);
    assert_eq!(titles("q=PHISHING").await.0, ["Phishing mail"]);
    assert_eq!(titles("q=100%25").await.1, 0);
    assert_eq!(titles("q=ws").await.0, ["Malware on host"], "keywords shorter than a trigram still match");
    assert_eq!(titles("q=_").await.1, 0, "wildcards are literal");
    assert_eq!(titles("created_by=system").await.1, 0);
    assert_eq!(titles("created_by=user").await.1, 3);
    let assignee_query: &'static str = Box::leak(format!("assignee_id={}", d.assignee_id).into_boxed_str());
    assert_eq!(titles(assignee_query).await.0, ["Phishing mail"]);
    let approver_query: &'static str = Box::leak(format!("approver_id={}", d.approver_id).into_boxed_str());
    assert_eq!(titles(approver_query).await.0, ["Malware on host"]);
    let tag_query: &'static str = Box::leak(format!("tag_id={}&priority=medium", tag["id"]).into_boxed_str());
    assert_eq!(titles(tag_query).await.0, ["Phishing mail"]);
    assert_eq!(titles("from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z").await.1, 0);

    let page: Value = d.app.get("/api/tickets?sort=priority", &d.editor).await.json().await.expect("json");
    let order: Vec<&str> =
        page["items"].as_array().expect("items").iter().filter_map(|i| i["priority"].as_str()).collect();
    assert_eq!(order, ["high", "medium", "low"]);

    for bad in ["status=open", "priority=urgent", "sort=password", "created_by=robot", "from=yesterday"] {
        let res = d.app.get(&format!("/api/tickets?{bad}"), &d.editor).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

#[tokio::test]
async fn list_pages_stay_stable_while_tickets_arrive() {
    let d = desk().await;
    for i in 0..5 {
        d.ticket(json!({"title": format!("t{i}")})).await;
    }
    let first: Value = d.app.get("/api/tickets?limit=2", &d.editor).await.json().await.expect("json");
    let cursor = first["next_cursor"].as_str().expect("cursor").to_owned();
    d.ticket(json!({"title": "newest"})).await;
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or("").to_owned())
        .collect();
    let mut cursor = Some(cursor);
    while let Some(c) = cursor {
        let page: Value = d
            .app
            .get(&format!("/api/tickets?limit=2&cursor={c}"), &d.editor)
            .await
            .json()
            .await
            .expect("json");
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["title"].as_str().unwrap_or("").to_owned()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ["t4", "t3", "t2", "t1", "t0"]);
}

#[tokio::test]
async fn a_bulk_close_reports_each_ticket_and_shares_one_reason() {
    let d = desk().await;
    let a = d.ticket(json!({})).await;
    let b = d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    let closed = d.ticket(json!({})).await;
    d.act(&d.editor, &closed["id"], "close").await;
    let hidden = d.elsewhere().await;

    let ids = json!([a["id"], b["id"], closed["id"], hidden["id"], 999999]);
    let res = d
        .app
        .post(
            "/api/tickets/bulk",
            &d.editor,
            json!({"ids": ids, "action": "close", "comment": "duplicate of #1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    assert_eq!((body["succeeded"].as_u64(), body["failed"].as_u64()), (Some(2), Some(3)));
    let results = body["results"].as_array().expect("results");
    assert_eq!(results[0]["status"], "closed");
    assert_eq!(results[1]["status"], "closed");
    assert_eq!(results[2]["error_status"], 409, "already closed");
    assert_eq!(results[3]["error_status"], 404, "another site's ticket is reported as not found");
    assert_eq!(results[4]["error_status"], 404);

    let history: Value =
        d.app.get(&format!("/api/tickets/{}/history", b["id"]), &d.editor).await.json().await.expect("json");
    let last = history.as_array().and_then(|h| h.last()).cloned().expect("row");
    assert_eq!(
        (last["new_value"].as_str(), last["comment"].as_str()),
        (Some("closed"), Some("duplicate of #1"))
    );
    // The other site's ticket is untouched.
    let hidden_now: Value = d
        .app
        .get(&format!("/api/tickets/{}", hidden["id"]), &d.app.admin_token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(hidden_now["status"], "new");
}

#[tokio::test]
async fn a_bulk_close_takes_up_to_ten_thousand_tickets_in_one_request() {
    let d = desk().await;
    let a = d.ticket(json!({})).await;
    let b = d.ticket(json!({})).await;
    // 5,000 ids, two of them real: every one gets its result, in the order asked.
    let mut ids: Vec<i64> = (1_000_000..1_004_998).collect();
    ids.insert(2_500, a["id"].as_i64().expect("id"));
    ids.push(b["id"].as_i64().expect("id"));
    let res = d.app.post("/api/tickets/bulk", &d.editor, json!({"ids": ids, "action": "close"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    assert_eq!((body["succeeded"].as_u64(), body["failed"].as_u64()), (Some(2), Some(4_998)));
    let results = body["results"].as_array().expect("results");
    assert_eq!(results.len(), 5_000);
    assert_eq!(
        (results[2_500]["id"].clone(), results[2_500]["status"].clone()),
        (a["id"].clone(), json!("closed"))
    );
    assert_eq!(results[4_999]["status"], "closed");
    assert_eq!(results[0]["error_status"], 404);
    let history: Value =
        d.app.get(&format!("/api/tickets/{}/history", a["id"]), &d.editor).await.json().await.expect("json");
    let closes = history.as_array().expect("history").iter().filter(|h| h["new_value"] == "closed").count();
    assert_eq!(closes, 1);
    // More than 10,000 is refused whole.
    let too_many: Vec<i64> = (1..=10_001).collect();
    let res = d.app.post("/api/tickets/bulk", &d.editor, json!({"ids": too_many, "action": "close"})).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["ids"]);
}

#[tokio::test]
async fn bulk_tags_assign_and_flags_apply_to_every_ticket() {
    let d = desk().await;
    let a = d.ticket(json!({})).await;
    let b = d.ticket(json!({})).await;
    let tag: Value =
        d.app.post("/api/tags", &d.app.admin_token, json!({"name": "apt"})).await.json().await.expect("json");
    let ids = json!([a["id"], b["id"]]);
    for body in [
        json!({"ids": ids, "action": "tags", "tag_ids": [tag["id"]]}),
        json!({"ids": ids, "action": "assign", "assignee_ids": [d.assignee_id]}),
        json!({"ids": ids, "action": "attack", "attack": "false_positive"}),
        json!({"ids": ids, "action": "incident", "incident": "normal"}),
    ] {
        let res: Value = d.app.post("/api/tickets/bulk", &d.editor, body).await.json().await.expect("json");
        assert_eq!(res["succeeded"], 2, "{res}");
    }
    let t: Value =
        d.app.get(&format!("/api/tickets/{}", b["id"]), &d.editor).await.json().await.expect("json");
    assert_eq!(t["tags"][0]["name"], "apt");
    assert_eq!(t["status"], "assigned");
    assert_eq!((t["attack"].as_str(), t["incident"].as_str()), (Some("false_positive"), Some("normal")));
    // An empty tag list removes every tag.
    d.app.post("/api/tickets/bulk", &d.editor, json!({"ids": ids, "action": "tags", "tag_ids": []})).await;
    let t: Value =
        d.app.get(&format!("/api/tickets/{}", a["id"]), &d.editor).await.json().await.expect("json");
    assert_eq!(t["tags"], json!([]));
    // Missing parameters and unknown accounts refuse the whole request.
    let res = d.app.post("/api/tickets/bulk", &d.editor, json!({"ids": ids, "action": "assign"})).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["assignee_ids"]);
    let res = d.app.post("/api/tickets/bulk", &d.assignee, json!({"ids": ids, "action": "close"})).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn memos_are_listed_oldest_first_searchable_and_sanitised() {
    let d = desk().await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    let path = format!("/api/tickets/{}/memos", t["id"]);
    let res = d
        .app
        .post(
            &path,
            &d.assignee,
            json!({"body": "Blocked **198.51.100.7** at the firewall <script>x</script>"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    d.app.post(&path, &d.editor, json!({"body": "Confirmed", "format": "text"})).await;
    let memos: Value = d.app.get(&path, &d.editor).await.json().await.expect("json");
    assert_eq!(memos[0]["author"], "assignee");
    assert_eq!(memos[1]["author"], "editor");
    let html = memos[0]["body_html"].as_str().expect("html");
    assert!(html.contains("<strong>198.51.100.7</strong>") && !html.contains("<script"));
    let found: Value = d.app.get("/api/tickets?q=198.51.100.7", &d.editor).await.json().await.expect("json");
    assert_eq!(found["total"], 1);
    let history: Value =
        d.app.get(&format!("/api/tickets/{}/history", t["id"]), &d.editor).await.json().await.expect("json");
    assert_eq!(history.as_array().map(|h| h.iter().filter(|e| e["field"] == "memo").count()), Some(2));
    assert_problem(
        d.app.post(&path, &d.editor, json!({"body": "  "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn the_trend_counts_each_day_by_status_and_metrics_give_response_times() {
    let d = desk().await;
    d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    d.ticket(json!({})).await;
    let c = d.ticket(json!({})).await;
    d.act(&d.editor, &c["id"], "close").await;
    let other = d.app.site("Busan").await;
    d.app
        .post(
            "/api/tickets",
            &d.app.admin_token,
            json!({"site_id": other, "kind": "analysis", "title": "Elsewhere"}),
        )
        .await;

    let trend: Value = d.app.get("/api/tickets/trend", &d.editor).await.json().await.expect("json");
    assert_eq!(trend["timezone"], "UTC");
    let days = trend["days"].as_array().expect("days");
    assert_eq!(days.len(), 30);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let last = days.last().expect("day");
    assert_eq!(last["date"], today);
    assert_eq!(last["total"], 3, "another site's ticket is not counted");
    assert_eq!(
        (
            last["by_status"]["assigned"].as_u64(),
            last["by_status"]["new"].as_u64(),
            last["by_status"]["closed"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(days[0]["total"], 0);

    let narrowed: Value =
        d.app.get("/api/tickets/trend?status=closed", &d.editor).await.json().await.expect("json");
    assert_eq!(
        narrowed["days"].as_array().and_then(|d| d.last()).map(|d| d["total"].clone()),
        Some(json!(1))
    );
    let today_only: Value = d
        .app
        .get(&format!("/api/tickets/trend?from={today}T00:00:00Z"), &d.editor)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(today_only["days"].as_array().map(Vec::len), Some(1));
    assert_problem(
        d.app.get("/api/tickets/trend?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", &d.editor).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    let m: Value = d.app.get("/api/tickets/metrics", &d.editor).await.json().await.expect("json");
    assert_eq!(m["count"], 3);
    assert_eq!(m["by_status"]["closed"], 1);
    assert_eq!(m["time_to_assign"]["samples"], 1);
    assert_eq!(m["time_to_assign"]["median_secs"], 0);
    assert_eq!(m["time_to_close"]["samples"], 1);
}

#[tokio::test]
async fn related_tickets_match_by_ip_host_and_cidr_within_your_sites() {
    let d = desk().await;
    let fields = |src: &str, dst: &str, host: &str| json!({"kind": "detection", "fields": [{"name": "src_ip", "value": src}, {"name": "dst_ip", "value": dst}, {"name": "host", "value": host}]});
    let base = d.ticket(fields("10.0.0.5", "192.0.2.1", "ws-01")).await;
    let same_src = d.ticket(fields("10.0.0.5", "192.0.2.99", "ws-77")).await;
    let reversed = d.ticket(fields("192.0.2.1", "10.9.9.9", "ws-78")).await;
    let same_host = d.ticket(fields("172.16.0.1", "172.16.0.2", "ws-01")).await;
    let in_net = d.ticket(fields("10.0.0.200", "203.0.113.1", "ws-79")).await;
    d.ticket(fields("10.0.1.1", "203.0.113.2", "ws-80")).await;
    let other = d.app.site("Busan").await;
    let mut hidden = fields("10.0.0.5", "192.0.2.1", "ws-01");
    hidden
        .as_object_mut()
        .expect("object")
        .extend(json!({"site_id": other, "title": "Elsewhere"}).as_object().expect("o").clone());
    d.app.post("/api/tickets", &d.app.admin_token, hidden).await;

    let ids = |v: &Value| -> Vec<i64> {
        v.as_array().expect("array").iter().filter_map(|r| r["ticket"]["id"].as_i64()).collect()
    };
    let related: Value = d
        .app
        .get(&format!("/api/tickets/{}/related", base["id"]), &d.editor)
        .await
        .json()
        .await
        .expect("json");
    let mut expected = vec![same_src["id"].as_i64(), reversed["id"].as_i64(), same_host["id"].as_i64()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids(&related), expected);
    let host_match = related
        .as_array()
        .expect("array")
        .iter()
        .find(|r| r["ticket"]["id"] == same_host["id"])
        .expect("row");
    assert_eq!(host_match["matched_on"], json!(["host ws-01"]));

    let with_cidr: Value = d
        .app
        .get(&format!("/api/tickets/{}/related?cidr=10.0.0.0/24", base["id"]), &d.editor)
        .await
        .json()
        .await
        .expect("json");
    let found = ids(&with_cidr);
    assert!(found.contains(&in_net["id"].as_i64().expect("id")));
    assert_eq!(found.len(), 4, "10.0.1.1 is outside the /24 and the other site's ticket is invisible");
    assert_problem(
        d.app.get(&format!("/api/tickets/{}/related?cidr=10.0.0.0/99", base["id"]), &d.editor).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn the_detection_templates_are_network_endpoint_and_email() {
    let d = desk().await;
    let templates: Value = d.app.get("/api/ticket-templates", &d.assignee).await.json().await.expect("json");
    let keys: Vec<&str> =
        templates.as_array().expect("array").iter().filter_map(|t| t["key"].as_str()).collect();
    assert_eq!(keys, ["network", "endpoint", "email"]);
    assert!(templates[0]["fields"].as_array().expect("fields").contains(&json!("Source IP")));
}

#[tokio::test]
async fn memo_attachments_are_stored_and_served_only_as_downloads() {
    let d = desk().await;
    let t = d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    let res =
        upload(&d.app, &d.assignee, "../../evil<script>.html", b"<script>alert(1)</script>".to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let file: Value = res.json().await.expect("json");
    assert_eq!(file["file_name"], "evil<script>.html");
    assert_eq!(file["size"], 25);
    let id = file["id"].as_i64().expect("id");

    // Before it is attached, only the uploader sees it.
    assert_problem(d.app.get(&format!("/api/attachments/{id}"), &d.editor).await, StatusCode::NOT_FOUND)
        .await;
    let memo: Value = d
        .app
        .post(
            &format!("/api/tickets/{}/memos", t["id"]),
            &d.assignee,
            json!({"body": "see file", "attachment_ids": [id]}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(memo["attachments"][0]["id"], id);

    let res = d.app.get(&format!("/api/attachments/{id}"), &d.editor).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h.get("content-type").and_then(|v| v.to_str().ok()), Some("application/octet-stream"));
    assert_eq!(h.get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"));
    let cd = h.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''"), "{cd}");
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), b"<script>alert(1)</script>");

    // Another site's account cannot fetch it, and an upload can be attached only once, by its owner.
    let other = d.app.site("Busan").await;
    let (_, outsider) = d.app.account_with("outsider", &["TICKET_VIEW"], &[other]).await;
    assert_problem(d.app.get(&format!("/api/attachments/{id}"), &outsider).await, StatusCode::NOT_FOUND)
        .await;
    let res = d
        .app
        .post(
            &format!("/api/tickets/{}/memos", t["id"]),
            &d.editor,
            json!({"body": "x", "attachment_ids": [id]}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["attachment_ids[0]"]
    );
}

#[tokio::test]
async fn oversize_and_non_multipart_uploads_are_refused() {
    let d = desk().await;
    let res = upload(&d.app, &d.editor, "big.bin", vec![0u8; 1024 * 1024 + 1]).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    let res = d.app.post("/api/attachments", &d.editor, json!({"file": "x"})).await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

/// Moves a ticket's creation time (the API always stamps "now").
async fn created_days_ago(app: &TestApp, id: &Value, days: i64) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use socdesk_domain::entities::ticket;
    let at = chrono::Utc::now().date_naive() - chrono::Days::new(days as u64);
    let at = at.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    ticket::Entity::update_many()
        .col_expr(ticket::Column::CreatedAt, Expr::value(at))
        .filter(ticket::Column::Id.eq(id.as_i64().expect("id")))
        .exec(&app.db)
        .await
        .expect("moved");
}

#[tokio::test]
async fn the_trend_matches_a_hand_computed_fixture_day_by_day() {
    let d = desk().await;
    let two_ago_new = d.ticket(json!({})).await;
    let two_ago_closed = d.ticket(json!({})).await;
    d.act(&d.editor, &two_ago_closed["id"], "close").await;
    let yesterday = d.ticket(json!({"assignee_ids": [d.assignee_id]})).await;
    d.ticket(json!({})).await; // today, new
    let old = d.ticket(json!({})).await;
    let hidden = d.elsewhere().await;
    for (t, days) in [(&two_ago_new, 2), (&two_ago_closed, 2), (&yesterday, 1), (&old, 40), (&hidden, 2)] {
        created_days_ago(&d.app, &t["id"], days).await;
    }

    let from = (chrono::Utc::now().date_naive() - chrono::Days::new(2)).format("%Y-%m-%dT00:00:00Z");
    let trend: Value =
        d.app.get(&format!("/api/tickets/trend?from={from}"), &d.editor).await.json().await.expect("json");
    let days: Vec<(u64, u64, u64, u64)> = trend["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|day| {
            let n = |k: &str| day["by_status"][k].as_u64().unwrap_or(99);
            (day["total"].as_u64().unwrap_or(99), n("new"), n("assigned"), n("closed"))
        })
        .collect();
    // (total, new, assigned, closed) for the day before yesterday, yesterday, today.
    assert_eq!(days, [(2, 1, 0, 1), (1, 0, 1, 0), (1, 1, 0, 0)]);

    // The default period is the last 30 days: the 40-day-old ticket is outside it.
    let default: Value = d.app.get("/api/tickets/trend", &d.editor).await.json().await.expect("json");
    let total: u64 =
        default["days"].as_array().expect("days").iter().filter_map(|d| d["total"].as_u64()).sum();
    assert_eq!(total, 4);
    // An administrator sees the other site's ticket on its day.
    let admin: Value = d
        .app
        .get(&format!("/api/tickets/trend?from={from}"), &d.app.admin_token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(admin["days"][0]["total"], 3);
}

#[tokio::test]
async fn evidence_is_listed_oldest_first_and_only_on_your_sites() {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    use socdesk_domain::entities::ticket_evidence;
    let d = desk().await;
    let t = d.ticket(json!({"kind": "detection"})).await;
    for n in 0..3 {
        ticket_evidence::Entity::insert(ticket_evidence::ActiveModel {
            ticket_id: Set(t["id"].as_i64().expect("id")),
            at: Set(chrono::Utc::now()),
            record: Set(
                json!({"_time": "2026-11-22T00:00:00Z", "emp_key": "E100", "src_ip": format!("10.0.0.{n}")}),
            ),
            ..Default::default()
        })
        .exec(&d.app.db)
        .await
        .expect("evidence");
    }
    let page: Value = d
        .app
        .get(&format!("/api/tickets/{}/evidence?limit=2", t["id"]), &d.assignee)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"][0]["record"]["src_ip"], "10.0.0.0");
    let cursor = page["next_cursor"].as_str().expect("cursor");
    let rest: Value = d
        .app
        .get(&format!("/api/tickets/{}/evidence?cursor={cursor}", t["id"]), &d.assignee)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(rest["items"][0]["record"]["src_ip"], "10.0.0.2");
    let other = d.app.site("Busan").await;
    let (_, outsider) = d.app.account_with("outsider", &["TICKET_VIEW"], &[other]).await;
    assert_problem(
        d.app.get(&format!("/api/tickets/{}/evidence", t["id"]), &outsider).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Days are counted in `SOCDESK_TIMEZONE`, daylight saving included, whichever database counts.
#[tokio::test]
async fn the_trend_counts_days_in_the_configured_time_zone() {
    use sea_orm::ConnectionTrait;
    for (zone, created, expected) in [
        // New York leaves daylight saving on 1 November 2026: 03:30 UTC is 23:30 on 31 October
        // (EDT), 04:30 UTC the next day is 23:30 on 1 November (EST).
        (
            "America/New_York",
            ["2026-11-01T03:30:00+00:00", "2026-11-02T04:30:00+00:00", "2026-11-02T05:30:00+00:00"],
            [("2026-10-31", 1), ("2026-11-01", 1), ("2026-11-02", 1)],
        ),
        // Seoul is UTC+9 all year: 20:00 UTC is the next morning.
        (
            "Asia/Seoul",
            ["2026-11-01T14:59:00+00:00", "2026-11-01T15:00:00+00:00", "2026-11-02T20:00:00+00:00"],
            [("2026-11-01", 1), ("2026-11-02", 1), ("2026-11-03", 1)],
        ),
    ] {
        let mut settings = crate::helpers::test_settings().await;
        settings.timezone = zone.parse().expect("zone");
        let app = crate::helpers::spawn_app_with(settings).await;
        let site = app.site("Seoul").await;
        for at in created {
            let t: Value = app
                .post(
                    "/api/tickets",
                    &app.admin_token,
                    json!({"site_id": site, "kind": "analysis", "title": at}),
                )
                .await
                .json()
                .await
                .expect("json");
            let sql = format!("UPDATE tickets SET created_at = '{at}' WHERE id = {}", t["id"]);
            app.db.execute_unprepared(&sql).await.expect("backdated");
        }
        let trend: Value = app
            .get("/api/tickets/trend?from=2026-10-25T00:00:00Z&to=2026-11-10T00:00:00Z", &app.admin_token)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(trend["timezone"], zone);
        let counted: Vec<(String, u64)> = trend["days"]
            .as_array()
            .expect("days")
            .iter()
            .filter(|d| d["total"].as_u64() > Some(0))
            .map(|d| (d["date"].as_str().expect("date").to_owned(), d["total"].as_u64().expect("total")))
            .collect();
        let expected: Vec<(String, u64)> = expected.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect();
        assert_eq!(counted, expected, "{zone}");
    }
}
