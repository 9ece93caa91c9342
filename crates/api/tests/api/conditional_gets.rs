use reqwest::{Method, StatusCode, header};

use crate::{helpers::spawn_app, ticket_lists::seed};

async fn get_if_none_match(app: &crate::helpers::TestApp, path: &str, tag: &str) -> reqwest::Response {
    app.client
        .request(Method::GET, format!("{}{path}", app.address))
        .bearer_auth(&app.admin_token)
        .header(header::IF_NONE_MATCH, tag)
        .send()
        .await
        .expect("sent")
}

fn etag(res: &reqwest::Response) -> String {
    res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).expect("an ETag").to_owned()
}

#[tokio::test]
async fn a_list_answers_304_until_it_changes() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    seed(&app, site, 3).await;
    let path = "/api/tickets?sort=-id";

    let first = app.get(path, &app.admin_token).await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = etag(&first);
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(first.headers()[header::CACHE_CONTROL], "private, no-cache");
    let body = first.bytes().await.expect("body");
    assert!(!body.is_empty());

    // The same list again: the same tag, and 304 with no body when it is named.
    let again = get_if_none_match(&app, path, &tag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&again), tag);
    assert!(again.bytes().await.expect("body").is_empty());
    let strong_form = get_if_none_match(&app, path, tag.trim_start_matches("W/")).await;
    assert_eq!(strong_form.status(), StatusCode::NOT_MODIFIED, "weak comparison");
    let other = get_if_none_match(&app, path, "\"something-else\"").await;
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.bytes().await.expect("body"), body);

    // A change to the list: the old tag no longer matches, the answer is whole and re-tagged.
    seed(&app, site, 1).await;
    let changed = get_if_none_match(&app, path, &tag).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(etag(&changed), tag);
    let page: serde_json::Value = changed.json().await.expect("json");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn versioned_objects_errors_writes_and_exports_keep_their_own_headers() {
    let app = spawn_app().await;
    let site = app.site("Busan").await;
    seed(&app, site, 1).await;
    let list: serde_json::Value = app.get("/api/tickets", &app.admin_token).await.json().await.expect("json");
    let id = list["items"][0]["id"].as_i64().expect("id");

    // A ticket keeps its version as its ETag (for If-Match), and is answered whole.
    let ticket = app.get(&format!("/api/tickets/{id}"), &app.admin_token).await;
    assert_eq!(etag(&ticket), "\"1\"");
    let named = get_if_none_match(&app, &format!("/api/tickets/{id}"), "\"1\"").await;
    assert_eq!(named.status(), StatusCode::OK);

    // Problems are never tagged; neither are streamed exports.
    let missing = app.get("/api/tickets/999999", &app.admin_token).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers().get(header::ETAG).is_none());
    let export = app.get("/api/tickets/export?type=json", &app.admin_token).await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(export.headers().get(header::ETAG).is_none());
    assert_eq!(export.headers()[header::CACHE_CONTROL], "no-store");
}
