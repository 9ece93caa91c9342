//! Scorecard 3: mass assignment. Every JSON write in the OpenAPI document gets each field a
//! client must never set (`id`, `site_id`, `created_by`, `status`, `version`, permissions, ...)
//! that its request schema does not declare; then the main writes get them on top of a valid
//! body. None may be accepted, and the refusal must name the field.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Row, report};
use crate::helpers::{TestApp, error_fields, spawn_app};

/// What an attacker would like to set, with a value of the right shape.
fn injections() -> Vec<(&'static str, Value)> {
    vec![
        ("id", json!(999_999)),
        ("site_id", json!(999_999)),
        ("created_by", json!("rule")),
        ("registered_by", json!(1)),
        ("status", json!("closed")),
        ("version", json!(0)),
        ("permissions", json!(["ADMIN"])),
        ("is_admin", json!(true)),
        ("account_id", json!(1)),
        ("owner_id", json!(1)),
        ("created_at", json!("2000-01-01T00:00:00Z")),
        ("password_hash", json!("$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA")),
        ("token_hash", json!("00")),
    ]
}

/// Writes whose body is free-form by design: a log record's fields are the log's own, and a
/// preference is any JSON the web app keeps.
const FREE_FORM: [&str; 2] = ["/api/logs/{table}", "/api/preferences/{key}"];

/// Fills a path template with a value of the right shape for each parameter.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{kind}" => "request",
            "{language}" => "en",
            "{table}" => "firewall",
            "{token}" => "no-such-token",
            s if s.starts_with('{') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Outcome {
    sent: usize,
    accepted: Vec<String>,
    unnamed: Vec<String>,
}

async fn send(app: &TestApp, method: &Method, path: &str, body: Value, field: &str, out: &mut Outcome) {
    let res = app
        .client
        .request(method.clone(), format!("{}{path}", app.address))
        .bearer_auth(&app.admin_token)
        .header("If-Match", "\"1\"")
        .json(&body)
        .send()
        .await
        .expect("sent");
    out.sent += 1;
    let status = res.status();
    let problem: Value = res.json().await.unwrap_or(Value::Null);
    if status.is_success() || status.is_server_error() {
        out.accepted.push(format!("{method} {path} +{field}: {status}"));
    } else if status.as_u16() == 422 || status.as_u16() == 400 {
        let named = error_fields(&problem).iter().any(|f| f == field)
            || problem["detail"].as_str().is_some_and(|d| d.contains(&format!("`{field}`")));
        if !named {
            out.unnamed.push(format!("{method} {path} +{field}: {problem}"));
        }
    }
}

#[tokio::test]
async fn scorecard_03_no_write_accepts_a_field_its_schema_does_not_declare() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json", &app.admin_token).await.json().await.expect("openapi");
    let schemas = &doc["components"]["schemas"];
    let mut out = Outcome { sent: 0, accepted: Vec::new(), unnamed: Vec::new() };
    let mut operations = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if FREE_FORM.contains(&path.as_str()) {
            continue;
        }
        for (method, op) in ops.as_object().expect("operations") {
            let Some(schema) = op["requestBody"]["content"]["application/json"]["schema"].as_object() else {
                continue;
            };
            let declared = match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
                None => &Value::Object(schema.clone()),
            };
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            operations += 1;
            for (field, value) in injections() {
                if declared["properties"].get(field).is_some() {
                    continue; // a documented field, checked by the operation itself
                }
                send(&app, &method, &concrete(path), json!({ field: value }), field, &mut out).await;
            }
        }
    }

    // On top of bodies that are otherwise valid, for the writes that matter most.
    let site = app.site("Mass site").await;
    let ticket: Value = app
        .post("/api/tickets", &app.admin_token, json!({"site_id": site, "kind": "analysis", "title": "t"}))
        .await
        .json()
        .await
        .expect("ticket");
    let ticket_id = ticket["id"].as_i64().expect("ticket id");
    let valid: Vec<(Method, String, &str, Value)> = vec![
        (
            Method::POST,
            "/api/tickets".into(),
            "NewTicket",
            json!({"site_id": site, "kind": "analysis", "title": "x"}),
        ),
        (Method::PATCH, format!("/api/tickets/{ticket_id}"), "TicketPatch", json!({"title": "y"})),
        (Method::POST, format!("/api/tickets/{ticket_id}/memos"), "NewMemo", json!({"body": "m"})),
        (
            Method::POST,
            "/api/accounts".into(),
            "NewAccount",
            json!({"login": "mass", "password": "a-long-enough-password"}),
        ),
        (Method::PATCH, "/api/accounts/1".into(), "AccountPatch", json!({"display_name": "Admin"})),
        (Method::POST, "/api/tags".into(), "NewTag", json!({"name": "mass"})),
    ];
    for (method, path, schema, base) in &valid {
        for (field, value) in injections() {
            if schemas[*schema]["properties"].get(field).is_some() {
                continue; // e.g. an administrator sets an account's permissions
            }
            let mut body = base.clone();
            body[field] = value;
            send(&app, method, path, body, field, &mut out).await;
        }
    }
    let after: Value =
        app.get(&format!("/api/tickets/{ticket_id}"), &app.admin_token).await.json().await.expect("ticket");
    let untouched = after["status"] == ticket["status"] && after["title"] == ticket["title"];

    let pass = out.accepted.is_empty() && out.unnamed.is_empty() && untouched;
    report(Row {
        number: 3,
        test: "mass assignment",
        tried: format!(
            "{} fields injected into each of {operations} JSON writes from the OpenAPI document (where its schema \
             does not declare them) and into {} valid bodies: {} requests",
            injections().len(),
            valid.len(),
            out.sent
        ),
        threshold: "0 accepted (a 5xx counts as accepted)",
        result: if pass {
            format!("0 of {} accepted; every refusal names the field", out.sent)
        } else {
            format!(
                "{} accepted {:?}; {} refused without naming the field {:?}; ticket untouched {untouched}",
                out.accepted.len(),
                out.accepted,
                out.unnamed.len(),
                out.unnamed.iter().take(5).collect::<Vec<_>>()
            )
        },
        pass,
    });
}
