use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, error_fields, spawn_app};

#[tokio::test]
async fn sites_both_kinds_of_category_and_tags_have_the_same_lifecycle() {
    let app = spawn_app().await;
    for (path, extra) in [
        ("/api/sites", json!({"description": "Head office"})),
        ("/api/ticket-categories", json!({"description": "Malware"})),
        ("/api/explanation-categories", json!({"description": "Data leakage"})),
        ("/api/tags", json!({"color": "#1F6FEB"})),
    ] {
        let mut body = json!({"name": "  First  "});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let res = app.post(path, &app.admin_token, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{path}");
        let created: Value = res.json().await.expect("json");
        assert_eq!(created["name"], "First", "{path} trims names");
        let id = created["id"].as_i64().expect("id");

        assert_problem(
            app.post(path, &app.admin_token, json!({"name": "First"})).await,
            StatusCode::CONFLICT,
        )
        .await;

        let res = app.patch(&format!("{path}/{id}"), &app.admin_token, json!({"name": "Renamed"})).await;
        assert_eq!(res.json::<Value>().await.expect("json")["name"], "Renamed");
        let got: Value = app.get(&format!("{path}/{id}"), &app.admin_token).await.json().await.expect("json");
        assert_eq!(got["name"], "Renamed");

        assert_eq!(
            app.delete(&format!("{path}/{id}"), &app.admin_token).await.status(),
            StatusCode::NO_CONTENT
        );
        assert_problem(app.get(&format!("{path}/{id}"), &app.admin_token).await, StatusCode::NOT_FOUND).await;
        assert_problem(
            app.get(&format!("{path}/not-a-number"), &app.admin_token).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    let tag: Value = app
        .post("/api/tags", &app.admin_token, json!({"name": "phishing"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(tag["color"], "#6b7280");
    assert_eq!(tag.get("description"), None);
}

#[tokio::test]
async fn a_tag_colour_must_be_a_hex_colour() {
    let app = spawn_app().await;
    let problem = assert_problem(
        app.post("/api/tags", &app.admin_token, json!({"name": "", "color": "red"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["name", "color"]);
}

#[tokio::test]
async fn cursor_pages_cover_every_item_once_in_name_order() {
    let app = spawn_app().await;
    for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
        app.site(name).await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = app
            .get(&format!("/api/sites?limit=2&cursor={cursor}"), &app.admin_token)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(page["total"], if seen.len() < 2 { 5 } else { 6 });
        for item in page["items"].as_array().expect("items") {
            seen.push(item["name"].as_str().expect("name").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
        // A site added meanwhile before the cursor does not shift later pages.
        if seen.len() == 2 {
            app.site("aardvark").await;
        }
    }
    assert_eq!(seen, ["alpha", "bravo", "charlie", "delta", "echo"]);
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
}

#[tokio::test]
async fn page_sizes_outside_one_to_five_hundred_and_bad_cursors_are_refused() {
    let app = spawn_app().await;
    for query in ["limit=0", "limit=501", "limit=ten", "cursor=garbage", "unknown=1"] {
        let res = app.get(&format!("/api/sites?{query}"), &app.admin_token).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem).len(), 1, "{query}");
    }
    assert_eq!(app.get("/api/sites?limit=500", &app.admin_token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn any_signed_in_account_can_read_the_catalogues() {
    let app = spawn_app().await;
    app.site("Seoul").await;
    let (_, token) = app.account_with("viewer", &[], &[]).await;
    for path in ["/api/sites", "/api/ticket-categories", "/api/explanation-categories", "/api/tags"] {
        assert_eq!(app.get(path, &token).await.status(), StatusCode::OK, "{path}");
        assert_problem(app.post(path, &token, json!({"name": "Mine"})).await, StatusCode::FORBIDDEN).await;
    }
}

#[tokio::test]
async fn a_site_or_category_still_in_use_is_not_deleted() {
    let app = spawn_app().await;
    let site = app.site("Busy").await;
    let res = app
        .post("/api/tickets", &app.admin_token, json!({"site_id": site, "kind": "analysis", "title": "x"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let problem = assert_problem(
        app.delete(&format!("/api/sites/{site}"), &app.admin_token).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("in use")), "{problem}");
    assert_eq!(app.get(&format!("/api/sites/{site}"), &app.admin_token).await.status(), StatusCode::OK);
}
