//! Scorecard 12: header injection in mails. CR/LF and header text in the names, subjects and
//! addresses that reach a mail; what arrives at a real SMTP server (aiosmtpd) is read header by
//! header, envelope included.

use reqwest::StatusCode;
use serde_json::{Value, json};

use chrono::Utc;
use socdesk_domain::mail::outbox::{self, NewMail};
use socdesk_types::mail::MailKind;

use super::{Row, report};
use crate::{explanations::deadline, smtp::SmtpSink};

const EVIL: &str = "evil@attacker.example";

/// The header lines of a raw message, continuation lines joined to the line they continue.
fn header_lines(message: &str) -> Vec<String> {
    let head = message.split("\n\n").next().unwrap_or_default().replace("\r\n", "\n");
    let mut lines: Vec<String> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = lines.last_mut() {
                last.push_str(line);
            }
        } else {
            lines.push(line.to_owned());
        }
    }
    lines
}

#[tokio::test]
async fn scorecard_12_no_name_subject_or_address_adds_a_mail_header() {
    let mut sink = SmtpSink::stopped();
    sink.start().await;
    let mut settings = crate::helpers::test_settings().await;
    settings.smtp_url = Some(socdesk_api::settings::Secret::new(sink.url()));
    let d = crate::explanations::desk_with(settings).await;
    let app = &d.app;
    let admin = app.admin_token.clone();
    let injected = format!("\r\nBcc: {EVIL}\r\nX-Injected: 1\r\n");
    let mut tried = 0;
    let mut refused = 0;

    // Addresses that try to add a recipient are refused outright.
    for email in [
        format!("v2@example.com{injected}"),
        format!("v2@example.com>, <{EVIL}"),
        format!("v2@example.com\nBcc: {EVIL}"),
        "\"v2\r\n\"@example.com".to_owned(),
    ] {
        tried += 1;
        let body = json!({"id": format!("X{tried}"), "name": "Addr", "email": email});
        if app.post("/api/employees", &admin, body).await.status() == StatusCode::UNPROCESSABLE_ENTITY {
            refused += 1;
        }
    }
    // A subject template with a line break is refused too.
    tried += 1;
    let template = json!({"subject": format!("Explain {{category}}{injected}"), "body": "<p>{link}</p>"});
    if app.put("/api/mail-templates/request/en", &admin, template).await.status()
        == StatusCode::UNPROCESSABLE_ENTITY
    {
        refused += 1;
    }

    // Names go into subjects: whatever they hold, accepted or not, nothing may become a header.
    let mut mailed = 0;
    for (i, name) in
        [format!("Vic{injected}"), format!("Vic\nBcc: {EVIL}"), format!("=?utf-8?q?Vic=0D=0ABcc:_{EVIL}?=")]
            .into_iter()
            .enumerate()
    {
        tried += 1;
        let id = format!("N{i}");
        let employee = json!({"id": id, "name": name, "email": format!("n{i}@example.com")});
        let created = app.post("/api/employees", &admin, employee).await.status();
        let category: Value = app
            .post("/api/explanation-categories", &admin, json!({"name": format!("Leak {i}{injected}")}))
            .await
            .json()
            .await
            .expect("json");
        let category = category["id"].as_i64().unwrap_or(d.category);
        if created != StatusCode::CREATED {
            refused += 1;
            continue;
        }
        let request =
            json!({"violator_id": id, "manager_id": "M1", "category_id": category, "deadline": deadline(3)});
        let res = app.post("/api/explanations", &d.analyst, request).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        mailed += 1;
    }

    // Behind the validation, the mailer itself: subjects written straight into the outbox.
    for subject in [format!("Hello{injected}"), format!("Hello\nBcc: {EVIL}"), format!("Hello\rBcc: {EVIL}")]
    {
        tried += 1;
        let mail = NewMail {
            kind: MailKind::Request,
            recipient: "direct@example.com".into(),
            subject,
            body: format!("<p>body</p>{injected}"),
            explanation_id: None,
        };
        outbox::enqueue(&app.db, mail, Utc::now()).await.expect("enqueued");
        mailed += 1;
    }

    let messages = if mailed > 0 { sink.wait_for(mailed, 30).await } else { Vec::new() };
    let mut injections = Vec::new();
    for message in &messages {
        for line in header_lines(message) {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("bcc:") || lower.starts_with("x-injected:") || lower.starts_with("cc:") {
                injections.push(line.clone());
            }
            if lower.starts_with("x-rcptto:") && lower.contains(EVIL) {
                injections.push(format!("envelope {line}"));
            }
        }
    }

    let pass = injections.is_empty() && messages.len() == mailed;
    report(Row {
        number: 12,
        test: "mail header injection",
        tried: format!(
            "{tried} CR/LF and header payloads: 4 addresses, a subject template, 3 employee names and 3 category names \
             that request mails' subjects carry, 3 subjects written straight into the outbox; {} mails read at \
             aiosmtpd, header by header, envelope included",
            messages.len()
        ),
        threshold: "0 injected headers at the SMTP sink",
        result: if pass {
            format!(
                "{refused} payloads refused with 422, the rest encoded by the mailer; 0 injected headers or recipients in {} mails",
                messages.len()
            )
        } else {
            format!("{} mails of {mailed}; injected: {injections:?}", messages.len())
        },
        pass,
    });
}
