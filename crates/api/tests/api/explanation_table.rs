//! The SPEC's explanation status table over HTTP, cell by cell: every status × every review
//! action × every kind of caller, the violator's submission in every status, the link actions;
//! the submission window one second either side of its end; one link under 50 concurrent
//! submissions.

use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use socdesk_domain::entities::{explanation, explanation_history};

use crate::{
    explanations::{Desk, deadline, desk, public, submit, violator_token},
    helpers::{PASSWORD, assert_problem},
};

const STATUSES: [&str; 7] =
    ["new", "submitted", "returned", "closed", "awaiting", "audit_returned", "audit_completed"];
const ACTIONS: [&str; 3] = ["return", "normal", "violated"];

/// The desk plus a bystander: an employee account with EXPLANATION_VIEW that reviews nothing.
struct Table {
    d: Desk,
    bystander: String,
}

async fn table() -> Table {
    let d = desk().await;
    let app = &d.app;
    let res = app
        .post(
            "/api/employees",
            &app.admin_token,
            json!({"id": "B1", "name": "Bystander Bo", "email": "b1@example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (id, _) = app.account_with("bo", &["EXPLANATION_VIEW"], &[]).await;
    let res = app.patch(&format!("/api/accounts/{id}"), &app.admin_token, json!({"employee_id": "B1"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let bystander = app.login_ok("bo", PASSWORD).await["access_token"].as_str().expect("token").to_owned();
    Table { d, bystander }
}

impl Table {
    async fn review(&self, token: &str, id: i64, action: &str) -> reqwest::Response {
        let body = json!({"action": action, "comment": "Reviewed."});
        self.d.app.post(&format!("/api/explanations/{id}/review"), token, body).await
    }

    async fn ok_review(&self, token: &str, id: i64, action: &str) {
        let res = self.review(token, id, action).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
    }

    /// A fresh explanation brought to `status` (with an auditor, except for `closed`, which only
    /// an explanation without one reaches); answers its id and the last link the violator got.
    async fn reach(&self, status: &str) -> (i64, String) {
        let d = &self.d;
        let mut body = json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(3),
            "message": "Why?"});
        if status != "closed" {
            body["auditor_id"] = json!("A1");
        }
        let res = d.app.post("/api/explanations", &d.analyst, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let mut token = violator_token(&d.app).await;
        if status == "new" {
            return (id, token);
        }
        assert_eq!(submit(&d.app, &token, "Because.").await.status(), StatusCode::NO_CONTENT);
        match status {
            "submitted" => {}
            "returned" => {
                self.ok_review(&d.manager, id, "return").await;
                token = violator_token(&d.app).await;
            }
            "closed" => self.ok_review(&d.manager, id, "normal").await,
            _ => {
                self.ok_review(&d.manager, id, "normal").await;
                match status {
                    "awaiting" => {}
                    "audit_returned" => {
                        self.ok_review(&d.auditor, id, "return").await;
                        token = violator_token(&d.app).await;
                    }
                    "audit_completed" => self.ok_review(&d.auditor, id, "normal").await,
                    other => panic!("no way to reach {other}"),
                }
            }
        }
        let now: Value =
            d.app.get(&format!("/api/explanations/{id}"), &d.analyst).await.json().await.expect("json");
        assert_eq!(now["status"], status);
        (id, token)
    }

    async fn status_of(&self, id: i64) -> Value {
        self.d.app.get(&format!("/api/explanations/{id}"), &self.d.analyst).await.json().await.expect("json")
    }
}

/// What a review `action` by the manager or the auditor leads to from `status`, per the SPEC
/// table: `None` where it is not their turn (409).
fn spec_review(
    reviewer: &str,
    status: &str,
    action: &str,
    has_auditor: bool,
) -> Option<(&'static str, Option<&'static str>)> {
    let result = match action {
        "normal" => Some("normal"),
        "violated" => Some("violated"),
        _ => None,
    };
    match (reviewer, status, action) {
        ("manager", "submitted", "return") => Some(("returned", None)),
        ("manager", "submitted", _) if has_auditor => Some(("awaiting", None)),
        ("manager", "submitted", _) => Some(("closed", result)),
        ("auditor", "awaiting", "return") => Some(("audit_returned", None)),
        ("auditor", "awaiting", _) => Some(("audit_completed", result)),
        _ => None,
    }
}

#[tokio::test]
async fn every_status_action_and_caller_gets_what_the_spec_table_says() {
    let t = table().await;
    let d = &t.d;
    for status in STATUSES {
        let has_auditor = status != "closed";
        let (shared, _) = t.reach(status).await;
        for action in ACTIONS {
            // Accounts that are not employees are told why; employees who review nothing too.
            let problem =
                assert_problem(t.review(&d.analyst, shared, action).await, StatusCode::FORBIDDEN).await;
            assert!(problem["detail"].as_str().is_some_and(|m| m.contains("employee")), "{problem}");
            let problem =
                assert_problem(t.review(&t.bystander, shared, action).await, StatusCode::FORBIDDEN).await;
            assert!(
                problem["detail"].as_str().is_some_and(|m| m.contains("manager or the auditor")),
                "{problem}"
            );

            for (reviewer, token) in [("manager", &d.manager), ("auditor", &d.auditor)] {
                if reviewer == "auditor" && !has_auditor {
                    // Not this explanation's auditor: it is not theirs to see.
                    assert_problem(t.review(token, shared, action).await, StatusCode::NOT_FOUND).await;
                    continue;
                }
                match spec_review(reviewer, status, action, has_auditor) {
                    None => {
                        let cell = format!("{reviewer} {action} on {status}");
                        let problem =
                            assert_problem(t.review(token, shared, action).await, StatusCode::CONFLICT).await;
                        assert!(
                            problem["detail"].as_str().is_some_and(|m| m.contains(status)),
                            "{cell}: {problem}"
                        );
                    }
                    Some((to, result)) => {
                        let (fresh, _) = t.reach(status).await;
                        let res = t.review(token, fresh, action).await;
                        assert_eq!(res.status(), StatusCode::OK, "{reviewer} {action} on {status}");
                        let after: Value = res.json().await.expect("json");
                        assert_eq!(after["status"], to, "{reviewer} {action} on {status}");
                        assert_eq!(after["result"], json!(result), "{reviewer} {action} on {status}");
                    }
                }
            }
        }
        let after = t.status_of(shared).await;
        assert_eq!(after["status"], status, "refused actions changed nothing");
    }
}

#[tokio::test]
async fn the_violator_submits_only_while_it_waits_for_them_and_audit_holds_the_links() {
    let t = table().await;
    let d = &t.d;
    for status in STATUSES {
        let (id, token) = t.reach(status).await;
        let waiting = matches!(status, "new" | "returned" | "audit_returned");
        let res = submit(&d.app, &token, "My explanation.").await;
        if waiting {
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "submit on {status}");
            assert_eq!(t.status_of(id).await["status"], "submitted");
        } else {
            // The link was used up by the submission that left this status behind.
            assert_problem(res, StatusCode::NOT_FOUND).await;
        }

        let (id, _) = t.reach(status).await;
        assert_problem(
            d.app.post(&format!("/api/explanations/{id}/reissue-link"), &d.manager, json!({})).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        let res = d.app.post(&format!("/api/explanations/{id}/reissue-link"), &d.analyst, json!({})).await;
        if waiting {
            assert_eq!(res.status(), StatusCode::OK, "reissue on {status}");
            let fresh = violator_token(&d.app).await;
            assert_eq!(public(&d.app, &fresh).await.status(), StatusCode::OK);
        } else {
            assert_problem(res, StatusCode::CONFLICT).await;
        }
        let res = d.app.post(&format!("/api/explanations/{id}/revoke-link"), &d.analyst, json!({})).await;
        assert_eq!(res.status(), StatusCode::OK, "revoke on {status}");
        let after: Value = res.json().await.expect("json");
        assert_eq!(after["link_active"], false);
        assert_eq!(after["status"], status, "revoking moves no status");
    }
}

/// Moves explanation `id`'s creation and deadline.
async fn set_times(d: &Desk, id: i64, created: chrono::DateTime<Utc>, deadline: chrono::DateTime<Utc>) {
    explanation::Entity::update_many()
        .col_expr(explanation::Column::CreatedAt, Expr::value(created))
        .col_expr(explanation::Column::Deadline, Expr::value(deadline))
        .filter(explanation::Column::Id.eq(id))
        .exec(&d.app.db)
        .await
        .expect("times set");
}

#[tokio::test]
async fn submission_closes_at_the_deadline_or_at_the_expiry_one_second_either_side() {
    let t = table().await;
    let d = &t.d;
    let second = TimeDelta::seconds(1);
    let week = TimeDelta::days(7);

    // No expiry option: the deadline decides; after it the page still opens, read-only.
    let (id, token) = t.reach("new").await;
    set_times(d, id, Utc::now() - week, Utc::now() + second).await;
    assert_eq!(submit(&d.app, &token, "Just in time.").await.status(), StatusCode::NO_CONTENT);
    let (id, token) = t.reach("new").await;
    set_times(d, id, Utc::now() - week, Utc::now() - second).await;
    let problem = assert_problem(submit(&d.app, &token, "Too late.").await, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().is_some_and(|m| m.contains("deadline passed")), "{problem}");
    let page: Value = public(&d.app, &token).await.json().await.expect("json");
    assert_eq!(page["can_submit"], false);

    // Expiry 7 days: open until created + 7 days although the deadline passed; then the link
    // dies with the window.
    let res = d.app.put("/api/settings", &d.app.admin_token, json!({"explanation_token_expiry": 7})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
    let (id, token) = t.reach("new").await;
    set_times(d, id, Utc::now() - week + second, Utc::now() - TimeDelta::days(2)).await;
    assert_eq!(public(&d.app, &token).await.json::<Value>().await.expect("json")["can_submit"], true);
    assert_eq!(submit(&d.app, &token, "Within the expiry.").await.status(), StatusCode::NO_CONTENT);
    let (id, token) = t.reach("new").await;
    set_times(d, id, Utc::now() - week - second, Utc::now() - TimeDelta::days(2)).await;
    assert_problem(submit(&d.app, &token, "After the expiry.").await, StatusCode::NOT_FOUND).await;
    assert_problem(public(&d.app, &token).await, StatusCode::NOT_FOUND).await;
    // The option never cuts the deadline short.
    let (id, token) = t.reach("new").await;
    set_times(d, id, Utc::now() - week - second, Utc::now() + second).await;
    assert_eq!(submit(&d.app, &token, "Before the deadline.").await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn fifty_concurrent_submissions_with_one_link_make_exactly_one() {
    let t = table().await;
    let d = &t.d;
    let (id, token) = t.reach("new").await;
    let sends = (0..50).map(|i| {
        let request = d
            .app
            .client
            .post(format!("{}/api/public/explanations/{token}/submit", d.app.address))
            // Distinct addresses: the guessing throttle is not what refuses the losers.
            .header("X-Forwarded-For", format!("10.0.{}.{}", i / 200, i % 200 + 1))
            .json(&json!({"explanation": format!("Attempt {i}")}));
        async move { request.send().await.expect("sent").status() }
    });
    let statuses = futures_util::future::join_all(sends).await;
    let won = statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::NOT_FOUND),
        "{statuses:?}"
    );
    let submissions = explanation_history::Entity::find()
        .filter(explanation_history::Column::ExplanationId.eq(id))
        .filter(explanation_history::Column::Action.eq("submitted"))
        .count(&d.app.db)
        .await
        .expect("count");
    assert_eq!(submissions, 1);
    assert_eq!(t.status_of(id).await["status"], "submitted");
}
