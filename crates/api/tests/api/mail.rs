//! Mail templates, global options for explanations, and the outbox delivering to a real SMTP
//! server (aiosmtpd on loopback), including while that server is down for a while.

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{Value, json};
use socdesk_domain::mail::outbox::{self, NewMail};
use socdesk_types::mail::MailKind;

use crate::{
    helpers::{assert_problem, error_fields, spawn_app, spawn_app_with, test_settings},
    smtp::SmtpSink,
};

#[tokio::test]
async fn every_template_exists_in_korean_and_english_and_can_be_changed_previewed_and_reset() {
    let app = spawn_app().await;
    let all: Vec<Value> = app.get("/api/mail-templates", &app.admin_token).await.json().await.expect("json");
    assert_eq!(all.len(), 10, "5 kinds × 2 languages");
    assert!(all.iter().all(|t| t["customized"] == false));
    let ko = app.get("/api/mail-templates/request/ko", &app.admin_token).await;
    assert_eq!(ko.status(), StatusCode::OK);
    let ko: Value = ko.json().await.expect("json");
    assert!(ko["subject"].as_str().is_some_and(|s| s.contains("소명")), "{ko}");
    assert!(ko["placeholders"].as_array().is_some_and(|p| p.contains(&json!("link"))));

    let res = app
        .put(
            "/api/mail-templates/request/en",
            &app.admin_token,
            json!({"subject": "Explain {category}", "body": "<p>Hi {employee_name}: <a href=\"{link}\">write</a></p>"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let saved: Value = res.json().await.expect("json");
    assert_eq!(saved["customized"], true);

    // The preview fills the stored template with sample values, escaped for HTML.
    let preview: Value = app
        .post("/api/mail-templates/preview", &app.admin_token, json!({"kind": "request", "language": "en"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(preview["subject"], "Explain Data leakage");
    assert!(preview["body"].as_str().is_some_and(|b| b.starts_with("<p>Hi Hong Gildong")), "{preview}");
    // An edit can be previewed before it is saved; values never inject markup.
    let preview: Value = app
        .post(
            "/api/mail-templates/preview",
            &app.admin_token,
            json!({"kind": "request", "language": "en", "body": "{message}"}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(preview["body"].as_str().is_some_and(|b| b.contains("&lt;customer.xlsx&gt;")), "{preview}");

    let reset: Value =
        app.delete("/api/mail-templates/request/en", &app.admin_token).await.json().await.expect("json");
    assert_eq!(reset["customized"], false);
    assert!(reset["subject"].as_str().is_some_and(|s| s.contains("Explanation requested")));
}

#[tokio::test]
async fn bad_templates_are_refused_naming_the_field_and_only_admins_touch_them() {
    let app = spawn_app().await;
    let res = app
        .put(
            "/api/mail-templates/review_request/en",
            &app.admin_token,
            json!({"subject": "Hi\r\nBcc: x@example.com", "body": "{unknown_thing}"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields = error_fields(&problem);
    assert!(fields.contains(&"subject".to_owned()) && fields.contains(&"body".to_owned()), "{problem}");
    let res = app
        .put("/api/mail-templates/request/en", &app.admin_token, json!({"subject": "x {link", "body": ""}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem.to_string().contains("never closed"), "{problem}");

    assert_problem(app.get("/api/mail-templates/nonsense/en", &app.admin_token).await, StatusCode::NOT_FOUND)
        .await;
    assert_problem(app.get("/api/mail-templates/request/fr", &app.admin_token).await, StatusCode::NOT_FOUND)
        .await;

    let (_, analyst) = app.account_with("analyst", &["TICKET_EDIT", "EXPLANATION_AUDIT"], &[]).await;
    assert_problem(app.get("/api/mail-templates", &analyst).await, StatusCode::FORBIDDEN).await;
    assert_problem(app.get("/api/outbox", &analyst).await, StatusCode::FORBIDDEN).await;
    let res = app.put("/api/mail-templates/request/en", &analyst, json!({"subject": "x", "body": "y"})).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn explanation_options_are_global_settings_with_checked_ranges() {
    let app = spawn_app().await;
    let options: Value = app.get("/api/settings", &app.admin_token).await.json().await.expect("json");
    assert_eq!(options["explanation_token_expiry"], Value::Null);
    assert_eq!(options["explanation_reminder_days"], 1);
    assert_eq!(options["default_language"], "en");

    let res = app
        .put(
            "/api/settings",
            &app.admin_token,
            json!({"explanation_token_expiry": 10, "explanation_reminder_days": 2, "default_language": "ko"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let options: Value = res.json().await.expect("json");
    assert_eq!(options["explanation_token_expiry"], 10);
    assert_eq!(options["explanation_reminder_days"], 2);
    assert_eq!(options["default_language"], "ko");
    assert_eq!(options["separation_of_duties"], true, "options not sent stay as they were");
    assert_eq!(options["allow_private_network_targets"], false, "private targets are refused by default");
    let options: Value = app
        .put("/api/settings", &app.admin_token, json!({"allow_private_network_targets": true}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(options["allow_private_network_targets"], true);
    assert_eq!(options["default_language"], "ko");

    let options: Value = app
        .put("/api/settings", &app.admin_token, json!({"explanation_token_expiry": null}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(options["explanation_token_expiry"], Value::Null, "null turns it off");
    assert_eq!(options["explanation_reminder_days"], 2);

    let res = app
        .put(
            "/api/settings",
            &app.admin_token,
            json!({"explanation_token_expiry": 0, "explanation_reminder_days": 400}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields = error_fields(&problem);
    assert!(fields.contains(&"explanation_token_expiry".to_owned()), "{problem}");
    assert!(fields.contains(&"explanation_reminder_days".to_owned()), "{problem}");
}

fn mail(to: &str, subject: &str) -> NewMail {
    NewMail {
        kind: MailKind::Request,
        recipient: to.to_owned(),
        subject: subject.to_owned(),
        body: "<p>Please explain.</p>".to_owned(),
        explanation_id: None,
    }
}

#[tokio::test]
async fn without_smtp_mail_waits_in_the_outbox_for_admins_to_see() {
    let app = spawn_app().await;
    outbox::enqueue(&app.db, mail("kim@example.com", "First"), Utc::now()).await.expect("enqueued");
    outbox::enqueue(&app.db, mail("lee@example.com", "Second"), Utc::now()).await.expect("enqueued");
    let page: Value = app.get("/api/outbox?limit=1", &app.admin_token).await.json().await.expect("json");
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["subject"], "Second", "newest first");
    assert_eq!(page["items"][0]["status"], "pending");
    assert_eq!(page["items"][0]["attempts"], 0);
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let page: Value = app
        .get(&format!("/api/outbox?limit=1&cursor={cursor}"), &app.admin_token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["items"][0]["subject"], "First");
    assert_eq!(page["next_cursor"], Value::Null);
    let sent: Value = app.get("/api/outbox?status=sent", &app.admin_token).await.json().await.expect("json");
    assert_eq!(sent["total"], 0);
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_server_and_survives_it_being_down() {
    let mut sink = SmtpSink::stopped();
    let mut settings = test_settings().await;
    settings.smtp_url = Some(socdesk_api::settings::Secret::new(sink.url()));
    let app = spawn_app_with(settings).await;

    // The server is down: the mail is tried, fails, and waits with its error recorded.
    outbox::enqueue(&app.db, mail("kim@example.com", "While down"), Utc::now()).await.expect("enqueued");
    let mut tried = Value::Null;
    for _ in 0..50 {
        tried = app.get("/api/outbox", &app.admin_token).await.json().await.expect("json");
        if tried["items"][0]["attempts"].as_i64().unwrap_or(0) >= 1
            && tried["items"][0]["last_error"].is_string()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(tried["items"][0]["status"], "pending", "{tried}");
    assert!(tried["items"][0]["last_error"].as_str().is_some_and(|e| e.contains("SMTP")), "{tried}");

    // It comes back: the waiting mail and a new one both arrive, each exactly once.
    sink.start().await;
    outbox::enqueue(&app.db, mail("lee@example.com", "After"), Utc::now()).await.expect("enqueued");
    let got = sink.wait_for(2, 30).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let got_later = sink.messages();
    assert_eq!(got_later.len(), 2, "no mail delivered twice");
    let all = got.join("\n");
    assert!(all.contains("Subject: While down") && all.contains("Subject: After"), "{all}");
    assert!(
        all.contains("To: kim@example.com") && all.contains("From: socdesk <socdesk@test.example>"),
        "{all}"
    );
    let sent: Value = app.get("/api/outbox?status=sent", &app.admin_token).await.json().await.expect("json");
    assert_eq!(sent["total"], 2);
    assert_eq!(sent["items"][0]["last_error"], Value::Null);
    assert!(sent["items"][0]["sent_at"].is_string());
}

/// The body of a raw message with quoted-printable soft breaks and `=3D` undone (enough to read
/// a link back).
fn readable(raw: &str) -> String {
    raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
}

#[tokio::test]
async fn the_violator_follows_the_mailed_link_and_the_manager_is_mailed_over_smtp() {
    let mut sink = SmtpSink::stopped();
    sink.start().await;
    let mut settings = test_settings().await;
    settings.smtp_url = Some(socdesk_api::settings::Secret::new(sink.url()));
    let d = crate::explanations::desk_with(settings).await;
    let app = &d.app;
    let res = app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "V1", "category_id": d.category,
                "deadline": crate::explanations::deadline(3), "message": "Why?"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let got = readable(&sink.wait_for(1, 30).await.join("\n"));
    assert!(got.contains("To: v1@example.com"), "{got}");
    let start =
        got.find("http://socdesk.test/explain/").expect("a link") + "http://socdesk.test/explain/".len();
    let token: String =
        got[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    assert_eq!(crate::explanations::public(app, &token).await.status(), StatusCode::OK);
    let res = crate::explanations::submit(app, &token, "It was a test.").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let all = sink.wait_for(2, 30).await;
    let to_manager = all.iter().find(|m| m.contains("To: m1@example.com")).expect("the manager's mail");
    let to_manager = readable(to_manager);
    assert!(to_manager.contains("Subject: [socdesk] Explanation to review"), "{to_manager}");
    assert!(to_manager.contains("/explanations/"), "{to_manager}");
}
