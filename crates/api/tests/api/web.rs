//! Serving the web app: client-side routes get the analyst app's page, the violator's links get
//! the token page, and the API never falls back to either.

use reqwest::StatusCode;

use crate::helpers::{spawn_app_with, test_settings};

#[tokio::test]
async fn client_routes_get_their_page_token_links_the_token_page_and_settings_its_own() {
    let dir = std::env::temp_dir().join(format!("socdesk-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("index.html"), "analyst app").expect("index");
    std::fs::write(dir.join("explain.html"), "token page").expect("explain");
    std::fs::write(dir.join("settings.html"), "settings area").expect("settings");
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
    assert_eq!(page("/settings").await.2, "settings area");
    assert_eq!(page("/settings/rules").await.2, "settings area");
    assert_eq!(page("/settingsx").await.2, "analyst app");
    assert_eq!(page("/api/explain/abc").await.0, StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_web_apps_files_go_out_gzipped_to_browsers_that_take_it_and_plain_otherwise() {
    let dir = std::env::temp_dir().join(format!("socdesk-web-gz-{}", std::process::id()));
    let app_dir = dir.join("app-1");
    std::fs::create_dir_all(&app_dir).expect("dir");
    std::fs::write(dir.join("index.html"), "analyst app").expect("index");
    std::fs::write(app_dir.join("app.wasm"), b"\0asm plain").expect("wasm");
    // What build-web.sh writes beside it (any bytes do: the server sends them as they are).
    std::fs::write(app_dir.join("app.wasm.gz"), b"gzipped bytes").expect("gz");
    let mut settings = test_settings().await;
    settings.web_dir = dir.clone();
    let app = spawn_app_with(settings).await;
    let get = |encoding: Option<&'static str>| {
        let client = app.client.clone();
        let url = format!("{}/app-1/app.wasm", app.address);
        async move {
            let mut req = client.get(url);
            if let Some(e) = encoding {
                req = req.header("accept-encoding", e);
            }
            let res = req.send().await.expect("sent");
            let header =
                |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let (encoding, kind, vary) = (header("content-encoding"), header("content-type"), header("vary"));
            (encoding, kind, vary, res.bytes().await.expect("body").to_vec())
        }
    };
    let (encoding, kind, vary, body) = get(Some("gzip, deflate, br")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_eq!(kind.as_deref(), Some("application/wasm"));
    assert_eq!(vary.as_deref(), Some("accept-encoding"));
    assert_eq!(body, b"gzipped bytes");
    let (encoding, kind, _, body) = get(None).await;
    assert_eq!(encoding, None);
    assert_eq!(kind.as_deref(), Some("application/wasm"));
    assert_eq!(body, b"\0asm plain");
    // gzip refused: the plain file (the middleware may compress it its own way, but never gzip).
    let (encoding, _, _, _) = get(Some("gzip;q=0, identity")).await;
    assert_eq!(encoding, None);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn api_answers_are_compressed_for_clients_that_ask() {
    let app = crate::helpers::spawn_app().await;
    let res = app
        .client
        .get(format!("{}/api/openapi.json", app.address))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("br"));
}
