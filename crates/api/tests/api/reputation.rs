//! Reputation lookups against a stand-in VirusTotal (v3 response shape) on loopback.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, assert_problem, error_fields, spawn_app},
    stand_in::{Seen, StandIn},
};

const KEY: &str = "vt-test-key-0123";

/// VirusTotal's answer for an object: counts depend on nothing but the request.
fn v3(seen: &Seen) -> (u16, String) {
    if seen.header("x-apikey") != Some(KEY) {
        return (401, json!({"error": {"code": "WrongCredentialsError"}}).to_string());
    }
    if seen.path.contains("unknown") || seen.path.ends_with(&"0".repeat(64)) {
        return (404, json!({"error": {"code": "NotFoundError"}}).to_string());
    }
    let body = json!({"data": {"id": "x", "type": "object", "attributes": {
        "last_analysis_stats": {"malicious": 3, "suspicious": 1, "harmless": 70, "undetected": 20, "timeout": 0},
        "reputation": -12,
        "last_analysis_date": 1_700_000_000,
    }}});
    (200, body.to_string())
}

/// Private targets allowed, the key set and the base URL at the stand-in.
async fn configured(app: &TestApp, vt: &StandIn, extra: Value) {
    let res =
        app.put("/api/settings", &app.admin_token, json!({"allow_private_network_targets": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = json!({"api_key": KEY, "base_url": format!("{}/api/v3/", vt.url)});
    body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
    let res = app.put("/api/settings/reputation", &app.admin_token, body).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
}

async fn lookup(app: &TestApp, kind: &str, value: &str) -> reqwest::Response {
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    app.get(&format!("/api/reputation/{kind}/{}", value.replace('+', "%20")), &app.admin_token).await
}

#[tokio::test]
async fn a_lookup_answers_the_summary_and_the_next_one_comes_from_the_cache() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({})).await;

    let res = lookup(&app, "ip", "8.8.8.8").await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: Value = res.json().await.expect("json");
    assert_eq!(first["kind"], "ip");
    assert_eq!(first["value"], "8.8.8.8");
    assert_eq!((first["malicious"].clone(), first["suspicious"].clone()), (json!(3), json!(1)));
    assert_eq!((first["harmless"].clone(), first["undetected"].clone()), (json!(70), json!(20)));
    assert_eq!(first["total"], 94);
    assert_eq!(first["reputation"], -12);
    assert_eq!(first["last_analysis_date"], "2023-11-14T22:13:20Z");
    assert_eq!(first["link"], "https://www.virustotal.com/gui/ip-address/8.8.8.8");
    assert_eq!(first["cached"], false);
    assert_eq!(vt.count(), 1);
    assert_eq!(vt.seen()[0].path, "/api/v3/ip_addresses/8.8.8.8");

    let second: Value = lookup(&app, "ip", "8.8.8.8").await.json().await.expect("json");
    assert_eq!(second["cached"], true);
    assert_eq!(second["malicious"], 3);
    assert_eq!(second["fetched_at"], first["fetched_at"]);
    assert_eq!(vt.count(), 1, "a cache hit does not call VirusTotal");

    // Each kind goes to its own v3 path; a URL by its unpadded base64url id.
    assert_eq!(lookup(&app, "domain", "Evil.Example.com").await.status(), StatusCode::OK);
    assert_eq!(lookup(&app, "url", "http://example.com/?a=b&c=~d").await.status(), StatusCode::OK);
    let hash = "44d88612fea8a8f36de82e1278abb02f";
    assert_eq!(lookup(&app, "file", &hash.to_uppercase()).await.status(), StatusCode::OK);
    let paths: Vec<String> = vt.seen().into_iter().skip(1).map(|s| s.path).collect();
    assert_eq!(
        paths,
        [
            "/api/v3/domains/evil.example.com".to_owned(),
            "/api/v3/urls/aHR0cDovL2V4YW1wbGUuY29tLz9hPWImYz1-ZA".to_owned(),
            format!("/api/v3/files/{hash}"),
        ]
    );
}

#[tokio::test]
async fn an_answer_older_than_the_ttl_is_asked_again() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({"cache_ttl_secs": 1})).await;
    assert_eq!(lookup(&app, "domain", "example.org").await.status(), StatusCode::OK);
    assert_eq!(vt.count(), 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let answer: Value = lookup(&app, "domain", "example.org").await.json().await.expect("json");
        if answer["cached"] == false {
            break;
        }
        assert_eq!(vt.count(), 1, "a cached answer did not call VirusTotal");
        assert!(std::time::Instant::now() < deadline, "the cached answer never expired");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(vt.count(), 2);
}

