use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app, spawn_app_with, test_settings};

async fn preview(app: &TestApp, token: &str, body: Value) -> String {
    let res = app.post("/api/markdown/preview", token, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let answer: Value = res.json().await.expect("json");
    answer["html"].as_str().expect("html").to_owned()
}

#[tokio::test]
async fn a_preview_removes_scripts_event_handlers_and_javascript_links() {
    let app = spawn_app().await;
    let body = "<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(2)\">\n\n[click](javascript:alert(3))";

    let html = preview(&app, &app.admin_token, json!({"body": body})).await;

    let lower = html.to_ascii_lowercase();
    for bad in ["<script", "alert(1)", "onerror", "alert(2)", "javascript:"] {
        assert!(!lower.contains(bad), "{bad} survived in {html}");
    }
    // What is left: the image without its handler, the link without its target.
    assert_eq!(html, "\n<img src=\"x.png\">\n<p><a rel=\"noopener noreferrer\">click</a></p>\n");
}

#[tokio::test]
async fn a_preview_renders_markdown_emphasis_tables_and_safe_links() {
    let app = spawn_app().await;
    let body =
        "**b** and ~~s~~ [docs](https://example.com)\n\n| host | action |\n| --- | --- |\n| ws-042 | deny |";

    let html = preview(&app, &app.admin_token, json!({"format": "markdown", "body": body})).await;

    assert_eq!(
        html,
        "<p><strong>b</strong> and <del>s</del> <a href=\"https://example.com\" rel=\"noopener noreferrer\">docs</a></p>\n\
         <table><thead><tr><th>host</th><th>action</th></tr></thead><tbody>\n\
         <tr><td>ws-042</td><td>deny</td></tr>\n</tbody></table>\n"
    );
}

#[tokio::test]
async fn a_preview_of_text_or_json_is_escaped_and_markdown_is_the_default() {
    let app = spawn_app().await;

    let text = preview(&app, &app.admin_token, json!({"format": "text", "body": "<b>**x**</b>"})).await;
    let json_body =
        preview(&app, &app.admin_token, json!({"format": "json", "body": "{\"a\":\"<x>\"}"})).await;
    let default = preview(&app, &app.admin_token, json!({"body": "**x**"})).await;

    assert_eq!(text, "<pre class=\"text\">&lt;b&gt;**x**&lt;/b&gt;</pre>");
    assert_eq!(
        json_body,
        "<pre class=\"json\"><code>{\n  &quot;a&quot;: &quot;&lt;x&gt;&quot;\n}</code></pre>"
    );
    assert_eq!(default, "<p><strong>x</strong></p>\n");
}

#[tokio::test]
async fn a_preview_shows_exactly_what_a_saved_memo_shows() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let ticket: Value = app
        .post("/api/tickets", &app.admin_token, json!({"site_id": site, "kind": "analysis", "title": "t"}))
        .await
        .json()
        .await
        .expect("json");
    let body = "# Timeline\n\n- 09:00 <b onclick=\"x()\">mail</b> received\n- [ ] block sender";

    let html = preview(&app, &app.admin_token, json!({"body": body})).await;
    let memo: Value = app
        .post(&format!("/api/tickets/{}/memos", ticket["id"]), &app.admin_token, json!({"body": body}))
        .await
        .json()
        .await
        .expect("json");

    assert_eq!(memo["body_html"], html);
}

#[tokio::test]
async fn any_signed_in_account_may_preview_but_not_an_anonymous_caller() {
    let app = spawn_app().await;
    let (_, nobody) = app.account_with("nobody", &[], &[]).await;

    let signed_in = preview(&app, &nobody, json!({"body": "*i*"})).await;
    let anonymous =
        app.request(reqwest::Method::POST, "/api/markdown/preview", None, Some(json!({"body": "*i*"}))).await;

    assert_eq!(signed_in, "<p><em>i</em></p>\n");
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_preview_takes_a_million_characters_and_refuses_one_more_naming_the_body() {
    let mut settings = test_settings().await;
    settings.max_json_bytes = 4 * 1024 * 1024;
    let app = spawn_app_with(settings).await;

    let longest =
        preview(&app, &app.admin_token, json!({"format": "text", "body": "x".repeat(1_000_000)})).await;
    let too_long =
        app.post("/api/markdown/preview", &app.admin_token, json!({"body": "x".repeat(1_000_001)})).await;
    let unknown_format =
        app.post("/api/markdown/preview", &app.admin_token, json!({"format": "html", "body": "x"})).await;

    assert_eq!(longest.len(), "<pre class=\"text\"></pre>".len() + 1_000_000);
    assert_eq!(error_fields(&assert_problem(too_long, StatusCode::UNPROCESSABLE_ENTITY).await), ["body"]);
    assert_eq!(
        error_fields(&assert_problem(unknown_format, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["format"]
    );
}
