//! Scorecard 2: the authorization matrix. The policy is the OpenAPI document's own: each
//! operation's security requirement names the permissions that open it (any one of the
//! alternatives; `ADMIN` opens everything; no requirement is public). Every operation is called
//! as every role, an API key, a token-page visitor and anonymously, with the ids of objects that
//! exist, and must not answer 2xx where the policy says no. Then an analyst of one site reads
//! every GET operation with the ids of the other site's objects and the other site's id in every
//! filter: objects answer 404, and no answer (list, export, trend, count, detail) carries the
//! other site's marker text.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Row, report};
use crate::{
    explanations::{deadline, desk, violator_token},
    helpers::TestApp,
};

/// Text only the other site's objects carry.
const MARKER: &str = "ZZOTHERSITEZZ";

struct Caller {
    name: &'static str,
    permissions: Vec<&'static str>,
    /// `None`: no `Authorization` header at all.
    token: Option<String>,
}

/// Whether `caller` may call an operation whose security requirement is `security`.
fn allowed(security: &Value, caller: &Caller) -> bool {
    let Some(alternatives) = security.as_array() else { return true };
    if caller.token.is_none() || caller.name == "token-page visitor" {
        return false;
    }
    caller.permissions.contains(&"ADMIN")
        || alternatives.iter().any(|alt| {
            alt["bearer"].as_array().is_some_and(|scopes| {
                scopes.iter().all(|s| s.as_str().is_some_and(|s| caller.permissions.contains(&s)))
            })
        })
}

