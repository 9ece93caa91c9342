//! Scorecard 5: the violator's token page under replay, racing submits, dead links and guessing.

use futures_util::future::join_all;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use socdesk_domain::entities::explanation;

use super::{Row, report};
use crate::explanations::{Desk, deadline, desk, public_upload, violator_token};

/// A new request for the violator; (id, the token of its mailed link).
async fn request(d: &Desk) -> (i64, String) {
    let res = d
        .app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(3)}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    (id, violator_token(&d.app).await)
}

/// Submits through the token page from `ip`.
async fn submit_from(d: &Desk, token: &str, ip: &str, text: &str) -> StatusCode {
    d.app
        .client
        .post(format!("{}/api/public/explanations/{token}/submit", d.app.address))
        .header("X-Forwarded-For", ip)
        .json(&json!({"explanation": text}))
        .send()
        .await
        .expect("sent")
        .status()
}

async fn open_from(d: &Desk, token: &str, ip: &str) -> StatusCode {
    d.app
        .client
        .get(format!("{}/api/public/explanations/{token}", d.app.address))
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .expect("sent")
        .status()
}

#[tokio::test]
async fn scorecard_05_a_link_submits_exactly_once_and_dead_or_guessed_links_get_nothing() {
    let d = desk().await;
    let mut problems = Vec::new();

    // 50 concurrent submits with one link, each from its own address: exactly one lands.
    let (_, token) = request(&d).await;
    let submits = join_all((0..50).map(|i| {
        let (d, token) = (&d, &token);
        async move { submit_from(d, token, &format!("198.18.0.{i}"), &format!("attempt {i}")).await }
    }))
    .await;
    let won = submits.iter().filter(|s| s.is_success()).count();
    if won != 1 {
        problems.push(format!("{won} of 50 concurrent submits succeeded: {submits:?}"));
    }

    // 100 replays of the used link, opening and submitting, from other addresses.
    let mut replay_ok = 0;
    for i in 0..50 {
        let ip = format!("198.18.1.{i}");
        replay_ok += usize::from(open_from(&d, &token, &ip).await.is_success());
        replay_ok += usize::from(submit_from(&d, &token, &ip, "replayed").await.is_success());
    }
    if replay_ok > 0 {
        problems.push(format!("{replay_ok} of 100 replays succeeded"));
    }

    // A revoked link.
    let (revoked_id, revoked) = request(&d).await;
    let res = d.app.post(&format!("/api/explanations/{revoked_id}/revoke-link"), &d.analyst, json!({})).await;
    assert!(res.status().is_success(), "revoke: {}", res.status());
    let answers =
        [open_from(&d, &revoked, "198.18.2.1").await, submit_from(&d, &revoked, "198.18.2.1", "late").await];
    if answers.iter().any(StatusCode::is_success) {
        problems.push(format!("a revoked link answered {answers:?}"));
    }

    // An expired link: asked 60 days ago with a deadline 30 days ago.
    let (expired_id, expired) = request(&d).await;
    let long_ago = chrono::Utc::now() - chrono::Duration::days(60);
    let row = explanation::Entity::find_by_id(expired_id).one(&d.app.db).await.expect("query").expect("row");
    let mut row: explanation::ActiveModel = row.into();
    row.created_at = Set(long_ago);
    row.token_issued_at = Set(Some(long_ago));
    row.deadline = Set(long_ago + chrono::Duration::days(30));
    row.update(&d.app.db).await.expect("backdated");
    let answers =
        [open_from(&d, &expired, "198.18.3.1").await, submit_from(&d, &expired, "198.18.3.1", "late").await];
    if answers.iter().any(StatusCode::is_success) {
        problems.push(format!("an expired link answered {answers:?}"));
    }

    // A link for another request: one request's token cannot reach another's attachment.
    let (_, first) = request(&d).await;
    let (_, second) = request(&d).await;
    let uploaded = public_upload(&d.app, &second, "proof.txt", b"mine".to_vec()).await;
    assert_eq!(uploaded.status(), StatusCode::CREATED, "upload through the second link");
    let file_id = uploaded.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let crossed = d
        .app
        .client
        .get(format!("{}/api/public/explanations/{first}/attachments/{file_id}", d.app.address))
        .send()
        .await
        .expect("sent")
        .status();
    if crossed != StatusCode::NOT_FOUND {
        problems.push(format!("another request's attachment through a link answered {crossed}"));
    }

    // Guessing from one address is throttled; the real link elsewhere still works.
    let mut guesses = Vec::new();
    for i in 0..30 {
        guesses.push(open_from(&d, &format!("guessed-token-{i:04}"), "198.18.4.1").await);
    }
    let throttled_from = guesses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS);
    if throttled_from.is_none() || guesses.iter().any(StatusCode::is_success) {
        problems.push(format!("30 guesses from one address: {guesses:?}"));
    }
    let real = open_from(&d, &first, "198.18.5.1").await;
    if !real.is_success() {
        problems.push(format!("a live link from another address answered {real}"));
    }

    report(Row {
        number: 5,
        test: "token page",
        tried: "50 concurrent submits with one link; 100 replays; revoked; expired; another request's attachment; 30 guesses from one address".into(),
        threshold: "exactly 1 success; the rest refused; guessing throttled per IP",
        result: if problems.is_empty() {
            format!(
                "1 of 50 submits succeeded; 0 of 100 replays; revoked, expired and crossed links refused; guessing 429 from attempt {}",
                throttled_from.map_or(0, |p| p + 1)
            )
        } else {
            problems.join("; ")
        },
        pass: problems.is_empty(),
    });
}
