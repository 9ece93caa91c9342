//! Scorecard 22: security headers on every answer.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::{Row, report};
use crate::helpers::spawn_app;

/// What every answer must carry: (header, a piece its value must contain).
const REQUIRED: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("content-security-policy", "object-src 'none'"),
    ("content-security-policy", "base-uri 'none'"),
    ("content-security-policy", "frame-ancestors"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];

fn missing(res: &Response) -> Vec<String> {
    REQUIRED
        .iter()
        .filter(|(name, piece)| {
            !res.headers().get(*name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(piece))
        })
        .map(|(name, piece)| format!("{name} ∌ {piece}"))
        .collect()
}

#[tokio::test]
async fn scorecard_22_every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json", &app.admin_token).await.json().await.expect("openapi");
    // Every documented operation, signed in and anonymous, with ids that exist or not.
    let mut requests: Vec<(Method, String, bool)> = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if path == "/api/events" {
            continue; // a stream that never ends; its headers come before the first event
        }
        let concrete = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in ops.as_object().expect("operations").keys() {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else { continue };
            if matches!(m, Method::GET | Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
                requests.push((m.clone(), concrete.clone(), true));
                requests.push((m, concrete.clone(), false));
            }
        }
    }
    for extra in [
        "/",
        "/explain/some-token",
        "/settings",
        "/no/such/page",
        "/api/no-such-route",
        "/healthz",
        "/readyz",
    ] {
        requests.push((Method::GET, extra.into(), false));
    }
    requests.push((Method::TRACE, "/api/tickets".into(), true));

    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeSet::new();
    for (method, path, signed_in) in &requests {
        let token = signed_in.then_some(app.admin_token.as_str());
        // Writes get an empty object: a validation problem, a conflict or a success, all answers.
        let body = matches!(*method, Method::POST | Method::PUT | Method::PATCH).then(|| json!({}));
        let res = app.request(method.clone(), path, token, body).await;
        statuses.insert(res.status().as_u16());
        let gaps = missing(&res);
        if !gaps.is_empty() {
            failures.push(format!("{method} {path} ({}): {}", res.status(), gaps.join(", ")));
        }
    }
    report(Row {
        number: 22,
        test: "security headers on every response",
        tried: format!(
            "{} requests: every documented operation signed in and anonymous, pages, unknown routes, TRACE; statuses {:?}",
            requests.len(),
            statuses
        ),
        threshold: "nosniff, a CSP with object-src 'none', base-uri 'none', frame-ancestors, Referrer-Policy: 100%",
        result: if failures.is_empty() {
            format!("{} of {} answers carry all of them", requests.len(), requests.len())
        } else {
            format!("{} without: {}", failures.len(), failures.join("; "))
        },
        pass: failures.is_empty(),
    });
}
