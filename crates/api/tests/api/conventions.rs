use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, error_fields, spawn_app};

#[tokio::test]
async fn unknown_fields_are_refused_by_name() {
    let app = spawn_app().await;
    let res = app.post("/api/sites", &app.admin_token, json!({"name": "Seoul", "id": 7})).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["id"]);
    assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| m.contains("unknown field")));
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named_with_its_path() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/accounts",
            &app.admin_token,
            json!({"login": "x", "password": "p", "site_ids": [1, "two"]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["site_ids[1]"]);
}

#[tokio::test]
async fn malformed_non_json_and_oversize_bodies_are_refused() {
    let app = spawn_app().await;
    let url = format!("{}/api/sites", app.address);
    let send = |ct: &'static str, body: String| {
        app.client.post(&url).bearer_auth(&app.admin_token).header("content-type", ct).body(body).send()
    };
    assert_problem(
        send("application/json", "{\"name\":".into()).await.expect("sent"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        send("text/plain", "{\"name\":\"x\"}".into()).await.expect("sent"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(100 * 1024));
    assert_problem(send("application/json", huge).await.expect("sent"), StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn unknown_api_routes_are_problem_404s() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/nothing-here", &app.admin_token).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_documented_path_asked_with_another_method_is_405_with_allow() {
    let app = spawn_app().await;
    let res = app.request(Method::PUT, "/api/sites", Some(&app.admin_token), Some(json!({}))).await;
    assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, POST"));
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    let res = app.request(Method::TRACE, "/api/sites/12", None, None).await;
    assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, DELETE, PATCH"));
}

#[tokio::test]
async fn probes_answer_and_every_response_carries_security_headers() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz", "/api/openapi.json", "/api/nothing"] {
        let res = app.request(Method::GET, path, None, None).await;
        let h = res.headers();
        assert_eq!(h.get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"), "{path}");
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(h.get("referrer-policy").and_then(|v| v.to_str().ok()), Some("no-referrer"));
    }
    let health: Value = app.request(Method::GET, "/readyz", None, None).await.json().await.expect("json");
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn the_committed_openapi_document_equals_what_the_code_generates() {
    let generated = socdesk_api::startup::openapi_document().to_pretty_json().expect("json") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p socdesk-api --test api openapi`"
    );
}

#[tokio::test]
async fn the_served_openapi_document_is_3_1_and_documents_permissions() {
    let app = spawn_app().await;
    let doc: Value =
        app.request(Method::GET, "/api/openapi.json", None, None).await.json().await.expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["paths"]["/api/accounts"]["get"]["security"], json!([{"bearer": ["ADMIN"]}]));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.request(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.expect("text").contains("swagger"));
}

#[tokio::test]
async fn a_literal_path_shadowed_by_an_id_route_still_answers_405() {
    let app = spawn_app().await;
    let res =
        app.request(Method::PATCH, "/api/tickets/metrics", Some(&app.admin_token), Some(json!({}))).await;
    assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET"));
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    assert_problem(app.get("/api/tickets/not-a-number", &app.admin_token).await, StatusCode::NOT_FOUND).await;
}
