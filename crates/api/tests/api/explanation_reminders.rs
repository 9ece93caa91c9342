//! Reminders before the deadline and overdue notices after it: sent once, at the right moment,
//! with a fresh link, whoever runs the sweep and however often.

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use socdesk_domain::{
    entities::{explanation, outbox},
    explanations::{reminders::run_due, service::Links},
};

use crate::{
    explanations::{Desk, deadline, desk, desk_with, last_mail, public, submit, violator_token},
    helpers::{assert_problem, test_settings},
};

fn links() -> Links {
    Links { public_url: "http://socdesk.test".into() }
}

/// Asks V1 for an explanation due in `days` days; answers its id and deadline.
async fn ask(d: &Desk, days: i64) -> (i64, DateTime<Utc>) {
    let res = d
        .app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(days),
                "message": "Why?"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let body: Value = res.json().await.expect("json");
    let at = body["deadline"].as_str().expect("deadline").parse().expect("a timestamp");
    (body["id"].as_i64().expect("id"), at)
}

async fn mails_of(d: &Desk, kind: &str) -> u64 {
    outbox::Entity::find().filter(outbox::Column::Kind.eq(kind)).count(&d.app.db).await.expect("count")
}

#[tokio::test]
async fn the_violator_is_reminded_once_the_configured_days_before_the_deadline_with_a_new_link() {
    let d = desk().await;
    let (id, due) = ask(&d, 3).await;
    let first = violator_token(&d.app).await;
    let day = TimeDelta::days(1);

    // The default is one day before; a second earlier is too early.
    let sweep = run_due(&d.app.db, &links(), due - day - TimeDelta::seconds(1)).await.expect("sweep");
    assert!(sweep.reminded.is_empty(), "{sweep:?}");
    let sweep = run_due(&d.app.db, &links(), due - day).await.expect("sweep");
    assert_eq!(sweep.reminded, [id]);
    let (subject, body) = last_mail(&d.app, "v1@example.com").await;
    assert!(subject.to_lowercase().contains("remind"), "{subject}");
    assert!(body.contains("/explain/"), "{body}");
    let second = violator_token(&d.app).await;
    assert_ne!(first, second, "the reminder carries a new link");
    assert_problem(public(&d.app, &first).await, StatusCode::NOT_FOUND).await;
    assert_eq!(public(&d.app, &second).await.status(), StatusCode::OK);

    // Once only, however often the sweep runs.
    let sweep = run_due(&d.app.db, &links(), due - TimeDelta::hours(1)).await.expect("sweep");
    assert!(sweep.reminded.is_empty(), "{sweep:?}");
    assert_eq!(mails_of(&d, "reminder").await, 1);
    let detail: Value =
        d.app.get(&format!("/api/explanations/{id}"), &d.analyst).await.json().await.expect("json");
    let actions: Vec<&str> =
        detail["history"].as_array().expect("history").iter().filter_map(|s| s["action"].as_str()).collect();
    assert_eq!(actions, ["requested", "reminded"]);

    // Three days before, when the option says so; 0 turns reminders off.
    let res = d.app.put("/api/settings", &d.app.admin_token, json!({"explanation_reminder_days": 3})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
    let (early, due) = ask(&d, 5).await;
    let sweep = run_due(&d.app.db, &links(), due - TimeDelta::days(3)).await.expect("sweep");
    assert_eq!(sweep.reminded, [early]);
    let res = d.app.put("/api/settings", &d.app.admin_token, json!({"explanation_reminder_days": 0})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, due) = ask(&d, 5).await;
    let sweep = run_due(&d.app.db, &links(), due - TimeDelta::seconds(1)).await.expect("sweep");
    assert!(sweep.reminded.is_empty(), "{sweep:?}");
}

#[tokio::test]
async fn answered_or_revoked_requests_get_no_reminder_and_racing_sweeps_send_one() {
    let d = desk().await;
    let (answered, due) = ask(&d, 3).await;
    let token = violator_token(&d.app).await;
    assert_eq!(submit(&d.app, &token, "Sorry.").await.status(), StatusCode::NO_CONTENT);
    let (revoked, _) = ask(&d, 3).await;
    let res = d.app.post(&format!("/api/explanations/{revoked}/revoke-link"), &d.analyst, json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (open, _) = ask(&d, 3).await;

    let at = due - TimeDelta::hours(12);
    let sweeps = futures_util::future::join_all((0..8).map(|_| {
        let db = d.app.db.clone();
        async move { run_due(&db, &links(), at).await.expect("sweep") }
    }))
    .await;
    let reminded: Vec<i64> = sweeps.into_iter().flat_map(|s| s.reminded).collect();
    assert_eq!(reminded, [open], "answered {answered} and revoked {revoked} are left alone");
    assert_eq!(mails_of(&d, "reminder").await, 1);
}

#[tokio::test]
async fn a_request_made_inside_the_reminder_window_is_not_repeated_and_its_link_keeps_working() {
    let d = desk().await;
    // Due in 12 hours with reminders a day ahead: the request itself is the reminder.
    let res = d
        .app
        .post(
            "/api/explanations",
            &d.analyst,
            json!({"violator_id": "V1", "category_id": d.category,
                "deadline": (Utc::now() + TimeDelta::hours(12)).to_rfc3339(), "message": "Why, today?"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let body: Value = res.json().await.expect("json");
    let (id, due): (i64, DateTime<Utc>) = (
        body["id"].as_i64().expect("id"),
        body["deadline"].as_str().expect("deadline").parse().expect("a timestamp"),
    );
    let token = violator_token(&d.app).await;
    let sweep = run_due(&d.app.db, &links(), Utc::now()).await.expect("sweep");
    assert!(sweep.reminded.is_empty(), "{sweep:?}");
    assert_eq!(mails_of(&d, "reminder").await, 0);
    assert_eq!(public(&d.app, &token).await.status(), StatusCode::OK, "the mailed link still works");
    // Settled once: a later sweep inside the window does not send it either.
    let sweep = run_due(&d.app.db, &links(), due - TimeDelta::hours(1)).await.expect("sweep");
    assert!(sweep.reminded.is_empty(), "{sweep:?}");
    // The manager still hears when the deadline passes unanswered.
    let sweep = run_due(&d.app.db, &links(), due + TimeDelta::seconds(1)).await.expect("sweep");
    assert_eq!(sweep.overdue, [id]);
}

#[tokio::test]
async fn the_manager_hears_once_when_the_deadline_passes_unanswered() {
    let d = desk().await;
    let (late, due) = ask(&d, 2).await;
    let (answered, _) = ask(&d, 2).await;
    let token = violator_token(&d.app).await;
    assert_eq!(submit(&d.app, &token, "Here.").await.status(), StatusCode::NO_CONTENT);

    let sweep = run_due(&d.app.db, &links(), due).await.expect("sweep");
    assert!(sweep.overdue.is_empty(), "the deadline instant itself is still in time: {sweep:?}");
    let sweep = run_due(&d.app.db, &links(), due + TimeDelta::seconds(1)).await.expect("sweep");
    assert_eq!(sweep.overdue, [late], "{answered} was answered");
    let (subject, body) = last_mail(&d.app, "m1@example.com").await;
    assert!(subject.contains("Violator Vic"), "{subject}");
    assert!(body.contains(&format!("/explanations/{late}/review")), "{body}");
    let sweep = run_due(&d.app.db, &links(), due + TimeDelta::days(1)).await.expect("sweep");
    assert!(sweep.overdue.is_empty(), "{sweep:?}");
    assert_eq!(mails_of(&d, "overdue_notice").await, 1);
}

#[tokio::test]
async fn the_server_sends_them_by_itself() {
    let mut settings = test_settings().await;
    settings.scheduler_tick = TimeDelta::milliseconds(200);
    let d = desk_with(settings).await;
    let (soon, _) = ask(&d, 3).await;
    let (late, _) = ask(&d, 3).await;
    // Asked days ago, as far as the sweep can tell: one now due within the day, one past due
    // (by an hour: a sweep that read the clock just before this update must not see it as
    // merely due soon and remind instead).
    for (id, deadline) in
        [(soon, Utc::now() + TimeDelta::hours(12)), (late, Utc::now() - TimeDelta::hours(1))]
    {
        explanation::Entity::update_many()
            .col_expr(explanation::Column::Deadline, sea_orm::sea_query::Expr::value(deadline))
            .col_expr(
                explanation::Column::TokenIssuedAt,
                sea_orm::sea_query::Expr::value(Utc::now() - TimeDelta::days(2)),
            )
            .filter(explanation::Column::Id.eq(id))
            .exec(&d.app.db)
            .await
            .expect("deadline moved");
    }
    let mut waited = 0;
    while mails_of(&d, "reminder").await < 1 || mails_of(&d, "overdue_notice").await < 1 {
        assert!(waited < 100, "no reminder for {soon} or no overdue notice for {late} after 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let late_row = explanation::Entity::find_by_id(late).one(&d.app.db).await.expect("q").expect("row");
    assert!(late_row.overdue_notified_at.is_some());
}
