use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn an_api_key_is_shown_once_authenticates_and_stops_working_when_revoked() {
    let app = spawn_app().await;
    let (id, token) = app.account_with("siem", &["TICKET_EDIT"], &[]).await;

    let res = app.post(&format!("/api/accounts/{id}/api-keys"), &token, json!({"name": "pipeline"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("json");
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("sd_"));
    assert_eq!(created["key"]["prefix"], secret[..7]);

    let me: Value = app.get("/api/me", &secret).await.json().await.expect("json");
    assert_eq!(me["login"], "siem");
    assert_eq!(me["auth_method"], "api_key");

    // Listing never shows the secret again.
    let list = app.get(&format!("/api/accounts/{id}/api-keys"), &token).await.text().await.expect("text");
    assert!(!list.contains(&secret));
    assert!(list.contains("pipeline"));

    let key_id = created["key"]["id"].as_i64().expect("id");
    let res = app.delete(&format!("/api/accounts/{id}/api-keys/{key_id}"), &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.expect("json")["revoked_at"].is_string());
    assert_problem(app.get("/api/me", &secret).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn another_accounts_keys_are_not_found_for_a_non_admin() {
    let app = spawn_app().await;
    let (alice, _) = app.account_with("alice", &["TICKET_VIEW"], &[]).await;
    let (_, bob_token) = app.account_with("bob", &["TICKET_VIEW"], &[]).await;
    assert_problem(
        app.get(&format!("/api/accounts/{alice}/api-keys"), &bob_token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.post(&format!("/api/accounts/{alice}/api-keys"), &bob_token, json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // An administrator manages anyone's keys.
    let res =
        app.post(&format!("/api/accounts/{alice}/api-keys"), &app.admin_token, json!({"name": "x"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_key_cannot_be_created_already_expired() {
    let app = spawn_app().await;
    let me: Value = app.get("/api/me", &app.admin_token).await.json().await.expect("json");
    let id = me["id"].as_i64().expect("id");
    let res = app
        .post(
            &format!("/api/accounts/{id}/api-keys"),
            &app.admin_token,
            json!({"name": "old", "expires_at": "2001-01-01T00:00:00Z"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "expires_at");
}
