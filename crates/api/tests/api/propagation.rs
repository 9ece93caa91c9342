//! Notification providers and ticket propagation, against stand-in webhooks on loopback.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{PASSWORD, TestApp, assert_problem, error_fields, spawn_app},
    stand_in::StandIn,
};

const TEMPLATE: &str = r##"{"to": "{{recipient.phone}}", "im": "{{recipient.messenger_id}}", "name": "{{recipient.name}}",
  "text": "#{{ticket.id}} [{{ticket.priority}}] {{ticket.title}}", "link": "{{ticket.url}}", "note": "{{message}}"}"##;

async fn allow_private(app: &TestApp, allow: bool) {
    let res =
        app.put("/api/settings", &app.admin_token, json!({"allow_private_network_targets": allow})).await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn provider(app: &TestApp, kind: &str, name: &str, url: &str, headers: Value) -> Value {
    let res = app
        .post(
            "/api/notification-providers",
            &app.admin_token,
            json!({"kind": kind, "name": name, "url": url, "headers": headers, "body_template": TEMPLATE}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    res.json().await.expect("json")
}

/// A site, an editor on it, and a ticket there.
struct Scene {
    app: TestApp,
    site: i64,
    editor: String,
    ticket: i64,
}

async fn scene(title: &str) -> Scene {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let (_, editor) = app.account_with("editor", &["TICKET_VIEW", "TICKET_EDIT"], &[site]).await;
    let res = app
        .post(
            "/api/tickets",
            &editor,
            json!({"site_id": site, "kind": "analysis", "title": title, "priority": "high"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    Scene { app, site, editor, ticket }
}

impl Scene {
    /// An account with the given contact fields, returning its id.
    async fn person(&self, login: &str, contact: Value) -> i64 {
        let mut body =
            json!({"login": login, "display_name": format!("Person {login}"), "password": PASSWORD});
        body.as_object_mut().expect("object").extend(contact.as_object().expect("object").clone());
        let res = self.app.post("/api/accounts", &self.app.admin_token, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    }

    async fn propagate(&self, body: Value) -> reqwest::Response {
        self.app.post(&format!("/api/tickets/{}/propagate", self.ticket), &self.editor, body).await
    }
}

fn channel<'a>(result: &'a Value, recipient: usize, channel: &str) -> &'a Value {
    result["results"][recipient]["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .find(|c| c["channel"] == channel)
        .expect("channel present")
}

#[tokio::test]
async fn header_values_are_masked_and_a_change_without_a_value_keeps_it() {
    let app = spawn_app().await;
    allow_private(&app, true).await;
    let hook = StandIn::start(|_| (200, "{}".into())).await;
    let created = provider(
        &app,
        "sms",
        "Text gateway",
        &hook.url,
        json!([{"name": "Authorization", "value": "Bearer s3cret-token"}]),
    )
    .await;
    let id = created["id"].as_i64().expect("id");
    for answer in [
        created.clone(),
        app.get(&format!("/api/notification-providers/{id}"), &app.admin_token)
            .await
            .json()
            .await
            .expect("json"),
        app.get("/api/notification-providers", &app.admin_token).await.json::<Value>().await.expect("json")
            [0]
        .clone(),
    ] {
        assert_eq!(answer["headers"][0]["name"], "Authorization");
        assert!(!answer.to_string().contains("s3cret"), "{answer}");
        assert_eq!(answer["method"], "POST");
    }

    // The value is left out: the stored one stays, and a new header is added beside it.
    let res = app
        .patch(
            &format!("/api/notification-providers/{id}"),
            &app.admin_token,
            json!({"headers": [{"name": "Authorization"}, {"name": "X-Team", "value": "soc"}], "name": "Gateway"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("/api/notification-providers/{id}/test"),
            &app.admin_token,
            json!({"recipient": {"name": "Kim", "phone": "+82-10-1234-5678"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let outcome: Value = res.json().await.expect("json");
    assert_eq!(outcome["outcome"], "sent", "{outcome}");
    assert_eq!(outcome["http_status"], 200);
    let seen = hook.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].header("authorization"), Some("Bearer s3cret-token"));
    assert_eq!(seen[0].header("x-team"), Some("soc"));
    assert_eq!(seen[0].json()["to"], "+82-10-1234-5678");

    // The audit log names the headers, never their values.
    let audit: Value = app.get("/api/audit-log", &app.admin_token).await.json().await.expect("json");
    assert!(audit.to_string().contains("notification_provider.update"));
    assert!(!audit.to_string().contains("s3cret"));
}

#[tokio::test]
async fn a_provider_with_a_bad_template_url_or_header_is_refused_naming_each_field() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/notification-providers",
            &app.admin_token,
            json!({"kind": "sms", "name": "", "url": "ftp://example.com/", "headers": [{"name": "X-New"}],
                   "body_template": "{\"n\": {{ticket.id}}}"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["name", "url", "body_template", "headers[0].value"]);
    let res = app
        .post(
            "/api/notification-providers",
            &app.admin_token,
            json!({"kind": "sms", "name": "x", "url": "https://sms.example.com/send",
                   "body_template": "{\"text\": \"{{ticket.secret}}\"}"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["body_template"]);
    assert!(problem.to_string().contains("ticket.secret"), "{problem}");
    // Only administrators manage providers.
    let (_, analyst) = app.account_with("analyst", &["TICKET_VIEW", "TICKET_EDIT"], &[]).await;
    assert_problem(app.get("/api/notification-providers", &analyst).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn each_recipient_and_channel_gets_its_own_result_and_one_failing_provider_spares_the_others() {
    let s = scene("Port scan").await;
    allow_private(&s.app, true).await;
    let good = StandIn::start(|_| (200, "{\"ok\":true}".into())).await;
    let broken = StandIn::start(|_| (500, "{}".into())).await;
    provider(&s.app, "sms", "Good SMS", &good.url, json!([])).await;
    provider(&s.app, "sms", "Broken SMS", &broken.url, json!([])).await;
    provider(&s.app, "messenger", "Chat", &good.url, json!([])).await;
    let both = s.person("both", json!({"phone": "010-1111-2222", "messenger_id": "@both"})).await;
    let no_phone = s.person("nophone", json!({"messenger_id": "@nophone"})).await;
    // An employee is reached through the account linked to them.
    let res = s
        .app
        .post(
            "/api/employees",
            &s.app.admin_token,
            json!({"id": "E7", "name": "Lee", "email": "lee@example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    s.person("lee", json!({"phone": "010-7777-7777", "employee_id": "E7"})).await;

    let res = s
        .propagate(json!({
            "recipients": [{"kind": "account", "id": both}, {"kind": "account", "id": no_phone},
                           {"kind": "employee", "id": "E7"}],
            "channels": ["sms", "messenger"],
            "message": "Please look at this now",
        }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let result: Value = res.json().await.expect("json");

    let sms = channel(&result, 0, "sms");
    assert_eq!(sms["outcome"], "sent", "{result}");
    assert_eq!(sms["http_status"], 200);
    let deliveries = sms["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), 2);
    let broken_one = deliveries.iter().find(|d| d["provider"] == "Broken SMS").expect("broken");
    assert_eq!(broken_one["outcome"], "failed");
    assert_eq!(broken_one["http_status"], 500);
    assert_eq!(broken_one["reason"], "HTTP 500");
    assert_eq!(channel(&result, 0, "messenger")["outcome"], "sent");

    let sms = channel(&result, 1, "sms");
    assert_eq!(sms["outcome"], "failed");
    assert_eq!(sms["reason"], "recipient has no phone number");
    assert_eq!(channel(&result, 1, "messenger")["outcome"], "sent");

    assert_eq!(result["results"][2]["name"], "Lee");
    assert_eq!(channel(&result, 2, "sms")["outcome"], "sent");
    assert_eq!(channel(&result, 2, "messenger")["reason"], "recipient has no messenger id");

    // Good got 2 SMS + 2 messenger messages, Broken the 2 SMS.
    assert_eq!(good.count(), 4);
    assert_eq!(broken.count(), 2);
    let lee = good.seen().into_iter().map(|r| r.json()).find(|b| b["name"] == "Lee").expect("Lee's message");
    assert_eq!(lee["to"], "010-7777-7777");
    assert_eq!(lee["note"], "Please look at this now");
    assert_eq!(lee["link"], format!("http://socdesk.test/tickets?ticket={}", s.ticket));

    // One history entry says who got what.
    let history: Vec<Value> =
        s.app.get(&format!("/api/tickets/{}/history", s.ticket), &s.editor).await.json().await.expect("json");
    let entries: Vec<&Value> = history.iter().filter(|h| h["field"] == "propagation").collect();
    assert_eq!(entries.len(), 1);
    let text = entries[0]["new_value"].as_str().expect("summary");
    assert!(text.contains("Person both (account "), "{text}");
    assert!(text.contains("sms failed (recipient has no phone number)"), "{text}");
    assert_eq!(entries[0]["comment"], "Please look at this now");
    let audit: Value = s
        .app
        .get("/api/audit-log?action=ticket.propagate", &s.app.admin_token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_channel_without_a_provider_fails_saying_so() {
    let s = scene("Quiet").await;
    let person = s.person("p", json!({"phone": "010", "messenger_id": "@p"})).await;
    let res = s
        .propagate(json!({"recipients": [{"kind": "account", "id": person}], "channels": ["messenger"]}))
        .await;
    let result: Value = res.json().await.expect("json");
    assert_eq!(channel(&result, 0, "messenger")["reason"], "no enabled messenger provider");
}

#[tokio::test]
async fn with_private_targets_refused_a_loopback_provider_is_not_called_and_says_why() {
    let s = scene("Refused").await;
    let hook = StandIn::start(|_| (200, "{}".into())).await;
    let created = provider(&s.app, "sms", "Local", &hook.url, json!([])).await;
    let person = s.person("p", json!({"phone": "010-1"})).await;
    let res =
        s.propagate(json!({"recipients": [{"kind": "account", "id": person}], "channels": ["sms"]})).await;
    let result: Value = res.json().await.expect("json");
    let sms = channel(&result, 0, "sms");
    assert_eq!(sms["outcome"], "failed");
    let reason = sms["deliveries"][0]["reason"].as_str().expect("reason");
    assert!(reason.contains("127.0.0.1 is not a public address"), "{reason}");
    // The test button says the same.
    let outcome: Value = s
        .app
        .post(
            &format!("/api/notification-providers/{}/test", created["id"]),
            &s.app.admin_token,
            json!({"recipient": {"phone": "010-1"}}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(outcome["outcome"], "failed");
    assert!(outcome["reason"].as_str().is_some_and(|r| r.contains("not a public address")), "{outcome}");
    assert_eq!(hook.count(), 0, "the stand-in got nothing");
}

#[tokio::test]
async fn a_title_with_quotes_and_a_message_with_newlines_arrive_as_valid_json() {
    // Titles are one line; the message carries the newlines.
    let title = "Beacon to \"evil\" \\ host {{message}}";
    let s = scene(title).await;
    allow_private(&s.app, true).await;
    let hook = StandIn::start(|_| (202, "{}".into())).await;
    provider(&s.app, "messenger", "Chat", &hook.url, json!([])).await;
    let person = s.person("p", json!({"messenger_id": "U\"1"})).await;
    let message = "line one\nline \"two\"\t\\ end";
    let res = s
        .propagate(json!({"recipients": [{"kind": "account", "id": person}], "channels": ["messenger"],
                          "message": message}))
        .await;
    let result: Value = res.json().await.expect("json");
    assert_eq!(channel(&result, 0, "messenger")["http_status"], 202);
    let body = hook.seen()[0].json();
    // A placeholder inside a value is not filled again.
    assert_eq!(body["text"], format!("#{} [high] {title}", s.ticket));
    assert_eq!(body["im"], "U\"1");
    assert_eq!(body["note"], message);
}

#[tokio::test]
async fn without_a_message_the_message_is_a_summary_of_the_ticket_with_its_link() {
    let s = scene("Port scan").await;
    allow_private(&s.app, true).await;
    let hook = StandIn::start(|_| (200, "{}".into())).await;
    provider(&s.app, "sms", "SMS", &hook.url, json!([])).await;
    let person = s.person("p", json!({"phone": "010"})).await;
    s.propagate(json!({"recipients": [{"kind": "account", "id": person}], "channels": ["sms"]})).await;
    let note = hook.seen()[0].json()["note"].as_str().expect("note").to_owned();
    assert_eq!(
        note,
        format!("[socdesk] ticket #{0} (high): Port scan http://socdesk.test/tickets?ticket={0}", s.ticket)
    );
}

#[tokio::test]
async fn propagating_needs_ticket_edit_the_tickets_site_and_valid_recipients() {
    let s = scene("Scoped").await;
    let person = s.person("p", json!({"phone": "010"})).await;
    let body = json!({"recipients": [{"kind": "account", "id": person}], "channels": ["sms"]});
    let (_, viewer) = s.app.account_with("viewer", &["TICKET_VIEW"], &[s.site]).await;
    let path = format!("/api/tickets/{}/propagate", s.ticket);
    assert_problem(s.app.post(&path, &viewer, body.clone()).await, StatusCode::FORBIDDEN).await;
    let other = s.app.site("Busan").await;
    let (_, outsider) = s.app.account_with("outsider", &["TICKET_VIEW", "TICKET_EDIT"], &[other]).await;
    assert_problem(s.app.post(&path, &outsider, body).await, StatusCode::NOT_FOUND).await;
    let res = s
        .propagate(json!({"recipients": [{"kind": "account", "id": 9999}, {"kind": "employee", "id": "nobody"},
                                          {"kind": "account", "id": person}, {"kind": "account", "id": person}],
                          "channels": []}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["channels", "recipients[0].id", "recipients[1].id", "recipients[3]"]);
}
