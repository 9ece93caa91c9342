use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use socdesk_api::auth::jwt::JwtKeys;

use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, PASSWORD, assert_problem, spawn_app};

#[tokio::test]
async fn login_with_the_right_password_returns_tokens_and_the_account() {
    let app = spawn_app().await;
    let body = app.login_ok("admin", ADMIN_PASSWORD).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().is_some_and(|t| t.len() >= 43));
    assert_eq!(body["account"]["login"], "admin");
    assert_eq!(body["account"]["permissions"], json!(["ADMIN"]));

    let me: Value =
        app.get("/api/me", body["access_token"].as_str().expect("token")).await.json().await.expect("json");
    assert_eq!(me["login"], "admin");
    assert_eq!(me["auth_method"], "session");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = assert_problem(app.login("admin", "not-the-password").await, StatusCode::UNAUTHORIZED).await;
    let unknown =
        assert_problem(app.login("nobody", "not-the-password").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["detail"], "invalid login or password");
}

#[tokio::test]
async fn the_sixth_failed_login_for_one_account_within_a_minute_is_throttled() {
    let app = spawn_app().await;
    for i in 0..5 {
        // Different addresses, so only the per-login budget runs out.
        let res = app.login_from("admin", "wrong-password", &format!("10.1.0.{i}")).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.login_from("admin", ADMIN_PASSWORD, "10.1.0.99").await;
    assert!(res.headers().get("retry-after").is_some());
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn the_sixth_failed_login_from_one_address_within_a_minute_is_throttled() {
    let app = spawn_app().await;
    for i in 0..5 {
        let res = app.login_from(&format!("user{i}"), "wrong-password", "10.2.0.1").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    assert_problem(app.login_from("admin", ADMIN_PASSWORD, "10.2.0.1").await, StatusCode::TOO_MANY_REQUESTS)
        .await;
    // Another address is not affected.
    assert_eq!(app.login_from("admin", ADMIN_PASSWORD, "10.2.0.2").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn requests_without_valid_credentials_are_401_problems() {
    let app = spawn_app().await;
    let res = app.request(Method::GET, "/api/me", None, None).await;
    assert_eq!(
        res.headers().get("www-authenticate").and_then(|v| v.to_str().ok()),
        Some("Bearer realm=\"socdesk\"")
    );
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    assert_problem(app.get("/api/me", "garbage").await, StatusCode::UNAUTHORIZED).await;
    assert_problem(app.get("/api/me", "sd_not-a-real-key").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_expired_access_token_is_refused() {
    let app = spawn_app().await;
    let claims = app.login_ok("admin", ADMIN_PASSWORD).await;
    let session_token = claims["access_token"].as_str().expect("token");
    assert_eq!(app.get("/api/me", session_token).await.status(), StatusCode::OK);
    // Same key and session, but a lifetime that ended a minute ago.
    let me: Value = app.get("/api/me", session_token).await.json().await.expect("json");
    let expired = JwtKeys::new(JWT_SECRET.as_bytes(), chrono::Duration::seconds(-60))
        .issue(me["id"].as_i64().expect("id"), 1)
        .expect("token");
    assert_problem(app.get("/api/me", &expired).await, StatusCode::UNAUTHORIZED).await;
    // And a token signed with another key.
    let forged = JwtKeys::new(b"another-secret-another-secret-another", chrono::Duration::minutes(5))
        .issue(me["id"].as_i64().expect("id"), 1)
        .expect("token");
    assert_problem(app.get("/api/me", &forged).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn refresh_rotates_the_token_and_a_used_refresh_token_ends_the_session() {
    let app = spawn_app().await;
    let first = app.login_ok("admin", ADMIN_PASSWORD).await;
    let refresh = |token: &str| {
        app.request(Method::POST, "/api/auth/refresh", None, Some(json!({"refresh_token": token})))
    };

    let res = refresh(first["refresh_token"].as_str().expect("rt")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: Value = res.json().await.expect("json");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let access = second["access_token"].as_str().expect("token");
    assert_eq!(app.get("/api/me", access).await.status(), StatusCode::OK);

    // Replayed at once (a second window of the browser renewing the same stored pair): refused
    // with 409, nothing issued, and the session lives on.
    let replay = refresh(first["refresh_token"].as_str().expect("rt")).await;
    let problem = assert_problem(replay, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("another window")), "{problem}");
    assert_eq!(app.get("/api/me", access).await.status(), StatusCode::OK);

    // Replayed once the grace is over: a stolen copy. Refused, and the session is over.
    app.db
        .execute_unprepared(
            "UPDATE refresh_tokens SET used_at = '2020-01-01 00:00:00+00:00' WHERE used_at IS NOT NULL",
        )
        .await
        .expect("age the exchange");
    assert_problem(refresh(first["refresh_token"].as_str().expect("rt")).await, StatusCode::UNAUTHORIZED)
        .await;
    assert_problem(refresh(second["refresh_token"].as_str().expect("rt")).await, StatusCode::UNAUTHORIZED)
        .await;
    assert_problem(app.get("/api/me", access).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn two_windows_renewing_one_pair_at_once_keep_the_session() {
    let app = spawn_app().await;
    let tokens = app.login_ok("admin", ADMIN_PASSWORD).await;
    let body = json!({"refresh_token": tokens["refresh_token"]});
    let (a, b) = tokio::join!(
        app.request(Method::POST, "/api/auth/refresh", None, Some(body.clone())),
        app.request(Method::POST, "/api/auth/refresh", None, Some(body)),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let winner: Value = if a.status() == StatusCode::OK { a } else { b }.json().await.expect("json");
    // The pair the faster window got works, and renews again.
    assert_eq!(
        app.get("/api/me", winner["access_token"].as_str().expect("at")).await.status(),
        StatusCode::OK
    );
    let res = app
        .request(
            Method::POST,
            "/api/auth/refresh",
            None,
            Some(json!({"refresh_token": winner["refresh_token"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session_and_its_access_tokens() {
    let app = spawn_app().await;
    let tokens = app.login_ok("admin", ADMIN_PASSWORD).await;
    let access = tokens["access_token"].as_str().expect("token");
    let res = app.logout(&tokens["refresh_token"]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("/api/me", access).await, StatusCode::UNAUTHORIZED).await;
    // Logging out again (or with nonsense) is not an error.
    let res = app.logout(&json!("nonsense")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Other sessions of the account carry on.
    assert_eq!(app.get("/api/me", &app.admin_token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn disabling_an_account_ends_its_tokens_and_its_logins() {
    let app = spawn_app().await;
    let (id, token) = app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    let res = app.patch(&format!("/api/accounts/{id}"), &app.admin_token, json!({"enabled": false})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(app.get("/api/me", &token).await, StatusCode::UNAUTHORIZED).await;
    assert_problem(app.login("analyst", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_new_password_ends_existing_sessions() {
    let app = spawn_app().await;
    let (id, token) = app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    let res = app
        .patch(&format!("/api/accounts/{id}"), &app.admin_token, json!({"password": "a-brand-new-password"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(app.get("/api/me", &token).await, StatusCode::UNAUTHORIZED).await;
    app.login_ok("analyst", "a-brand-new-password").await;
}

#[tokio::test]
async fn logins_and_failures_are_in_the_audit_log() {
    let app = spawn_app().await;
    app.login("admin", "wrong-password").await;
    let log: Value = app
        .get("/api/audit-log?action=auth.login_failed", &app.admin_token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["total"], 1);
    assert_eq!(log["items"][0]["actor"], "admin");
    let log: Value =
        app.get("/api/audit-log?action=auth.login", &app.admin_token).await.json().await.expect("json");
    assert!(log["total"].as_u64().is_some_and(|n| n >= 1));
}
