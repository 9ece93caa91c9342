use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, assert_problem, error_fields, spawn_app};

#[tokio::test]
async fn an_admin_creates_reads_changes_and_deletes_an_account() {
    let app = spawn_app().await;
    let site = app.site("Seoul HQ").await;
    let res = app
        .post(
            "/api/accounts",
            &app.admin_token,
            json!({"login": "jane", "display_name": "Jane Doe", "email": "jane@example.com", "password": PASSWORD,
                   "permissions": ["TICKET_VIEW", "TICKET_EDIT"], "site_ids": [site]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("json");
    assert_eq!(created["permissions"], json!(["TICKET_VIEW", "TICKET_EDIT"]));
    assert_eq!(created["site_ids"], json!([site]));
    assert!(created.get("password_hash").is_none() && created.get("password").is_none());
    let id = created["id"].as_i64().expect("id");

    let res = app
        .patch(
            &format!("/api/accounts/{id}"),
            &app.admin_token,
            json!({"display_name": "Jane D.", "email": ""}),
        )
        .await;
    let changed: Value = res.json().await.expect("json");
    assert_eq!(changed["display_name"], "Jane D.");
    assert_eq!(changed["email"], Value::Null);
    assert_eq!(changed["permissions"], json!(["TICKET_VIEW", "TICKET_EDIT"]));

    let list: Value = app.get("/api/accounts?q=jane", &app.admin_token).await.json().await.expect("json");
    assert_eq!(list["total"], 1);

    assert_eq!(
        app.delete(&format!("/api/accounts/{id}"), &app.admin_token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(app.get(&format!("/api/accounts/{id}"), &app.admin_token).await, StatusCode::NOT_FOUND)
        .await;
}

#[tokio::test]
async fn the_signed_in_account_sees_its_sites_in_me() {
    let app = spawn_app().await;
    let seoul = app.site("Seoul").await;
    app.site("Busan").await;
    let (_, token) = app.account_with("analyst", &["TICKET_VIEW"], &[seoul]).await;
    let me: Value = app.get("/api/me", &token).await.json().await.expect("json");
    assert_eq!(me["sites"], json!([{"id": seoul, "name": "Seoul"}]));
    let admin: Value = app.get("/api/me", &app.admin_token).await.json().await.expect("json");
    assert_eq!(admin["sites"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn an_invalid_account_is_refused_with_every_bad_field_named() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/accounts",
            &app.admin_token,
            json!({"login": "bad login!", "password": "short", "email": "nope", "site_ids": [999]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["email", "login", "password", "site_ids[0]"]);
    // Nothing was written.
    let list: Value = app.get("/api/accounts", &app.admin_token).await.json().await.expect("json");
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn a_taken_login_is_a_conflict() {
    let app = spawn_app().await;
    app.account_with("jane", &[], &[]).await;
    let res =
        app.post("/api/accounts", &app.admin_token, json!({"login": "jane", "password": PASSWORD})).await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("jane")));
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let me: Value = app.get("/api/me", &app.admin_token).await.json().await.expect("json");
    let id = me["id"].as_i64().expect("id");
    let problem = assert_problem(
        app.patch(
            &format!("/api/accounts/{id}"),
            &app.admin_token,
            json!({"enabled": false, "permissions": []}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["enabled", "permissions"]);
    assert_problem(app.delete(&format!("/api/accounts/{id}"), &app.admin_token).await, StatusCode::CONFLICT)
        .await;
}

/// Every administrative operation, for the permission-boundary test.
fn admin_operations(account: i64, site: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/api/accounts".into(), None),
        (Method::POST, "/api/accounts".into(), Some(json!({"login": "x1", "password": PASSWORD}))),
        (Method::GET, format!("/api/accounts/{account}"), None),
        (Method::PATCH, format!("/api/accounts/{account}"), Some(json!({"display_name": "x"}))),
        (Method::DELETE, format!("/api/accounts/{account}"), None),
        (Method::POST, "/api/sites".into(), Some(json!({"name": "x"}))),
        (Method::PATCH, format!("/api/sites/{site}"), Some(json!({"name": "y"}))),
        (Method::DELETE, format!("/api/sites/{site}"), None),
        (Method::POST, "/api/ticket-categories".into(), Some(json!({"name": "x"}))),
        (Method::PATCH, "/api/ticket-categories/1".into(), Some(json!({"name": "y"}))),
        (Method::DELETE, "/api/ticket-categories/1".into(), None),
        (Method::POST, "/api/tags".into(), Some(json!({"name": "x"}))),
        (Method::PATCH, "/api/tags/1".into(), Some(json!({"name": "y"}))),
        (Method::DELETE, "/api/tags/1".into(), None),
        (Method::GET, "/api/audit-log".into(), None),
        (Method::GET, "/api/settings".into(), None),
        (Method::PUT, "/api/settings".into(), Some(json!({"separation_of_duties": false}))),
    ]
}

#[tokio::test]
async fn every_administrative_operation_refuses_accounts_without_admin() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let (victim, _) = app.account_with("victim", &[], &[]).await;
    for perms in [vec![], vec!["TICKET_VIEW", "TICKET_EDIT", "EXPLANATION_VIEW", "EXPLANATION_AUDIT"]] {
        let login = format!("user{}", perms.len());
        let (_, token) = app.account_with(&login, &perms, &[site]).await;
        for (method, path, body) in admin_operations(victim, site) {
            let res = app.request(method.clone(), &path, Some(&token), body).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path} with {perms:?}");
            let problem: Value = res.json().await.expect("json");
            assert!(problem["detail"].as_str().is_some_and(|d| d.contains("ADMIN")));
        }
        for (method, path, body) in admin_operations(victim, site) {
            let res = app.request(method.clone(), &path, None, body).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{method} {path} anonymous");
        }
    }
    // Nothing changed.
    let res = app.get(&format!("/api/accounts/{victim}"), &app.admin_token).await;
    assert_eq!(res.status(), StatusCode::OK);
}
