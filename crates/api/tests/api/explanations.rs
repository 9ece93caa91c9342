//! Explanation requests end to end over HTTP: asking one, the violator's mail and token page,
//! submitting, the manager's and auditor's reviews, new links on return, and who may do what.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use socdesk_domain::entities::outbox;

use socdesk_api::settings::Settings;

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app_with, test_settings};

/// A department with a manager, a violator in it, an auditor elsewhere; accounts linked to the
/// manager and the auditor; an analyst with EXPLANATION_AUDIT; one category.
pub(crate) struct Desk {
    pub app: TestApp,
    pub analyst: String,
    pub manager: String,
    pub auditor: String,
    pub category: i64,
}

pub(crate) async fn desk() -> Desk {
    desk_with(test_settings().await).await
}

pub(crate) async fn desk_with(settings: Settings) -> Desk {
    let app = spawn_app_with(settings).await;
    let admin = app.admin_token.clone();
    let dept: Value =
        app.post("/api/departments", &admin, json!({"name": "Sales"})).await.json().await.expect("json");
    let dept = dept["id"].as_i64().expect("department");
    for (id, name, manager) in [("M1", "Manager Min", true), ("V1", "Violator Vic", false)] {
        let res = app
            .post(
                "/api/employees",
                &admin,
                json!({"id": id, "name": name, "email": format!("{}@example.com", id.to_lowercase()),
                    "department_id": dept, "is_manager": manager}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    }
    let res = app
        .post("/api/employees", &admin, json!({"id": "A1", "name": "Auditor Ann", "email": "a1@example.com"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, analyst) = app.account_with("analyst", &["EXPLANATION_AUDIT", "TICKET_EDIT"], &[]).await;
    let mut linked = Vec::new();
    for (login, employee) in [("min", "M1"), ("ann", "A1")] {
        let (id, _) = app.account_with(login, &[], &[]).await;
        let res = app.patch(&format!("/api/accounts/{id}"), &admin, json!({"employee_id": employee})).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
        linked.push(
            app.login_ok(login, crate::helpers::PASSWORD).await["access_token"]
                .as_str()
                .expect("t")
                .to_owned(),
        );
    }
    let category: Value = app
        .post("/api/explanation-categories", &admin, json!({"name": "Data leakage"}))
        .await
        .json()
        .await
        .expect("json");
    let auditor = linked.pop().expect("auditor");
    let manager = linked.pop().expect("manager");
    Desk { app, analyst, manager, auditor, category: category["id"].as_i64().expect("category") }
}

pub(crate) fn deadline(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// The newest outbox mail to `to`: (subject, body).
pub(crate) async fn last_mail(app: &TestApp, to: &str) -> (String, String) {
    let m = outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(to))
        .order_by_desc(outbox::Column::Id)
        .one(&app.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no mail to {to}"));
    (m.subject, m.body)
}

/// The token in the last link mailed to the violator.
pub(crate) async fn violator_token(app: &TestApp) -> String {
    let (_, body) = last_mail(app, "v1@example.com").await;
    let start = body.find("/explain/").expect("a link") + "/explain/".len();
    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

pub(crate) async fn submit(app: &TestApp, token: &str, text: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/public/explanations/{token}/submit", app.address))
        .json(&json!({"explanation": text}))
        .send()
        .await
        .expect("sent")
}

pub(crate) async fn public(app: &TestApp, token: &str) -> reqwest::Response {
    app.client.get(format!("{}/api/public/explanations/{token}", app.address)).send().await.expect("sent")
}

#[tokio::test]
async fn a_request_goes_through_submission_return_resubmission_and_both_reviews() {
    let d = desk().await;
    let app = &d.app;
    let res = app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "V1", "auditor_id": "A1", "category_id": d.category,
                "deadline": deadline(3), "message": "Why did you mail <customers.xlsx> outside?"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let created: Value = res.json().await.expect("json");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["status"], "new");
    assert_eq!(created["priority"], "low", "the default priority");
    assert_eq!(created["manager"]["id"], "M1", "the automatic primary reviewer");
    assert_eq!(created["auditor"]["name"], "Auditor Ann");
    assert_eq!(created["link_active"], true);
    assert_eq!(created["history"][0]["action"], "requested");

    // The violator's mail carries the link; the message is escaped in it.
    let (subject, body) = last_mail(app, "v1@example.com").await;
    assert!(subject.contains("Data leakage"), "{subject}");
    assert!(
        body.contains("&lt;customers.xlsx&gt;") && body.contains("http://socdesk.test/explain/"),
        "{body}"
    );
    let token = violator_token(app).await;
    assert!(token.len() >= 43, "at least 256 random bits: {token}");

    let page: Value = public(app, &token).await.json().await.expect("json");
    assert_eq!(page["can_submit"], true);
    assert_eq!(page["violator_name"], "Violator Vic");
    assert!(page.get("manager").is_none() && !page.to_string().contains("Manager Min"), "{page}");

    assert_eq!(submit(app, &token, "I sent it to our own lawyer.").await.status(), StatusCode::NO_CONTENT);
    assert_problem(submit(app, &token, "again").await, StatusCode::NOT_FOUND).await;
    assert_problem(public(app, &token).await, StatusCode::NOT_FOUND).await;
    let (subject, body) = last_mail(app, "m1@example.com").await;
    assert!(subject.contains("Violator Vic"), "{subject}");
    assert!(body.contains(&format!("/explanations/{id}/review")), "{body}");

    // Only the manager's own account reviews; others are told why.
    let review = |token: String, body: Value| {
        let path = format!("/api/explanations/{id}/review");
        async move { app.post(&path, &token, body).await }
    };
    let problem = assert_problem(
        review(app.admin_token.clone(), json!({"action": "normal"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("employee")), "{problem}");
    assert_problem(review(d.auditor.clone(), json!({"action": "normal"})).await, StatusCode::CONFLICT).await;
    let problem = assert_problem(
        review(d.manager.clone(), json!({"action": "return"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["comment"]);

    let res =
        review(d.manager.clone(), json!({"action": "return", "comment": "Name the lawyer's firm."})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let returned: Value = res.json().await.expect("json");
    assert_eq!(returned["status"], "returned");
    let (_, body) = last_mail(app, "v1@example.com").await;
    assert!(
        body.contains("Name the lawyer&#39;s firm.") || body.contains("Name the lawyer's firm."),
        "{body}"
    );
    let second = violator_token(app).await;
    assert_ne!(second, token);
    let page: Value = public(app, &second).await.json().await.expect("json");
    let said: Vec<&str> = page["conversation"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["comment"].as_str())
        .collect();
    assert_eq!(said, ["I sent it to our own lawyer.", "Name the lawyer's firm."]);
    assert_eq!(submit(app, &second, "Kim & Partners.").await.status(), StatusCode::NO_CONTENT);

    let res = review(d.manager.clone(), json!({"action": "normal", "comment": "Fine by me."})).await;
    let awaiting: Value = res.json().await.expect("json");
    assert_eq!(awaiting["status"], "awaiting");
    assert_eq!(awaiting["result"], Value::Null, "the result waits for the auditor");
    let (subject, _) = last_mail(app, "a1@example.com").await;
    assert!(subject.contains("review"), "{subject}");

    let res = review(
        d.auditor.clone(),
        json!({"action": "violated", "comment": "Policy forbids it.", "internal": true}),
    )
    .await;
    let done: Value = res.json().await.expect("json");
    assert_eq!(done["status"], "audit_completed");
    assert_eq!(done["result"], "violated");
    assert!(done["closed_at"].is_string());
    assert_eq!(done["allowed_actions"].as_array().map(|a| a.iter().any(|x| x == "violated")), Some(false));
    let actions: Vec<&str> =
        done["history"].as_array().expect("history").iter().filter_map(|s| s["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["requested", "submitted", "returned", "submitted", "confirmed_normal", "confirmed_violated"]
    );
}

#[tokio::test]
async fn requests_are_checked_and_readable_only_by_those_concerned() {
    let d = desk().await;
    let app = &d.app;
    let res = app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "NOBODY", "category_id": 999, "deadline": deadline(-1),
                "message": "x".repeat(10_001), "evidence_record_ids": [123]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields = error_fields(&problem);
    for f in ["violator_id", "category_id", "deadline", "message", "evidence_record_ids"] {
        assert!(fields.contains(&f.to_owned()), "{f} in {problem}");
    }
    // Asking needs EXPLANATION_AUDIT; reading needs an explanation permission or a reviewer role.
    let (_, viewer) = app.account_with("viewer", &["TICKET_VIEW"], &[]).await;
    let body = json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(2)});
    assert_problem(app.post("/api/explanations", &viewer, body.clone()).await, StatusCode::FORBIDDEN).await;
    let created: Value = app.post("/api/explanations", &d.analyst, body).await.json().await.expect("json");
    let path = format!("/api/explanations/{}", created["id"]);
    assert_problem(app.get(&path, &viewer).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.get(&path, &d.manager).await.status(), StatusCode::OK, "the manager reads it");
    assert_problem(app.get("/api/explanations/424242", &d.analyst).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn unknown_links_all_look_alike_and_guessing_is_throttled() {
    let d = desk().await;
    let app = &d.app;
    for i in 0..20 {
        assert_problem(public(app, &format!("guess{i}")).await, StatusCode::NOT_FOUND).await;
    }
    assert_problem(public(app, "guess-more").await, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn a_ticket_asks_for_an_explanation_and_shows_its_status() {
    let d = desk().await;
    let app = &d.app;
    let site = app.site("HQ").await;
    let (_, editor) = app.account_with("editor", &["TICKET_EDIT", "TICKET_VIEW"], &[site]).await;
    let (_, outsider) = app.account_with("outsider", &["TICKET_EDIT", "TICKET_VIEW"], &[]).await;
    let ticket: Value = app
        .post("/api/tickets", &editor, json!({"site_id": site, "kind": "analysis", "title": "USB copy"}))
        .await
        .json()
        .await
        .expect("json");
    let path = format!("/api/tickets/{}/explanations", ticket["id"]);
    let body = json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(5)});
    // Another site's ticket is not there for this caller.
    let problem =
        assert_problem(app.post(&path, &outsider, body.clone()).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert_eq!(error_fields(&problem), ["ticket_id"]);
    let res = app.post(&path, &editor, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let created: Value = res.json().await.expect("json");
    assert_eq!(created["ticket"]["name"], "USB copy");
    let shown: Value =
        app.get(&format!("/api/tickets/{}", ticket["id"]), &editor).await.json().await.expect("json");
    assert_eq!(shown["explanation_status"], "new");

    let token = violator_token(app).await;
    assert_eq!(submit(app, &token, "It was my own photos.").await.status(), StatusCode::NO_CONTENT);
    let shown: Value =
        app.get(&format!("/api/tickets/{}", ticket["id"]), &editor).await.json().await.expect("json");
    assert_eq!(shown["explanation_status"], "submitted", "the ticket follows its explanation");
}

#[tokio::test]
async fn the_list_filters_sorts_pages_and_shows_each_caller_only_what_they_may_read() {
    let d = desk().await;
    let app = &d.app;
    for (priority, message) in
        [("high", "USB copy"), ("low", "Mail to a rival"), ("medium", "Printed payroll")]
    {
        let res = app
            .post(
                "/api/explanations",
                &d.analyst,
                json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(2),
                    "priority": priority, "message": message}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let page: Value = app.get("/api/explanations", &d.analyst).await.json().await.expect("json");
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"][0]["priority"], "medium", "newest first");
    let page: Value =
        app.get("/api/explanations?sort=priority&limit=2", &d.analyst).await.json().await.expect("json");
    let order: Vec<&str> =
        page["items"].as_array().expect("items").iter().filter_map(|i| i["priority"].as_str()).collect();
    assert_eq!(order, ["high", "medium"]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let next: Value = app
        .get(&format!("/api/explanations?sort=priority&limit=2&cursor={cursor}"), &d.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(next["items"][0]["priority"], "low");
    let found: Value = app
        .get("/api/explanations?q=RIVAL&priority=low,medium", &d.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["total"], 1);
    let old: Value = app
        .get("/api/explanations?to=2020-01-01T00:00:00Z&from=2019-01-01T00:00:00Z", &d.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(old["total"], 0);
    let problem = assert_problem(
        app.get("/api/explanations?status=lost&sort=x", &d.analyst).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(error_fields(&problem).contains(&"status".to_owned()), "{problem}");

    // The trend counts the same requests per day, by status or by result.
    let trend: Value = app.get("/api/explanations/trend", &d.analyst).await.json().await.expect("json");
    let days = trend["days"].as_array().expect("days");
    assert_eq!(days.len(), 30, "the last 30 days by default");
    let today = days.last().expect("today");
    assert_eq!(today["total"], 3);
    assert_eq!(today["counts"]["new"], 3);
    assert_eq!(today["counts"]["audit_completed"], 0, "every status is listed");
    let by_result: Value = app
        .get("/api/explanations/trend?view=result&priority=high", &d.analyst)
        .await
        .json()
        .await
        .expect("json");
    let today = by_result["days"].as_array().and_then(|d| d.last()).cloned().expect("today");
    assert_eq!(today["counts"], json!({"none": 1, "normal": 0, "violated": 0}));
    assert_problem(
        app.get("/api/explanations/trend?view=mood", &d.analyst).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    // The manager sees the ones they review; an unrelated account sees none.
    let mine: Value = app.get("/api/explanations", &d.manager).await.json().await.expect("json");
    assert_eq!(mine["total"], 3);
    let theirs: Value = app.get("/api/explanations", &d.auditor).await.json().await.expect("json");
    assert_eq!(theirs["total"], 0);
}

#[tokio::test]
async fn auditors_review_and_delete_in_bulk_with_a_result_per_id() {
    let d = desk().await;
    let app = &d.app;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let created: Value = app
            .post(
                "/api/explanations",
                &d.analyst,
                json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(2)}),
            )
            .await
            .json()
            .await
            .expect("json");
        ids.push(created["id"].as_i64().expect("id"));
    }
    let problem = assert_problem(
        app.post(
            "/api/explanations/bulk-review",
            &d.analyst,
            json!({"ids": ids, "action": "normal", "opinion": "  "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["opinion"]);
    assert_problem(
        app.post(
            "/api/explanations/bulk-review",
            &d.manager,
            json!({"ids": ids, "action": "normal", "opinion": "ok"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let res = app
        .post(
            "/api/explanations/bulk-review",
            &d.analyst,
            json!({"ids": [ids[0], ids[1], 999_999], "action": "violated", "opinion": "Confirmed by the audit team."}),
        )
        .await;
    let answer: Value = res.json().await.expect("json");
    assert_eq!(answer["succeeded"], 2);
    assert_eq!(answer["results"][2]["error_status"], 404);
    let one: Value =
        app.get(&format!("/api/explanations/{}", ids[0]), &d.analyst).await.json().await.expect("json");
    assert_eq!(one["status"], "audit_completed");
    assert_eq!(one["result"], "violated");
    assert_eq!(one["history"][1]["comment"], "Confirmed by the audit team.");

    // A bulk return goes back to new with a new link for the violator.
    let before = violator_token(app).await;
    let answer: Value = app
        .post(
            "/api/explanations/bulk-review",
            &d.analyst,
            json!({"ids": [ids[0]], "action": "return", "opinion": "Reopened."}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(answer["results"][0]["status"], "new");
    let after = violator_token(app).await;
    assert_ne!(before, after);
    assert_eq!(public(app, &after).await.status(), StatusCode::OK);

    let answer: Value = app
        .post("/api/explanations/bulk-delete", &d.analyst, json!({"ids": [ids[2], ids[2], 424_242]}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(answer["succeeded"], 1, "{answer}");
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(2), "duplicates count once");
    assert_problem(
        app.get(&format!("/api/explanations/{}", ids[2]), &d.analyst).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let log: Value = app.get("/api/audit-log", &app.admin_token).await.json().await.expect("json");
    assert!(log.to_string().contains("explanation.delete"), "the deletion is kept in the audit log");
}

#[tokio::test]
async fn links_can_be_reissued_or_revoked_and_a_ticket_lists_its_explanations() {
    let d = desk().await;
    let app = &d.app;
    let site = app.site("HQ").await;
    let (_, editor) = app.account_with("editor", &["TICKET_EDIT", "TICKET_VIEW"], &[site]).await;
    let (_, outsider) = app.account_with("outsider", &["TICKET_VIEW"], &[]).await;
    let ticket: Value = app
        .post("/api/tickets", &editor, json!({"site_id": site, "kind": "analysis", "title": "Badge misuse"}))
        .await
        .json()
        .await
        .expect("json");
    let body = json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(5)});
    let created: Value = app
        .post(&format!("/api/tickets/{}/explanations", ticket["id"]), &editor, body)
        .await
        .json()
        .await
        .expect("json");
    let id = created["id"].as_i64().expect("id");
    let tab: Value = app
        .get(&format!("/api/tickets/{}/explanations", ticket["id"]), &editor)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(tab.as_array().map(Vec::len), Some(1));
    assert_eq!(tab[0]["id"], id);
    assert_problem(
        app.get(&format!("/api/tickets/{}/explanations", ticket["id"]), &outsider).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let first = violator_token(app).await;
    let res = app.post(&format!("/api/explanations/{id}/reissue-link"), &d.analyst, json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = violator_token(app).await;
    assert_ne!(first, second);
    assert_problem(public(app, &first).await, StatusCode::NOT_FOUND).await;
    assert_eq!(public(app, &second).await.status(), StatusCode::OK);

    let revoked: Value = app
        .post(&format!("/api/explanations/{id}/revoke-link"), &d.analyst, json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(revoked["link_active"], false);
    assert_problem(public(app, &second).await, StatusCode::NOT_FOUND).await;
    assert_problem(
        app.post(&format!("/api/explanations/{id}/revoke-link"), &editor, json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn an_employees_record_counts_normal_and_violated_over_every_date() {
    let d = desk().await;
    let app = &d.app;
    let mut ids = Vec::new();
    for verdict in ["normal", "violated", "violated", ""] {
        let res = app
            .post(
                "/api/explanations",
                &d.analyst,
                json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(3),
                    "message": "Why?"}),
            )
            .await;
        let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        ids.push(id);
        if verdict.is_empty() {
            continue;
        }
        let token = violator_token(app).await;
        assert_eq!(submit(app, &token, "Because.").await.status(), StatusCode::NO_CONTENT);
        let res =
            app.post(&format!("/api/explanations/{id}/review"), &d.manager, json!({"action": verdict})).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
    }
    // A year-old request still counts: the record spans every date.
    socdesk_domain::entities::explanation::Entity::update_many()
        .col_expr(
            socdesk_domain::entities::explanation::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::days(365)),
        )
        .filter(socdesk_domain::entities::explanation::Column::Id.eq(ids[0]))
        .exec(&app.db)
        .await
        .expect("backdated");

    for token in [&d.analyst, &d.manager] {
        let res = app.get("/api/employees/V1/explanations?limit=2", token).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
        let record: Value = res.json().await.expect("json");
        assert_eq!(record["employee"], json!({"id": "V1", "name": "Violator Vic"}));
        assert_eq!(record["counts"], json!({"total": 4, "normal": 1, "violated": 2, "open": 1}));
        let page = &record["explanations"];
        assert_eq!(page["total"], 4);
        let shown: Vec<i64> =
            page["items"].as_array().expect("items").iter().filter_map(|e| e["id"].as_i64()).collect();
        assert_eq!(shown, [ids[3], ids[2]], "newest first, two per page");
        let cursor = page["next_cursor"].as_str().expect("more");
        let next: Value = app
            .get(&format!("/api/employees/V1/explanations?limit=2&cursor={cursor}"), token)
            .await
            .json()
            .await
            .expect("json");
        let shown: Vec<i64> = next["explanations"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["id"].as_i64())
            .collect();
        assert_eq!(shown, [ids[1], ids[0]]);
    }
    // The auditor reviews none of them: nothing to read, no directory permission.
    assert_problem(app.get("/api/employees/V1/explanations", &d.auditor).await, StatusCode::NOT_FOUND).await;
    assert_problem(app.get("/api/employees/NOPE/explanations", &d.analyst).await, StatusCode::NOT_FOUND)
        .await;
    let record: Value =
        app.get("/api/employees/M1/explanations", &d.analyst).await.json().await.expect("json");
    assert_eq!(record["counts"], json!({"total": 0, "normal": 0, "violated": 0, "open": 0}));
}

pub(crate) async fn public_upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    app.client
        .post(format!("{}/api/public/explanations/{token}/attachments", app.address))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn the_violator_attaches_files_that_only_readers_download() {
    let d = desk().await;
    let app = &d.app;
    let ask = || async {
        let res = app
            .post(
                "/api/explanations",
                &d.analyst,
                json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(3),
                    "message": "Why?"}),
            )
            .await;
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    };
    let id = ask().await;
    let token = violator_token(app).await;
    let res = public_upload(app, &token, "../receipt.pdf", b"%PDF-1.4 receipt".to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let file: Value = res.json().await.expect("json");
    assert_eq!(file["file_name"], "receipt.pdf");
    let file_id = file["id"].as_i64().expect("id");
    assert_problem(
        public_upload(app, &token, "big.bin", vec![0; 1024 * 1024 + 1]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_problem(
        public_upload(app, "not-a-live-link", "x.txt", b"x".to_vec()).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // A ticket upload of someone else's is not the violator's to carry; nothing moves.
    let part = reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt");
    let other: Value = app
        .client
        .post(format!("{}/api/attachments", app.address))
        .bearer_auth(&app.admin_token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let res = app
        .client
        .post(format!("{}/api/public/explanations/{token}/submit", app.address))
        .json(&json!({"explanation": "See the receipt.", "attachment_ids": [file_id, other["id"]]}))
        .send()
        .await
        .expect("sent");
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["attachment_ids[1]"]);
    let page: Value = public(app, &token).await.json().await.expect("json");
    assert_eq!(page["status"], "new", "the refused submission changed nothing");

    let res = app
        .client
        .post(format!("{}/api/public/explanations/{token}/submit", app.address))
        .json(&json!({"explanation": "See the receipt.", "attachment_ids": [file_id]}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", res.text().await.unwrap_or_default());

    let detail: Value =
        app.get(&format!("/api/explanations/{id}"), &d.manager).await.json().await.expect("json");
    let submitted = &detail["history"][1];
    assert_eq!(submitted["action"], "submitted");
    assert_eq!(submitted["attachments"][0]["id"], file_id);
    let res = app.get(&format!("/api/explanations/{id}/attachments/{file_id}"), &d.manager).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"].to_str().expect("ascii").starts_with("attachment"));
    assert_eq!(res.bytes().await.expect("body").as_ref(), b"%PDF-1.4 receipt");
    // Not the auditor's (not on this one), not through the ticket route, not through another
    // explanation.
    assert_problem(
        app.get(&format!("/api/explanations/{id}/attachments/{file_id}"), &d.auditor).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/attachments/{file_id}"), &app.admin_token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let other_id = ask().await;
    assert_problem(
        app.get(&format!("/api/explanations/{other_id}/attachments/{file_id}"), &d.analyst).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // After a return, the violator's new link shows their file in the conversation.
    let res = app
        .post(
            &format!("/api/explanations/{id}/review"),
            &d.manager,
            json!({"action": "return", "comment": "Sign it."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let next = violator_token(app).await;
    let page: Value = public(app, &next).await.json().await.expect("json");
    assert_eq!(page["conversation"][1]["attachments"][0]["file_name"], "receipt.pdf");
    let res = app
        .client
        .get(format!("{}/api/public/explanations/{next}/attachments/{file_id}", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), StatusCode::OK);
}
