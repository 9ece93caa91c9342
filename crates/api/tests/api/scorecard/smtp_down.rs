//! Scorecard 14: the SMTP server down while mail piles up. 1,000 mails (50 in CI) go into the
//! outbox while aiosmtpd is stopped for 5 minutes (5 s in CI), with explanation requests made
//! through the API meanwhile; then it starts again and every mail must arrive exactly once.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use chrono::Utc;
use serde_json::{Value, json};
use socdesk_domain::mail::outbox::{self, NewMail};
use socdesk_types::mail::MailKind;

use super::{Row, full, report};
use crate::{explanations::deadline, smtp::SmtpSink};

#[tokio::test]
async fn scorecard_14_mail_survives_the_smtp_server_being_down() {
    let (mails, down) = if full() { (1000, Duration::from_secs(300)) } else { (50, Duration::from_secs(5)) };
    let mut sink = SmtpSink::stopped();
    let mut settings = crate::helpers::test_settings().await;
    settings.smtp_url = Some(socdesk_api::settings::Secret::new(sink.url()));
    let d = crate::explanations::desk_with(settings).await;
    let app = &d.app;

    // The server is down: mail piles up, and the API goes on answering.
    let went_down = Instant::now();
    for i in 0..mails {
        let mail = NewMail {
            kind: MailKind::Request,
            recipient: format!("person{i}@example.com"),
            subject: format!("Mail {i}"),
            body: "<p>Please explain.</p>".into(),
            explanation_id: None,
        };
        outbox::enqueue(&app.db, mail, Utc::now()).await.expect("enqueued");
    }
    let mut api_answers = Vec::new();
    let mut requested = 0;
    while went_down.elapsed() < down {
        let request = json!({"violator_id": "V1", "manager_id": "M1", "category_id": d.category, "deadline": deadline(3)});
        let res = app.post("/api/explanations", &d.analyst, request).await;
        api_answers.push(res.status().as_u16());
        requested += usize::from(res.status().is_success());
        api_answers.push(app.get("/api/outbox", &app.admin_token).await.status().as_u16());
        tokio::time::sleep(Duration::from_millis(if full() { 5000 } else { 500 })).await;
    }
    let outbox: Value = app.get("/api/outbox", &app.admin_token).await.json().await.expect("outbox");
    let waiting_with_errors = outbox["items"]
        .as_array()
        .map_or(0, |items| items.iter().filter(|m| m["last_error"].is_string()).count());

    // Back: everything arrives, once.
    sink.start().await;
    let back = Instant::now();
    let expected = mails + requested;
    let patience = if full() { 600 } else { 120 };
    let mut messages = sink.messages();
    while messages.len() < expected && back.elapsed() < Duration::from_secs(patience) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        messages = sink.messages();
    }
    let delivered_in = back.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages_later = sink.messages();
    let mut subjects: HashMap<String, usize> = HashMap::new();
    for message in &messages_later {
        let subject =
            message.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap_or_default().trim().to_owned();
        *subjects.entry(subject).or_default() += 1;
    }
    let twice = (0..mails).filter(|i| subjects.get(&format!("Mail {i}")).copied().unwrap_or(0) != 1).count();
    let api_bad: Vec<u16> = api_answers.iter().copied().filter(|s| !(200..300).contains(s)).collect();

    let pass =
        messages.len() >= expected && messages_later.len() == expected && twice == 0 && api_bad.is_empty();
    report(Row {
        number: 14,
        test: "SMTP server down",
        tried: format!(
            "aiosmtpd stopped for {} s with {mails} mails in the outbox and {requested} explanation requests (each mailing) \
             made through the API meanwhile; then started again",
            down.as_secs()
        ),
        threshold: "all delivered after recovery, none twice, API stays 2xx",
        result: if pass {
            format!(
                "{expected} of {expected} delivered {:.0} s after recovery, each once; {waiting_with_errors} showed their \
                 SMTP error while waiting; {} API answers all 2xx",
                delivered_in.as_secs_f64(),
                api_answers.len()
            )
        } else {
            format!(
                "{} delivered (then {}) of {expected}; {twice} not exactly once; non-2xx API answers {api_bad:?}",
                messages.len(),
                messages_later.len()
            )
        },
        pass,
    });
}
