//! Scorecard 19: the audit log. Every state change, assignment, review, export, login and use of
//! a violator's link leaves exactly one entry; the server's own database connection can neither
//! change nor remove one.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseBackend};
use serde_json::{Value, json};

use super::{Row, report};
use crate::{
    explanations::{deadline, desk, violator_token},
    helpers::{PASSWORD, TestApp},
};

/// The actions this test counts.
const ACTIONS: [&str; 9] = [
    "auth.login",
    "ticket.create",
    "ticket.transition",
    "ticket.assign",
    "tickets.export",
    "explanation.requested",
    "explanation.token_use",
    "explanation.submitted",
    "explanation.confirmed_normal",
];

async fn counts(app: &TestApp) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for action in ACTIONS {
        let page: Value = app
            .get(&format!("/api/audit-log?action={action}&limit=500"), &app.admin_token)
            .await
            .json()
            .await
            .expect("audit page");
        counts.insert(action, page["items"].as_array().expect("items").len());
    }
    counts
}

async fn ok(res: reqwest::Response, what: &str) -> Value {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert!(status.is_success(), "{what}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

#[tokio::test]
async fn scorecard_19_one_entry_per_change_and_no_entry_can_be_altered() {
    let d = desk().await;
    let app = &d.app;
    let admin = app.admin_token.clone();
    let site = app.site("Audit site").await;
    let (analyst_id, _) = app.account_with("audited", &["TICKET_EDIT"], &[site]).await;
    let before = counts(app).await;

    // One of each: a login, three tickets, an assignment, two transitions, a bulk close of two,
    // an export, a request, two uses of its link (open, submit) and the manager's review.
    app.login_ok("audited", PASSWORD).await;
    let mut ids = Vec::new();
    for title in ["first", "second", "third"] {
        let body = json!({"site_id": site, "kind": "analysis", "title": title, "assignee_ids": [1]});
        ids.push(
            ok(app.post("/api/tickets", &admin, body).await, "create").await["id"].as_i64().expect("id"),
        );
    }
    ok(
        app.patch(&format!("/api/tickets/{}", ids[0]), &admin, json!({"assignee_ids": [1, analyst_id]}))
            .await,
        "assign",
    )
    .await;
    for action in ["start", "back_to_assigned"] {
        let path = format!("/api/tickets/{}/transitions", ids[0]);
        ok(app.post(&path, &admin, json!({"action": action})).await, action).await;
    }
    let bulk = json!({"ids": [ids[1], ids[2]], "action": "close", "comment": "duplicates"});
    ok(app.post("/api/tickets/bulk", &admin, bulk).await, "bulk close").await;
    let export = app.get("/api/tickets/export?type=csv", &admin).await;
    assert_eq!(export.status(), StatusCode::OK);
    export.bytes().await.expect("export read");
    let request = json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(3)});
    let explanation = ok(app.post("/api/explanations", &d.analyst, request).await, "request").await["id"]
        .as_i64()
        .expect("explanation id");
    let token = violator_token(app).await;
    ok(crate::explanations::public(app, &token).await, "open link").await;
    let submitted = crate::explanations::submit(app, &token, "I sent it to myself.").await;
    assert_eq!(submitted.status(), StatusCode::NO_CONTENT);
    let path = format!("/api/explanations/{explanation}/review");
    ok(app.post(&path, &d.manager, json!({"action": "normal"})).await, "review").await;

    let after = counts(app).await;
    let expected: BTreeMap<&str, usize> = [
        ("auth.login", 1),
        ("ticket.create", 3),
        ("ticket.transition", 4),
        ("ticket.assign", 1),
        ("tickets.export", 1),
        ("explanation.requested", 1),
        ("explanation.token_use", 2),
        ("explanation.submitted", 1),
        ("explanation.confirmed_normal", 1),
    ]
    .into_iter()
    .collect();
    let mut wrong = Vec::new();
    for (action, want) in &expected {
        let got = after[action] - before[action];
        if got != *want {
            wrong.push(format!("{action}: {got} entries for {want} events"));
        }
    }

    // The server's own connection tries to rewrite and to erase the log.
    let total = |db: sea_orm::DatabaseConnection| async move {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM audit_log",
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    };
    let rows_before = total(app.db.clone()).await;
    let mut tampering = vec![
        "UPDATE audit_log SET action = 'nothing happened'",
        "UPDATE audit_log SET detail = '{}' WHERE id = (SELECT MAX(id) FROM audit_log)",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE action = 'auth.login'",
    ];
    if app.db.get_database_backend() == DatabaseBackend::Postgres {
        tampering.push("TRUNCATE audit_log");
    }
    let mut accepted = Vec::new();
    for sql in &tampering {
        if app.db.execute_unprepared(sql).await.is_ok() {
            accepted.push(*sql);
        }
    }
    let rows_after = total(app.db.clone()).await;

    let events: usize = expected.values().sum();
    let pass = wrong.is_empty() && accepted.is_empty() && rows_after == rows_before;
    report(Row {
        number: 19,
        test: "audit log",
        tried: format!(
            "{events} events (login, ticket creations, assignment, transitions, bulk close, export, request, \
             link opened and used, review) counted in GET /api/audit-log; {} UPDATE/DELETE{} statements on \
             the server's own connection",
            tampering.len(),
            if tampering.len() > 4 { "/TRUNCATE" } else { "" }
        ),
        threshold: "one entry per event; the application's role cannot update or delete an entry",
        result: if pass {
            format!(
                "{events} of {events} events logged once; {} of {} tampering statements refused, {rows_after} rows kept",
                tampering.len(),
                tampering.len()
            )
        } else {
            format!("{}; accepted: {accepted:?}; rows {rows_before} → {rows_after}", wrong.join(", "))
        },
        pass,
    });
}
