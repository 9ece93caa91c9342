//! Serving the web app: client-side routes get the analyst app's page, the violator's links get
//! the token page, and the API never falls back to either.

use reqwest::StatusCode;

use crate::helpers::{spawn_app_with, test_settings};

#[tokio::test]
async fn client_routes_get_their_page_and_token_links_get_the_token_page() {
    let dir = std::env::temp_dir().join(format!("socdesk-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("index.html"), "analyst app").expect("index");
    std::fs::write(dir.join("explain.html"), "token page").expect("explain");
    let mut settings = test_settings().await;
    settings.web_dir = dir.clone();
    let app = spawn_app_with(settings).await;
    let page = |path: &'static str| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.address);
        async move {
            let res = client.get(url).send().await.expect("sent");
            let cache = res.headers().get("cache-control").map(|v| v.to_str().unwrap_or("").to_owned());
            (res.status(), cache, res.text().await.expect("body"))
        }
    };
    assert_eq!(page("/tickets/42").await, (StatusCode::OK, Some("no-cache".into()), "analyst app".into()));
    assert_eq!(
        page("/explain/abc_DEF-1").await,
        (StatusCode::OK, Some("no-cache".into()), "token page".into())
    );
    assert_eq!(page("/explanations/7/review").await.2, "analyst app");
    assert_eq!(page("/api/explain/abc").await.0, StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(dir);
}
