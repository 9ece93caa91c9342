//! Log tables, ingest, search and the detection rules that open tickets from records.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app, spawn_app_with, test_settings};

/// A site, a firewall schema and table, an ingest account (API key) and an analyst.
pub struct Pipeline {
    pub app: TestApp,
    pub site: i64,
    pub key: String,
    pub analyst: String,
}

pub async fn pipeline_on(app: TestApp) -> Pipeline {
    let site = app.site("Seoul").await;
    let schema = app
        .post(
            "/api/log-schemas",
            &app.admin_token,
            json!({"name": "firewall", "fields": [
                {"name": "src_ip", "type": "ip"}, {"name": "dst_ip", "type": "ip"},
                {"name": "action", "type": "string"}, {"name": "user", "type": "string"},
                {"name": "bytes", "type": "integer"}]}),
        )
        .await;
    assert_eq!(schema.status(), StatusCode::CREATED, "{}", schema.text().await.unwrap_or_default());
    let schema_id = schema.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let table =
        app.post("/api/log-tables", &app.admin_token, json!({"name": "fw", "schema_id": schema_id})).await;
    assert_eq!(table.status(), StatusCode::CREATED);
    let (ingest_id, ingest_token) = app.account_with("pipeline", &["TICKET_EDIT"], &[]).await;
    let key = app
        .post(&format!("/api/accounts/{ingest_id}/api-keys"), &ingest_token, json!({"name": "siem"}))
        .await
        .json::<Value>()
        .await
        .expect("json")["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (_, analyst) = app.account_with("analyst", &["TICKET_VIEW"], &[site]).await;
    Pipeline { app, site, key, analyst }
}

pub async fn pipeline() -> Pipeline {
    pipeline_on(spawn_app().await).await
}

impl Pipeline {
    /// Creates a stream rule: denied traffic from 10/8, one ticket per source address.
    pub async fn deny_rule(&self, extra: Value) -> Value {
        let mut body = json!({
            "name": "Denied from inside",
            "kind": "stream",
            "table": "fw",
            "condition": {"and": [
                {"equals": {"field": "action", "value": "deny", "ignore_case": true}},
                {"cidr": {"field": "src_ip", "value": "10.0.0.0/8"}}
            ]},
            "ticket": {"site_id": self.site, "priority": "high", "title": "Denied traffic from {src_ip}",
                "body": "User **{user}** was blocked", "fields": [{"name": "Source IP", "from": "src_ip"},
                {"name": "User", "from": "user"}]},
            "dedup_fields": ["src_ip"],
            "dedup_window_secs": 3600
        });
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let res = self.app.post("/api/rules", &self.app.admin_token, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("json")
    }

    pub async fn ingest(&self, records: Value) -> Value {
        let res = self.app.post("/api/logs/fw", &self.key, records).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("json")
    }

    pub async fn ticket(&self, id: i64) -> Value {
        self.app.get(&format!("/api/tickets/{id}"), &self.analyst).await.json().await.expect("json")
    }
}

fn deny(id: &str, src: &str) -> Value {
    json!({"_id": id, "_time": "2026-11-22T10:00:00Z", "src_ip": src, "dst_ip": "192.168.0.1",
        "action": "DENY", "user": "kim", "bytes": 10})
}

#[tokio::test]
async fn a_matching_record_opens_a_system_ticket_with_its_evidence() {
    let p = pipeline().await;
    let rule = p.deny_rule(json!({})).await;
    let result = p
        .ingest(json!([deny("r1", "10.0.0.5"), deny("r2", "10.0.0.6"),
            {"_id": "r3", "src_ip": "172.16.0.1", "action": "deny"}, {"_id": "r4", "src_ip": "10.0.0.7", "action": "allow"}]))
        .await;
    assert_eq!(result["received"], 4);
    assert_eq!(result["stored"], 4);
    assert_eq!(result["matched"], 2);
    let created = result["created_ticket_ids"].as_array().expect("ids").clone();
    assert_eq!(created.len(), 2, "{result}");

    let t = p.ticket(created[0].as_i64().expect("id")).await;
    assert_eq!(t["created_by"], "system");
    assert_eq!(t["kind"], "detection");
    assert_eq!(t["rule_id"], rule["id"]);
    assert_eq!(t["registered_by"], Value::Null);
    assert_eq!(t["priority"], "high");
    assert_eq!(t["status"], "new");
    assert_eq!(t["title"], "Denied traffic from 10.0.0.5");
    assert!(t["body_html"].as_str().expect("html").contains("<strong>kim</strong>"), "{t}");
    assert_eq!(
        t["fields"],
        json!([{"name": "Source IP", "value": "10.0.0.5"}, {"name": "User", "value": "kim"}])
    );
    assert_eq!(t["duplicate_count"], 1);
    assert_eq!(t["first_seen_at"], "2026-11-22T10:00:00Z");

    let evidence: Value = p
        .app
        .get(&format!("/api/tickets/{}/evidence", t["id"]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(evidence["total"], 1);
    assert_eq!(evidence["items"][0]["record"]["_id"], "r1");
    assert_eq!(evidence["items"][0]["record"]["action"], "DENY");

    // Rule tickets refuse title and body edits; their properties still change.
    let edit =
        p.app.patch(&format!("/api/tickets/{}", t["id"]), &p.app.admin_token, json!({"title": "x"})).await;
    assert_problem(edit, StatusCode::FORBIDDEN).await;
    let edit = p
        .app
        .patch(&format!("/api/tickets/{}", t["id"]), &p.app.admin_token, json!({"priority": "low"}))
        .await;
    assert_eq!(edit.status(), StatusCode::OK);

    let rule: Value =
        p.app.get(&format!("/api/rules/{}", rule["id"]), &p.analyst).await.json().await.expect("json");
    assert_eq!(rule["match_count"], 2);
    assert_eq!(rule["ticket_count"], 2);
    let table: Value = p.app.get("/api/log-tables/fw", &p.analyst).await.json().await.expect("json");
    assert_eq!(table["record_count"], 4);
}

#[tokio::test]
async fn the_same_attack_a_hundred_times_is_one_ticket_counting_a_hundred() {
    let mut settings = test_settings().await;
    settings.evidence_cap = 30;
    let p = pipeline_on(spawn_app_with(settings).await).await;
    p.deny_rule(json!({"dedup_window_secs": 86400})).await;
    let mut ticket = None;
    for batch in 0..4 {
        // One batch as NDJSON, the others as JSON arrays.
        let records: Vec<Value> = (0..25)
            .map(|i| {
                let mut r = deny(&format!("b{batch}-{i}"), "10.1.1.1");
                r["_time"] = json!(format!("2026-11-22T{:02}:{:02}:00Z", 10 + batch, i));
                r
            })
            .collect();
        let result: Value = if batch == 2 {
            let ndjson: String = records.iter().map(|r| format!("{r}\n")).collect();
            p.app
                .post_raw("/api/logs/fw", &p.key, "application/x-ndjson", ndjson)
                .await
                .json()
                .await
                .expect("json")
        } else {
            p.ingest(Value::Array(records)).await
        };
        assert_eq!(result["stored"], 25, "{result}");
        let ids: Vec<&Value> = result["created_ticket_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(result["updated_ticket_ids"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(ids.len(), 1, "batch {batch}: {result}");
        assert!(ticket.is_none_or(|t: i64| Some(t) == ids[0].as_i64()), "one ticket for every batch");
        ticket = ids[0].as_i64();
    }
    let id = ticket.expect("ticket");
    let t = p.ticket(id).await;
    assert_eq!(t["duplicate_count"], 100);
    assert_eq!(t["first_seen_at"], "2026-11-22T10:00:00Z");
    assert_eq!(t["last_seen_at"], "2026-11-22T13:24:00Z");
    let occ: Value =
        p.app.get(&format!("/api/tickets/{id}/occurrences"), &p.analyst).await.json().await.expect("json");
    assert_eq!(occ["count"], 100);
    assert_eq!(occ["evidence_kept"], 30, "evidence is capped while the count keeps counting");
    let timeline = occ["timeline"].as_array().expect("timeline");
    assert_eq!(timeline.len(), 4, "{occ}");
    assert_eq!(timeline[0], json!({"at": "2026-11-22T10:00:00Z", "count": 25}));
    assert_eq!(timeline.iter().map(|b| b["count"].as_i64().expect("count")).sum::<i64>(), 100);
    let evidence: Value =
        p.app.get(&format!("/api/tickets/{id}/evidence"), &p.analyst).await.json().await.expect("json");
    assert_eq!(evidence["total"], 30);

    // A closed ticket is no longer the open ticket of that attack: the next match opens another.
    let closed = p
        .app
        .post(&format!("/api/tickets/{id}/transitions"), &p.app.admin_token, json!({"action": "close"}))
        .await;
    assert_eq!(closed.status(), StatusCode::OK);
    let result = p.ingest(json!([deny("after-close", "10.1.1.1")])).await;
    assert_eq!(result["created_ticket_ids"].as_array().map(Vec::len), Some(1), "{result}");
}

#[tokio::test]
async fn matches_outside_the_window_open_a_new_ticket() {
    let p = pipeline().await;
    p.deny_rule(json!({"dedup_window_secs": 600})).await;
    let mut late = deny("late", "10.2.2.2");
    late["_time"] = json!("2026-11-22T10:30:00Z");
    let result = p.ingest(json!([deny("early", "10.2.2.2"), late])).await;
    assert_eq!(result["created_ticket_ids"].as_array().map(Vec::len), Some(2), "{result}");
}

#[tokio::test]
async fn sending_a_batch_again_stores_and_opens_nothing_twice() {
    let p = pipeline().await;
    p.deny_rule(json!({})).await;
    let batch =
        json!([deny("x1", "10.0.0.1"), deny("x2", "10.0.0.2"), deny("x1", "10.0.0.1"), {"action": "no id"}]);
    let first = p.ingest(batch.clone()).await;
    assert_eq!(first["stored"], 3);
    assert_eq!(first["duplicates"], 1, "the repeated _id inside the batch: {first}");
    assert_eq!(first["created_ticket_ids"].as_array().map(Vec::len), Some(2));
    let again = p.ingest(batch).await;
    assert_eq!(again["stored"], 1, "only the record without an _id is new: {again}");
    assert_eq!(again["duplicates"], 3);
    assert_eq!(again["matched"], 0);
    assert_eq!(again["created_ticket_ids"], json!([]));
    assert_eq!(again["updated_ticket_ids"], json!([]));
    let tickets: Value = p.app.get("/api/tickets", &p.analyst).await.json().await.expect("json");
    assert_eq!(tickets["total"], 2);
    for t in tickets["items"].as_array().expect("items") {
        assert_eq!(t["duplicate_count"], 1);
    }
}

#[tokio::test]
async fn bad_lines_are_rejected_one_by_one_with_their_reason() {
    let p = pipeline().await;
    let ndjson = "{\"_id\": \"ok1\", \"action\": \"allow\"}\n\
                  not json\n\
                  \n\
                  {\"_id\": \"bad-field\", \"colour\": \"red\"}\n\
                  {\"_id\": \"bad-ip\", \"src_ip\": \"10.0.0.999\"}\n\
                  [1, 2]\n\
                  {\"_id\": \"ok2\", \"bytes\": 5, \"_time\": 1700000000}\r\n";
    let res = p.app.post_raw("/api/logs/fw", &p.key, "application/x-ndjson", ndjson).await;
    assert_eq!(res.status(), StatusCode::OK);
    let result: Value = res.json().await.expect("json");
    assert_eq!(result["received"], 6, "blank lines are not records: {result}");
    assert_eq!(result["stored"], 2);
    assert_eq!(result["rejected"], 4);
    let r = &result["rejections"];
    assert_eq!(r[0]["line"], 2);
    assert!(r[0]["reason"].as_str().expect("reason").starts_with("not valid JSON"));
    assert_eq!(r[1], json!({"line": 4, "field": "colour", "reason": "is not a field of schema 'firewall'"}));
    assert_eq!(r[2]["line"], 5);
    assert_eq!(r[2]["field"], "src_ip");
    assert_eq!(r[3]["line"], 6);
    assert_eq!(r[3]["reason"], "must be a JSON object");
}

#[tokio::test]
async fn ingest_refuses_what_it_cannot_take() {
    let mut settings = test_settings().await;
    settings.ingest_max_records = 3;
    settings.ingest_max_bytes = 2_000;
    let p = pipeline_on(spawn_app_with(settings).await).await;
    let res = p.app.post_raw("/api/logs/fw", &p.key, "text/plain", "hello").await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = p.app.post("/api/logs/fw", &p.key, json!([{}, {}, {}, {}])).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["body"]);
    let res = p
        .app
        .post_raw("/api/logs/fw", &p.key, "application/json", format!("[\"{}\"]", "x".repeat(3_000)))
        .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    let res = p.app.post_raw("/api/logs/fw", &p.key, "application/json", "[{").await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
    let res = p.app.post("/api/logs/nope", &p.key, json!([])).await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let res = p.app.post("/api/logs/fw", &p.analyst, json!([])).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = p.app.post("/api/log-tables", &p.key, json!({"name": "other", "schema_id": 1})).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn rules_are_checked_whole_when_saved() {
    let p = pipeline().await;
    let res = p
        .app
        .post(
            "/api/rules",
            &p.app.admin_token,
            json!({"name": "Broken", "kind": "stream", "table": "nope",
                "condition": {"or": [{"regex": {"field": "user", "value": "(unclosed"}},
                    {"cidr": {"field": "src_ip", "value": "10.0.0.0/33"}}]},
                "ticket": {"site_id": 999, "title": "From {src_ip", "assignee_ids": [12345]},
                "explanation": {"deadline_days": 0},
                "dedup_window_secs": -1}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields = error_fields(&problem);
    for f in [
        "table",
        "condition.or[0].regex.value",
        "condition.or[1].cidr.value",
        "ticket.site_id",
        "ticket.title",
        "ticket.assignee_ids[0]",
        "explanation.deadline_days",
        "dedup_window_secs",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f} missing from {fields:?}");
    }
    let res = p
        .app
        .post(
            "/api/rules",
            &p.app.admin_token,
            json!({"name": "Batch", "kind": "batch", "table": "fw", "ticket": {"site_id": p.site, "title": "t"},
                "condition": {"exists": {"field": "user"}}}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["batch", "condition"]);
    let res = p
        .app
        .post(
            "/api/rules",
            &p.app.admin_token,
            json!({"name": "Batch", "kind": "batch", "table": "fw", "ticket": {"site_id": p.site, "title": "t"},
                "batch": {"interval_secs": 300, "lookback_secs": 600, "threshold": 5, "query": "action:deny AND (", "group_by": ["src_ip"]}}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["batch.query"]);
    assert!(problem["errors"][0]["message"].as_str().expect("message").contains("column"), "{problem}");

    // A taken name is a conflict; only administrators write rules.
    p.deny_rule(json!({})).await;
    let dup = p
        .app
        .post(
            "/api/rules",
            &p.app.admin_token,
            json!({"name": "Denied from inside", "kind": "stream",
        "table": "fw", "condition": {"and": []}, "ticket": {"site_id": p.site, "title": "t"}}),
        )
        .await;
    assert_problem(dup, StatusCode::CONFLICT).await;
    let valid = json!({"name": "By key", "kind": "stream", "table": "fw", "condition": {"and": []},
        "ticket": {"site_id": p.site, "title": "t"}});
    let res = p.app.post("/api/rules", &p.key, valid).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_disabled_rule_opens_nothing_and_a_stale_version_is_refused() {
    let p = pipeline().await;
    let rule = p.deny_rule(json!({})).await;
    let id = rule["id"].as_i64().expect("id");
    let mut body = json!({"name": "Denied from inside", "kind": "stream", "table": "fw", "enabled": false,
        "condition": rule["condition"], "ticket": rule["ticket"], "dedup_fields": ["src_ip"]});
    let res = p
        .app
        .client
        .put(format!("{}/api/rules/{id}", p.app.address))
        .bearer_auth(&p.app.admin_token)
        .header("if-match", "\"7\"")
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    let res = p.app.put(&format!("/api/rules/{id}"), &p.app.admin_token, body.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let updated: Value = res.json().await.expect("json");
    assert_eq!(updated["enabled"], false);
    assert_eq!(updated["version"], 2);
    let result = p.ingest(json!([deny("d1", "10.0.0.1")])).await;
    assert_eq!(result["matched"], 0);
    assert_eq!(result["created_ticket_ids"], json!([]));
    body["enabled"] = json!(true);
    p.app.put(&format!("/api/rules/{id}"), &p.app.admin_token, body).await;
    let result = p.ingest(json!([deny("d2", "10.0.0.1")])).await;
    assert_eq!(result["created_ticket_ids"].as_array().map(Vec::len), Some(1));
    let res = p.app.delete(&format!("/api/rules/{id}"), &p.app.admin_token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let gone = p.app.get(&format!("/api/rules/{id}"), &p.app.admin_token).await;
    assert_problem(gone, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn suppressions_swallow_matches_until_they_expire() {
    use sea_orm::ConnectionTrait;
    let p = pipeline().await;
    let rule = p.deny_rule(json!({})).await;
    let res = p
        .app
        .post(
            "/api/suppressions",
            &p.key,
            json!({"rule_id": rule["id"], "key_values": {"src_ip": "10.0.0.5"},
            "reason": "vulnerability scanner"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let suppression: Value = res.json().await.expect("json");
    let result =
        p.ingest(json!([deny("s1", "10.0.0.5"), deny("s2", "10.0.0.5"), deny("s3", "10.0.0.6")])).await;
    assert_eq!(result["matched"], 3);
    assert_eq!(result["suppressed"], 2);
    assert_eq!(result["created_ticket_ids"].as_array().map(Vec::len), Some(1));
    let s: Value = p
        .app
        .get(&format!("/api/suppressions/{}", suppression["id"]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(s["hit_count"], 2);
    assert_eq!(s["active"], true);

    // Once expired it stops applying by itself.
    let sql = format!(
        "UPDATE suppressions SET expires_at = '2020-01-01 00:00:00+00:00' WHERE id = {}",
        suppression["id"]
    );
    p.app.db.execute_unprepared(&sql).await.expect("expire");
    let result = p.ingest(json!([deny("s4", "10.0.0.5")])).await;
    assert_eq!(result["suppressed"], 0);
    assert_eq!(result["created_ticket_ids"].as_array().map(Vec::len), Some(1));
    let active: Value =
        p.app.get("/api/suppressions?active=true", &p.analyst).await.json().await.expect("json");
    assert_eq!(active["total"], 0);
    let bad = p
        .app
        .post("/api/suppressions", &p.key, json!({"rule_id": 999, "key_values": {}, "reason": " "}))
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["reason", "key_values", "rule_id"]);
}

#[tokio::test]
async fn a_failing_rule_is_counted_and_never_blocks_ingestion() {
    let p = pipeline().await;
    let doomed = p.app.site("Doomed").await;
    let failing = p
        .app
        .post(
            "/api/rules",
            &p.app.admin_token,
            json!({"name": "Failing", "kind": "stream", "table": "fw",
            "condition": {"exists": {"field": "src_ip"}}, "ticket": {"site_id": doomed, "title": "x"}}),
        )
        .await
        .json::<Value>()
        .await
        .expect("json");
    // Its site goes away after the rule was saved: opening its ticket now fails.
    let res = p.app.delete(&format!("/api/sites/{doomed}"), &p.app.admin_token).await;
    assert!(res.status().is_success(), "{}", res.status());
    p.deny_rule(json!({})).await;
    let result = p.ingest(json!([deny("f1", "10.0.0.5")])).await;
    assert_eq!(result["stored"], 1);
    assert_eq!(
        result["created_ticket_ids"].as_array().map(Vec::len),
        Some(1),
        "the healthy rule still opened its ticket: {result}"
    );
    let rule: Value =
        p.app.get(&format!("/api/rules/{}", failing["id"]), &p.analyst).await.json().await.expect("json");
    assert_eq!(rule["error_count"], 1);
    assert!(rule["last_error"].is_string());
    assert_eq!(rule["ticket_count"], 0);
}

pub async fn batch_rule(p: &Pipeline, threshold: i64) -> Value {
    let res = p
        .app
        .post(
            "/api/rules",
            &p.app.admin_token,
            json!({"name": "Scan", "kind": "batch", "table": "fw",
            "batch": {"interval_secs": 300, "lookback_secs": 3600, "threshold": threshold,
                "query": "action:deny AND NOT user:\"svc scanner\"", "group_by": ["src_ip"]},
            "ticket": {"site_id": p.site, "title": "{src_ip} denied too often"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    res.json().await.expect("json")
}

fn recent(id: &str, src: &str, user: &str) -> Value {
    json!({"_id": id, "src_ip": src, "action": "deny", "user": user})
}

#[tokio::test]
async fn a_batch_rule_counts_groups_over_its_threshold() {
    let p = pipeline().await;
    let rule = batch_rule(&p, 3).await;
    let mut records: Vec<Value> = (0..5).map(|i| recent(&format!("a{i}"), "10.9.9.1", "kim")).collect();
    records.extend((0..2).map(|i| recent(&format!("b{i}"), "10.9.9.2", "lee")));
    records.extend((0..4).map(|i| recent(&format!("c{i}"), "10.9.9.3", "svc scanner")));
    p.ingest(Value::Array(records)).await;
    let run: Value = p
        .app
        .post(&format!("/api/rules/{}/run", rule["id"]), &p.app.admin_token, json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(run["matched_records"], 7, "{run}");
    assert_eq!(run["groups"], 1);
    let created = run["created_ticket_ids"].as_array().expect("ids").clone();
    assert_eq!(created.len(), 1);
    let id = created[0].as_i64().expect("id");
    let t = p.ticket(id).await;
    assert_eq!(t["title"], "10.9.9.1 denied too often");
    assert_eq!(t["created_by"], "system");

    // The next run sees the same records: it counts the occurrence, attaches nothing twice.
    p.ingest(json!([recent("a5", "10.9.9.1", "kim")])).await;
    let again: Value = p
        .app
        .post(&format!("/api/rules/{}/run", rule["id"]), &p.app.admin_token, json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["updated_ticket_ids"], json!([id]), "{again}");
    assert_eq!(p.ticket(id).await["duplicate_count"], 2);
    let evidence: Value =
        p.app.get(&format!("/api/tickets/{id}/evidence"), &p.analyst).await.json().await.expect("json");
    assert_eq!(evidence["total"], 6, "five records, then the one new record");

    let stream = p.deny_rule(json!({"name": "Stream"})).await;
    let res = p.app.post(&format!("/api/rules/{}/run", stream["id"]), &p.app.admin_token, json!({})).await;
    assert_problem(res, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn two_schedulers_on_one_database_run_a_due_rule_once() {
    use sea_orm::{ConnectionTrait, Database};
    use socdesk_domain::rules::batch::run_due;
    let p = pipeline().await;
    let rule = batch_rule(&p, 1).await;
    p.ingest(json!([recent("z1", "10.8.8.8", "kim")])).await;
    let sql = format!("UPDATE rules SET next_run_at = '2020-01-01 00:00:00+00:00' WHERE id = {}", rule["id"]);
    p.app.db.execute_unprepared(&sql).await.expect("due");
    // Two processes: two connection pools on the same database, racing.
    let other = Database::connect(&p.app.database_url).await.expect("second connection");
    let now = chrono::Utc::now();
    let filing = socdesk_domain::rules::Filing {
        evidence_cap: 100,
        links: socdesk_domain::explanations::service::Links { public_url: "http://socdesk.test".into() },
    };
    let (a, b) = tokio::join!(run_due(&p.app.db, now, &filing), run_due(&other, now, &filing));
    let runs = a.expect("first scheduler").len() + b.expect("second scheduler").len();
    assert_eq!(runs, 1, "exactly one scheduler ran the due rule");
    let tickets: Value = p.app.get("/api/tickets", &p.analyst).await.json().await.expect("json");
    assert_eq!(tickets["total"], 1);
    let after: Value =
        p.app.get(&format!("/api/rules/{}", rule["id"]), &p.analyst).await.json().await.expect("json");
    assert!(after["next_run_at"].as_str().expect("next run") > now.to_rfc3339().as_str());
    assert!(after["last_run_at"].is_string());
    // Not due any more: nobody runs it again.
    assert_eq!(run_due(&other, chrono::Utc::now(), &filing).await.expect("run").len(), 0);
}

#[tokio::test]
async fn log_search_takes_keywords_expressions_periods_and_pages() {
    let p = pipeline().await;
    let records: Vec<Value> = (0..12)
        .map(|i| {
            json!({"_id": format!("q{i}"), "_time": format!("2026-11-22T10:{i:02}:00Z"),
                "src_ip": if i % 2 == 0 { "10.0.0.1" } else { "192.168.1.1" },
                "action": if i % 3 == 0 { "deny" } else { "allow" },
                "user": if i == 4 { "Bob Smith" } else { "kim" },
                "emp_key": if i < 6 { "E1" } else { "E2" }})
        })
        .collect();
    p.ingest(Value::Array(records)).await;
    let search = |body: Value| {
        let app = &p.app;
        let token = p.analyst.clone();
        async move { app.post("/api/logs/fw/search", &token, body).await }
    };
    let period = json!({"from": "2026-11-22T00:00:00Z", "to": "2026-11-23T00:00:00Z"});
    let with = |extra: Value| {
        let mut b = period.clone();
        b.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        b
    };
    let page: Value = search(with(json!({"query": "src_ip:10.0.0.0/8 AND NOT user:\"bob smith\""})))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 5, "{page}");
    assert_eq!(page["items"][0]["_id"], "q10", "newest first");
    let page: Value = search(with(json!({"keywords": "deny kim", "keyword_mode": "and"})))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 4);
    let page: Value = search(with(json!({"keywords": "smith q11", "keyword_mode": "or"})))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 2);
    let page: Value =
        search(with(json!({"emp_key": "E2", "query": "action:deny"}))).await.json().await.expect("json");
    assert_eq!(page["total"], 2);
    // Paging within max_records.
    let first: Value =
        search(with(json!({"max_records": 7, "page_size": 5}))).await.json().await.expect("json");
    assert_eq!(first["total"], 7);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(5));
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let second: Value = search(with(json!({"max_records": 7, "page_size": 5, "cursor": cursor})))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(second["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(second["items"][0]["_id"], "q6");
    // Outside the period: nothing.
    let none: Value = search(json!({"from": "2026-11-20T00:00:00Z", "to": "2026-11-21T00:00:00Z"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(none["total"], 0);
    // A malformed expression points at its column.
    let problem = assert_problem(
        search(with(json!({"query": "action:deny AND"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["query"]);
    assert!(problem["errors"][0]["message"].as_str().expect("message").contains("column 16"), "{problem}");
    let problem = assert_problem(
        search(json!({"max_records": 0, "page_size": 900})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["max_records", "page_size"]);
}

#[tokio::test]
async fn a_hand_made_ticket_has_an_empty_occurrence_timeline() {
    let p = pipeline().await;
    let t: Value = p
        .app
        .post(
            "/api/tickets",
            &p.app.admin_token,
            json!({"site_id": p.site, "kind": "analysis", "title": "Manual"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let occ: Value = p
        .app
        .get(&format!("/api/tickets/{}/occurrences", t["id"]), &p.analyst)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        occ,
        json!({"ticket_id": t["id"], "count": 0, "first_seen": null, "last_seen": null,
        "evidence_kept": 0, "timeline": []})
    );
    let other = p.app.site("Busan").await;
    let hidden: Value = p
        .app
        .post(
            "/api/tickets",
            &p.app.admin_token,
            json!({"site_id": other, "kind": "analysis", "title": "Elsewhere"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let res = p.app.get(&format!("/api/tickets/{}/occurrences", hidden["id"]), &p.analyst).await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
}
