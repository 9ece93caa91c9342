//! Scorecard 18: concurrent PATCHes with one `If-Match`.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Row, report, rounds};
use crate::helpers::spawn_app;

const WRITERS: usize = 16;

#[tokio::test]
async fn scorecard_18_one_of_sixteen_patches_with_the_same_if_match_wins() {
    let app = spawn_app().await;
    let admin = app.admin_token.clone();
    let site = app.site("HQ").await;
    let ticket: Value = app
        .post("/api/tickets", &admin, json!({"site_id": site, "kind": "analysis", "title": "Round 0"}))
        .await
        .json()
        .await
        .expect("json");
    let path = format!("{}/api/tickets/{}", app.address, ticket["id"]);
    let total = rounds(20, 1_000);
    let mut bad_rounds = Vec::new();
    let mut lost = 0;
    for round in 0..total {
        let current = app.client.get(&path).bearer_auth(&admin).send().await.expect("sent");
        let etag = current.headers().get("etag").and_then(|v| v.to_str().ok()).expect("etag").to_owned();
        let version: Value = current.json().await.expect("json");
        let answers = join_all((0..WRITERS).map(|w| {
            app.client
                .patch(&path)
                .bearer_auth(&admin)
                .header("If-Match", &etag)
                .json(&json!({"title": format!("Round {round} writer {w}")}))
                .send()
        }))
        .await;
        let mut winners = Vec::new();
        let mut others = Vec::new();
        for (w, answer) in answers.into_iter().enumerate() {
            let status = answer.expect("sent").status();
            match status {
                StatusCode::OK => winners.push(w),
                StatusCode::PRECONDITION_FAILED => {}
                s => others.push(s),
            }
        }
        let after: Value = app.get(&path[app.address.len()..], &admin).await.json().await.expect("json");
        let expected_title = winners.first().map(|w| format!("Round {round} writer {w}"));
        if after["version"].as_i64() != version["version"].as_i64().map(|v| v + 1)
            || expected_title.as_deref() != after["title"].as_str()
        {
            lost += 1;
        }
        if winners.len() != 1 || !others.is_empty() {
            bad_rounds.push(format!("round {round}: {} won, others {others:?}", winners.len()));
        }
    }
    report(Row {
        number: 18,
        test: "concurrent PATCHes with one If-Match",
        tried: format!("{WRITERS} PATCHes with the same If-Match, {total} rounds"),
        threshold: "exactly one wins each round; 0 lost updates",
        result: if bad_rounds.is_empty() && lost == 0 {
            format!(
                "one 200 and {} × 412 in each of {total} rounds; the winner's title stored, version +1 each round",
                WRITERS - 1
            )
        } else {
            format!("{} bad rounds ({}); {lost} lost updates", bad_rounds.len(), bad_rounds.join("; "))
        },
        pass: bad_rounds.is_empty() && lost == 0,
    });
}
