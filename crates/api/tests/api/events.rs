//! `GET /api/events`: changes reach the streams of those who may see them, and only them.

use std::time::Duration;

use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::{
    explanations::{deadline, desk},
    helpers::{TestApp, assert_problem},
};

/// An open event stream, read frame by frame.
pub(crate) struct Events {
    res: reqwest::Response,
    buffer: String,
}

impl Events {
    pub(crate) async fn open(app: &TestApp, token: &str) -> Events {
        Events::open_at(&app.client, &app.address, token).await
    }

    pub(crate) async fn open_at(client: &reqwest::Client, address: &str, token: &str) -> Events {
        let res =
            client.get(format!("{address}/api/events")).bearer_auth(token).send().await.expect("connected");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/event-stream");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
        let mut events = Events { res, buffer: String::new() };
        assert_eq!(events.next().await.map(|(e, _)| e).as_deref(), Some("ready"));
        events
    }

    /// The next event (comments skipped) within five seconds, as (event, data).
    pub(crate) async fn next(&mut self) -> Option<(String, Value)> {
        self.next_within(Duration::from_secs(5)).await
    }

    /// The next event within `wait`; none when the wait is over or the stream has ended.
    pub(crate) async fn next_within(&mut self, wait: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut event = None;
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        event = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if let Some(event) = event {
                    return Some((event, serde_json::from_str(&data).expect("JSON data")));
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }

    /// Ids of `kind` events until one holds `id` (which must come within five seconds).
    pub(crate) async fn until(&mut self, kind: &str, id: &Value) -> Vec<(String, Value)> {
        let mut seen = Vec::new();
        loop {
            let Some((event, data)) = self.next().await else {
                panic!("no {kind} event for {id}; saw {seen:?}");
            };
            let found = event == kind && data["ids"].as_array().is_some_and(|ids| ids.contains(id));
            seen.push((event, data));
            if found {
                return seen;
            }
        }
    }
}

fn ids(seen: &[(String, Value)], kind: &str) -> Vec<i64> {
    seen.iter()
        .filter(|(e, _)| e == kind)
        .flat_map(|(_, d)| d["ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_i64())
        .collect()
}

#[tokio::test]
async fn ticket_changes_reach_the_streams_of_their_site_only() {
    let app = crate::helpers::spawn_app().await;
    let (seoul, busan) = (app.site("Seoul").await, app.site("Busan").await);
    let (_, seoul_analyst) = app.account_with("seoul", &["TICKET_VIEW", "TICKET_EDIT"], &[seoul]).await;
    let (_, busan_analyst) = app.account_with("busan", &["TICKET_VIEW"], &[busan]).await;
    let mut admin = Events::open(&app, &app.admin_token).await;
    let mut in_seoul = Events::open(&app, &seoul_analyst).await;
    let mut in_busan = Events::open(&app, &busan_analyst).await;

    let create = |site: i64, title: &str| {
        app.post(
            "/api/tickets",
            &app.admin_token,
            json!({"site_id": site, "kind": "analysis", "title": title}),
        )
    };
    let seoul_ticket: Value = create(seoul, "port scan").await.json().await.expect("json");
    let busan_ticket: Value = create(busan, "phishing").await.json().await.expect("json");

    let admin_saw = admin.until("tickets", &busan_ticket["id"]).await;
    assert!(ids(&admin_saw, "tickets").contains(&seoul_ticket["id"].as_i64().expect("id")));
    in_seoul.until("tickets", &seoul_ticket["id"]).await;
    // Busan's stream announces Busan's ticket, and never Seoul's (created first).
    let busan_saw = in_busan.until("tickets", &busan_ticket["id"]).await;
    assert_eq!(ids(&busan_saw, "tickets"), [busan_ticket["id"].as_i64().expect("id")]);

    // Changes made in bulk are announced too, in one go or a few.
    let mut all = vec![seoul_ticket["id"].clone()];
    for i in 0..5 {
        let t: Value = create(seoul, &format!("t{i}")).await.json().await.expect("json");
        all.push(t["id"].clone());
    }
    let newest = all.last().expect("tickets").clone();
    in_seoul.until("tickets", &newest).await;
    let res = app
        .post("/api/tickets/bulk", &seoul_analyst, json!({"ids": all, "action": "close", "comment": "noise"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut closed: Vec<i64> = Vec::new();
    while closed.len() < all.len() {
        let (event, data) = in_seoul.next().await.expect("the bulk close is announced");
        assert_eq!(event, "tickets");
        closed.extend(data["ids"].as_array().expect("ids").iter().filter_map(Value::as_i64));
        closed.sort_unstable();
        closed.dedup();
    }
    assert!(all.iter().all(|id| closed.contains(&id.as_i64().expect("id"))));
    // Nothing of Seoul's reached Busan meanwhile: the next thing Busan hears is its own ticket.
    let later: Value = create(busan, "later").await.json().await.expect("json");
    let busan_saw = in_busan.until("tickets", &later["id"]).await;
    assert_eq!(ids(&busan_saw, "tickets"), [later["id"].as_i64().expect("id")]);
}

#[tokio::test]
async fn explanation_changes_reach_their_readers_only() {
    let d = desk().await;
    let app = &d.app;
    let (_, stranger) = app.account_with("stranger", &["TICKET_VIEW"], &[]).await;
    let mut manager = Events::open(app, &d.manager).await;
    let mut auditor = Events::open(app, &d.auditor).await;
    let mut analyst = Events::open(app, &d.analyst).await;
    let mut outsider = Events::open(app, &stranger).await;

    let created: Value = app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(2)}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = created["id"].clone();
    manager.until("explanations", &id).await;
    analyst.until("explanations", &id).await;
    // The auditor named on none of it, and the account with no explanation rights, hear nothing.
    assert!(auditor.next_within(Duration::from_millis(1500)).await.is_none());
    assert!(outsider.next_within(Duration::from_millis(100)).await.is_none());
}

#[tokio::test]
async fn the_stream_needs_a_signed_in_caller() {
    let app = crate::helpers::spawn_app().await;
    let res = app.client.get(format!("{}/api/events", app.address)).send().await.expect("sent");
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let res = app
        .client
        .get(format!("{}/api/events", app.address))
        .bearer_auth("nonsense")
        .send()
        .await
        .expect("sent");
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}