/// `path` with every parameter replaced by an existing object's id (`ids` by parameter name).
fn concrete(path: &str, ids: &[(&str, String)]) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => ids.iter().find(|(n, _)| *n == name).map_or("1".to_owned(), |(_, v)| v.clone()),
            None => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn call(app: &TestApp, method: &Method, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = app.client.request(method.clone(), format!("{}{path}", app.address));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        req = req.header("If-Match", "\"1\"").json(&json!({}));
    }
    match req.timeout(std::time::Duration::from_secs(10)).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            (status, res.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

#[tokio::test]
async fn scorecard_02_no_role_reaches_what_the_policy_closes_and_no_site_sees_another() {
    let d = desk().await;
    let app = &d.app;
    let admin = app.admin_token.clone();
    let own = app.site("Own site").await;
    // Site names are for every signed-in account (pickers), so the marker stays off them.
    let other = app.site("Other site").await;

    // Objects on each site: tickets (with a memo) and an explanation tied to the other's ticket.
    // Explanations are about employees and not scoped by site; what they show of the ticket is.
    let mut tickets = Vec::new();
    for (site, title) in [(own, "own ticket".to_owned()), (other, format!("other {MARKER}"))] {
        let body =
            json!({"site_id": site, "kind": "analysis", "title": title, "body": format!("body {title}")});
        let t: Value = app.post("/api/tickets", &admin, body).await.json().await.expect("ticket");
        let id = t["id"].as_i64().expect("ticket id");
        app.post(&format!("/api/tickets/{id}/memos"), &admin, json!({"body": format!("memo {title}")})).await;
        tickets.push(id);
    }
    let request = json!({"violator_id": "V1", "manager_id": "M1", "category_id": d.category, "deadline": deadline(3),
        "message": "explain", "ticket_id": tickets[1]});
    let explanation: Value =
        app.post("/api/explanations", &admin, request).await.json().await.expect("explanation");
    let explanation_id = explanation["id"].as_i64().unwrap_or(1);
    let link = violator_token(app).await;

    // The callers.
    let roles: [(&'static str, Vec<&'static str>); 5] = [
        ("admin", vec!["ADMIN"]),
        ("analyst", vec!["TICKET_VIEW", "TICKET_EDIT", "EXPLANATION_VIEW"]),
        ("approver", vec!["TICKET_VIEW"]),
        ("reviewer", vec!["EXPLANATION_VIEW", "EXPLANATION_AUDIT"]),
        ("viewer", vec!["TICKET_VIEW", "EXPLANATION_VIEW"]),
    ];
    let mut callers = Vec::new();
    for (name, permissions) in roles {
        let token = if name == "admin" {
            admin.clone()
        } else {
            app.account_with(&format!("matrix-{name}"), &permissions, &[own]).await.1
        };
        callers.push(Caller { name, permissions, token: Some(token) });
    }
    let key: Value = app
        .post("/api/accounts/1/api-keys", &admin, json!({"name": "matrix"}))
        .await
        .json()
        .await
        .expect("api key");
    callers.push(Caller {
        name: "API key",
        permissions: vec!["ADMIN"],
        token: key["secret"].as_str().map(str::to_owned),
    });
    callers.push(Caller { name: "token-page visitor", permissions: vec![], token: Some(link.clone()) });
    callers.push(Caller { name: "anonymous", permissions: vec![], token: None });

    let doc: Value = app.get("/api/openapi.json", &admin).await.json().await.expect("openapi");
    let ids: Vec<(&str, String)> = vec![
        ("id", tickets[0].to_string()),
        ("token", link.clone()),
        ("table", "fw".into()),
        ("kind", "request".into()),
        ("language", "en".into()),
        ("key", "ticket-list".into()),
    ];
    // Destructive operations run last, so they do not remove what the others call.
    let mut operations: Vec<(Method, String, Value)> = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if path == "/api/events" {
            continue; // a stream; its scoping is tested in events.rs
        }
        for (method, op) in ops.as_object().expect("operations") {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else { continue };
            operations.push((method, path.clone(), op["security"].clone()));
        }
    }
    operations.sort_by_key(|(m, p, _)| {
        (*m == Method::DELETE || p.contains("logout") || p.contains("revoke"), p.clone())
    });

    let mut calls = 0;
    let mut denied = 0;
    let mut unexpected = Vec::new();
    for caller in &callers {
        if caller.name == "admin" || caller.name == "API key" {
            continue; // ADMIN opens everything; nothing to deny
        }
        for (method, path, security) in &operations {
            if allowed(security, caller) {
                continue;
            }
            let (status, _) = call(app, method, &concrete(path, &ids), caller.token.as_deref()).await;
            calls += 1;
            if (200..300).contains(&status) {
                unexpected.push(format!("{} {method} {path}: {status}", caller.name));
            } else {
                denied += 1;
            }
        }
    }

    // Site scoping: an analyst of the own site reads everything with the other site's ids.
    let analyst = callers[1].token.clone().expect("analyst token");
    let other_ids: Vec<(&str, String)> = vec![("id", tickets[1].to_string())];
    let mut leaks = Vec::new();
    let mut reads = 0;
    let mut not_found = 0;
    for (method, path, security) in &operations {
        if *method != Method::GET || !allowed(security, &callers[1]) || path.contains("{token}") {
            continue;
        }
        let mut variants = vec![concrete(path, &other_ids)];
        if path.contains("{id}") && path.starts_with("/api/explanations/") {
            variants = vec![concrete(path, &[("id", explanation_id.to_string())])];
        }
        if !path.contains('{') {
            variants.push(format!("{path}?site_id={other}"));
            variants.push(format!("{path}?q={MARKER}"));
        }
        for url in variants {
            let (status, body) = call(app, method, &url, Some(&analyst)).await;
            reads += 1;
            if body.contains(MARKER) {
                leaks.push(format!("{url}: {status} carries the other site's data"));
            }
            if path.contains("{id}") && path.starts_with("/api/tickets/{id}") {
                if status == 404 {
                    not_found += 1;
                } else if (200..300).contains(&status) {
                    leaks.push(format!("{url}: {status} for the other site's ticket"));
                }
            }
        }
    }

    let pass = unexpected.is_empty() && leaks.is_empty();
    report(Row {
        number: 2,
        test: "authorization matrix",
        tried: format!(
            "{} operations from the OpenAPI document × {} callers (5 roles, an API key, a token-page visitor, anonymous), \
             policy from each operation's security requirement: {calls} calls the policy closes; then {reads} reads by an \
             analyst of one site with the other site's ticket and explanation ids, site filter and marker text",
            operations.len(),
            callers.len()
        ),
        threshold: "0 unexpected 2xx; another site's object → 404; 0 other-site rows in any list, export, trend, count",
        result: if pass {
            format!(
                "{denied} of {calls} closed calls refused (0 unexpected 2xx); {not_found} reads of the other site's ticket \
                 answered 404; 0 of {reads} answers carried the other site's data"
            )
        } else {
            format!("unexpected: {unexpected:?}; leaks: {leaks:?}")
        },
        pass,
    });
}
