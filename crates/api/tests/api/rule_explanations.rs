//! Stream rules with an explanation part ask the record's employee (`emp_key`) for an
//! explanation of each ticket they open, with the ticket's evidence.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{detection::pipeline, explanations::last_mail};

#[tokio::test]
async fn a_rule_asks_the_records_employee_to_explain_each_new_ticket() {
    let p = pipeline().await;
    let admin = p.app.admin_token.clone();
    let dept: Value =
        p.app.post("/api/departments", &admin, json!({"name": "Sales"})).await.json().await.expect("json");
    for (id, manager) in [("M1", true), ("V1", false)] {
        let res = p
            .app
            .post(
                "/api/employees",
                &admin,
                json!({"id": id, "name": format!("Employee {id}"), "email": format!("{}@example.com", id.to_lowercase()),
                    "department_id": dept["id"], "is_manager": manager}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let category: Value = p
        .app
        .post("/api/explanation-categories", &admin, json!({"name": "Blocked traffic"}))
        .await
        .json()
        .await
        .expect("json");
    let rule = p
        .deny_rule(json!({"explanation": {"category_id": category["id"], "deadline_days": 3,
            "message": "Why did {user} send traffic from {src_ip}?"}}))
        .await;

    let result = p
        .ingest(json!([
            {"_id": "e1", "src_ip": "10.1.1.1", "action": "deny", "user": "vic", "emp_key": "V1"},
            {"_id": "e2", "src_ip": "10.1.1.1", "action": "deny", "user": "vic", "emp_key": "V1"},
            {"_id": "e3", "src_ip": "10.2.2.2", "action": "deny", "user": "ghost", "emp_key": "NOBODY"}
        ]))
        .await;
    let created: Vec<i64> =
        result["created_ticket_ids"].as_array().expect("ids").iter().filter_map(Value::as_i64).collect();
    assert_eq!(created.len(), 2, "{result}");

    // The first ticket (two records, deduplicated) asked V1 once.
    let asked: Value = p
        .app
        .get(&format!("/api/tickets/{}/explanations", created[0]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    let asked = asked.as_array().expect("list");
    assert_eq!(asked.len(), 1, "{asked:?}");
    let e = &asked[0];
    assert_eq!(e["violator"]["id"], "V1");
    assert_eq!(e["manager"]["id"], "M1", "the automatic reviewer");
    assert_eq!(e["rule_id"], rule["id"]);
    assert_eq!(e["owner"], Value::Null);
    assert_eq!(e["status"], "new");
    assert_eq!(e["priority"], "high", "the ticket's priority");
    assert_eq!(e["category"]["name"], "Blocked traffic");
    assert_eq!(e["evidence_count"], 2, "the ticket's evidence is copied");
    let detail: Value =
        p.app.get(&format!("/api/explanations/{}", e["id"]), &admin).await.json().await.expect("json");
    assert_eq!(detail["message"], "Why did vic send traffic from 10.1.1.1?");
    assert_eq!(detail["history"][0]["actor"], "system");
    let (_, body) = last_mail(&p.app, "v1@example.com").await;
    assert!(body.contains("/explain/"), "{body}");
    assert_eq!(p.ticket(created[0]).await["explanation_status"], "new");

    // No employee with that key: the ticket opens and says why nobody was asked.
    let none: Value = p
        .app
        .get(&format!("/api/tickets/{}/explanations", created[1]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(none, json!([]));
    let history: Value = p
        .app
        .get(&format!("/api/tickets/{}/history", created[1]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    let skipped = history
        .as_array()
        .expect("history")
        .iter()
        .find(|h| h["field"] == "explanation_skipped")
        .unwrap_or_else(|| panic!("no explanation_skipped in {history}"));
    assert!(skipped["comment"].as_str().is_some_and(|c| c.contains("NOBODY")), "{skipped}");

    // A later match of the first attack adds to its ticket and asks nobody again.
    let result = p
        .ingest(
            json!([{"_id": "e4", "src_ip": "10.1.1.1", "action": "deny", "user": "vic", "emp_key": "V1"}]),
        )
        .await;
    assert_eq!(result["created_ticket_ids"], json!([]));
    let asked: Value = p
        .app
        .get(&format!("/api/tickets/{}/explanations", created[0]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(asked.as_array().map(Vec::len), Some(1));
}