#[tokio::test]
async fn without_a_key_the_lookup_is_a_503_saying_where_to_set_it() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({})).await;
    let res = app.put("/api/settings/reputation", &app.admin_token, json!({"api_key": null})).await;
    let settings: Value = res.json().await.expect("json");
    assert_eq!(settings["key_set"], false);
    let problem = assert_problem(lookup(&app, "ip", "8.8.8.8").await, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(problem["detail"], "no VirusTotal API key is set: Settings > Reputation");
    assert_eq!(vt.count(), 0);
}

#[tokio::test]
async fn an_indicator_unknown_to_virustotal_is_a_404() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({})).await;
    let problem =
        assert_problem(lookup(&app, "domain", "unknown.example").await, StatusCode::NOT_FOUND).await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("unknown to VirusTotal")), "{problem}");
    assert_problem(lookup(&app, "file", &"0".repeat(64)).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn bad_values_are_a_422_naming_value_and_nothing_is_called() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({})).await;
    for (kind, value) in [
        ("ip", "300.1.1.1"),
        ("domain", "not a domain"),
        ("url", "javascript:alert(1)"),
        ("file", "abc123"),
        ("file", &"z".repeat(64)),
    ] {
        let problem = assert_problem(lookup(&app, kind, value).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["value"], "{kind} {value}");
    }
    let problem =
        assert_problem(lookup(&app, "email", "a@b.c").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["kind"]);
    assert_eq!(vt.count(), 0);
}

#[tokio::test]
async fn over_the_quota_a_lookup_is_a_429_with_retry_after_or_the_stale_answer() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({"quota_per_minute": 1, "cache_ttl_secs": 0})).await;
    assert_eq!(lookup(&app, "ip", "1.1.1.1").await.status(), StatusCode::OK);
    let res = lookup(&app, "ip", "9.9.9.9").await;
    let retry: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    let problem = assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("1 lookups per minute")), "{problem}");
    // 1.1.1.1 is cached (TTL 0: already stale): it is served as such rather than refused.
    let stale: Value = lookup(&app, "ip", "1.1.1.1").await.json().await.expect("json");
    assert_eq!((stale["cached"].clone(), stale["stale"].clone()), (json!(true), json!(true)));
    assert_eq!(vt.count(), 1);
}

#[tokio::test]
async fn with_private_targets_refused_a_loopback_base_url_is_not_called() {
    let app = spawn_app().await;
    let vt = StandIn::start(v3).await;
    configured(&app, &vt, json!({})).await;
    let res =
        app.put("/api/settings", &app.admin_token, json!({"allow_private_network_targets": false})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let problem = assert_problem(lookup(&app, "ip", "8.8.8.8").await, StatusCode::BAD_GATEWAY).await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("not a public address")), "{problem}");
    assert_eq!(vt.count(), 0, "the stand-in got nothing");
}

#[tokio::test]
async fn the_key_is_never_answered_and_each_route_checks_its_permission() {
    let app = spawn_app().await;
    let settings: Value =
        app.get("/api/settings/reputation", &app.admin_token).await.json().await.expect("json");
    assert_eq!(
        settings,
        json!({"key_set": false, "base_url": "https://www.virustotal.com/api/v3", "cache_ttl_secs": 86400,
               "quota_per_minute": 4})
    );
    let res = app.put("/api/settings/reputation", &app.admin_token, json!({"api_key": KEY})).await;
    let text = res.text().await.expect("text");
    assert!(text.contains("\"key_set\":true") && !text.contains(KEY), "{text}");
    let audit = app.get("/api/audit-log", &app.admin_token).await.text().await.expect("text");
    assert!(audit.contains("settings.reputation.update") && !audit.contains(KEY));

    let res = app
        .put(
            "/api/settings/reputation",
            &app.admin_token,
            json!({"base_url": "file:///etc", "quota_per_minute": 0, "cache_ttl_secs": 99_999_999}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["base_url", "cache_ttl_secs", "quota_per_minute"]);

    let (_, analyst) = app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    assert_problem(app.get("/api/settings/reputation", &analyst).await, StatusCode::FORBIDDEN).await;
    let (_, nobody) = app.account_with("nobody", &["EXPLANATION_VIEW"], &[]).await;
    assert_problem(app.get("/api/reputation/ip/8.8.8.8", &nobody).await, StatusCode::FORBIDDEN).await;
    // TICKET_VIEW is enough to look up (this value is refused before anything is called).
    let res = app.get("/api/reputation/ip/not-an-ip", &analyst).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}
