use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn preferences_are_saved_per_account() {
    let app = spawn_app().await;
    let (_, analyst) = app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    let columns = json!({"columns": ["priority", "status", "title"], "refresh": "10s"});
    let res = app
        .request(Method::PUT, "/api/preferences/tickets.list", Some(&analyst), Some(columns.clone()))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let got: Value = app.get("/api/preferences/tickets.list", &analyst).await.json().await.expect("json");
    assert_eq!(got, columns);
    // Another account has its own (none yet).
    assert_problem(app.get("/api/preferences/tickets.list", &app.admin_token).await, StatusCode::NOT_FOUND)
        .await;

    let replaced = json!({"columns": []});
    app.request(Method::PUT, "/api/preferences/tickets.list", Some(&analyst), Some(replaced.clone())).await;
    let got: Value = app.get("/api/preferences/tickets.list", &analyst).await.json().await.expect("json");
    assert_eq!(got, replaced);

    assert_eq!(app.delete("/api/preferences/tickets.list", &analyst).await.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("/api/preferences/tickets.list", &analyst).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_preference_key_must_be_lower_case_words() {
    let app = spawn_app().await;
    let res =
        app.request(Method::PUT, "/api/preferences/Bad%20Key", Some(&app.admin_token), Some(json!(1))).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "key");
}
