use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app, upload};

/// A site with an editor (TICKET_EDIT) and a viewer (TICKET_VIEW), and an editor of another site.
struct Desk {
    app: TestApp,
    site: i64,
    editor: String,
    viewer: String,
    outsider: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    let busan = app.site("Busan").await;
    let (_, editor) = app.account_with("editor", &["TICKET_VIEW", "TICKET_EDIT"], &[site]).await;
    let (_, viewer) = app.account_with("viewer", &["TICKET_VIEW"], &[site]).await;
    let (_, outsider) = app.account_with("outsider", &["TICKET_VIEW", "TICKET_EDIT"], &[busan]).await;
    Desk { app, site, editor, viewer, outsider }
}

impl Desk {
    /// Uploads a file as `token` and returns its id.
    async fn file(&self, token: &str, name: &str) -> i64 {
        let res = upload(&self.app, token, name, name.as_bytes().to_vec()).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    }

    async fn create_ticket(&self, extra: Value) -> reqwest::Response {
        let mut body = json!({"site_id": self.site, "kind": "analysis", "title": "Phishing mail"});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        self.app.post("/api/tickets", &self.editor, body).await
    }

    async fn ticket(&self, extra: Value) -> Value {
        let res = self.create_ticket(extra).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("json")
    }

    async fn files_of(&self, ticket: &Value) -> Vec<Value> {
        let res = self.app.get(&format!("/api/tickets/{}/attachments", ticket["id"]), &self.viewer).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Vec<Value>>().await.expect("json")
    }

    async fn attach(&self, token: &str, ticket: &Value, ids: Value) -> reqwest::Response {
        self.app
            .post(
                &format!("/api/tickets/{}/attachments", ticket["id"]),
                token,
                json!({"attachment_ids": ids}),
            )
            .await
    }

    async fn history(&self, ticket: &Value) -> Vec<Value> {
        self.app
            .get(&format!("/api/tickets/{}/history", ticket["id"]), &self.viewer)
            .await
            .json::<Vec<Value>>()
            .await
            .expect("json")
    }

    async fn reload(&self, ticket: &Value) -> Value {
        self.app
            .get(&format!("/api/tickets/{}", ticket["id"]), &self.viewer)
            .await
            .json()
            .await
            .expect("json")
    }
}

fn time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    serde_json::from_value(v.clone()).expect("a time")
}

/// (id, memo_id, file name) of each file, in the answer's order.
fn summary(files: &[Value]) -> Vec<(i64, Option<i64>, String)> {
    files
        .iter()
        .map(|f| {
            (
                f["id"].as_i64().expect("id"),
                f["memo_id"].as_i64(),
                f["file_name"].as_str().expect("name").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_new_ticket_takes_the_callers_uploads_as_its_body_files() {
    let d = desk().await;
    let report = d.file(&d.editor, "report.pdf").await;
    let capture = d.file(&d.editor, "capture.pcap").await;

    let t = d.ticket(json!({"attachment_ids": [capture, report]})).await;

    let files = d.files_of(&t).await;
    assert_eq!(
        summary(&files),
        [(report, None, "report.pdf".to_owned()), (capture, None, "capture.pcap".to_owned())]
    );
    assert!(files.iter().all(|f| f["ticket_id"] == t["id"]));
    let history = d.history(&t).await;
    assert_eq!(history[1]["field"], "attachments");
    assert_eq!(history[1]["new_value"], "capture.pcap, report.pdf", "in the order they were named");
    let download = d.app.get(&format!("/api/attachments/{report}"), &d.viewer).await;
    assert_eq!(download.status(), StatusCode::OK, "whoever sees the ticket downloads its files");
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), b"report.pdf");
}

#[tokio::test]
async fn a_new_ticket_naming_a_file_that_is_not_an_unattached_upload_of_yours_creates_nothing() {
    let d = desk().await;
    let mine = d.file(&d.editor, "mine.txt").await;
    let theirs = d.file(&d.viewer, "theirs.txt").await;

    let res = d.create_ticket(json!({"attachment_ids": [mine, theirs, 999_999, mine]})).await;
    let too_many = d.create_ticket(json!({"attachment_ids": vec![mine; 21]})).await;

    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["attachment_ids[1]", "attachment_ids[2]", "attachment_ids[3]"]);
    assert_eq!(problem["errors"][2]["message"], format!("{mine} is named twice"));
    let problem = assert_problem(too_many, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["attachment_ids"]);
    let list: Value = d.app.get("/api/tickets", &d.app.admin_token).await.json().await.expect("json");
    assert_eq!(list["total"], 0, "no ticket was created");
    // The upload is still free: it can go on a ticket now.
    let t = d.ticket(json!({"attachment_ids": [mine]})).await;
    assert_eq!(summary(&d.files_of(&t).await), [(mine, None, "mine.txt".to_owned())]);
}

#[tokio::test]
async fn a_ticket_lists_its_body_and_memo_files_oldest_first() {
    let d = desk().await;
    let first = d.file(&d.editor, "first.txt").await;
    let t = d.ticket(json!({"attachment_ids": [first]})).await;
    let memo_file = d.file(&d.viewer, "memo.txt").await;
    let memo: Value = d
        .app
        .post(
            &format!("/api/tickets/{}/memos", t["id"]),
            &d.viewer,
            json!({"body": "see file", "attachment_ids": [memo_file]}),
        )
        .await
        .json()
        .await
        .expect("json");
    let later = d.file(&d.editor, "later.txt").await;
    assert_eq!(d.attach(&d.editor, &t, json!([later])).await.status(), StatusCode::OK);

    let files = d.files_of(&t).await;

    let memo_id = memo["id"].as_i64().expect("memo id");
    assert_eq!(
        summary(&files),
        [
            (first, None, "first.txt".to_owned()),
            (memo_file, Some(memo_id), "memo.txt".to_owned()),
            (later, None, "later.txt".to_owned()),
        ]
    );
}

#[tokio::test]
async fn attaching_files_to_a_body_records_one_history_entry_and_bumps_the_version() {
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    let a = d.file(&d.editor, "a.log").await;
    let b = d.file(&d.editor, "b.log").await;

    let res = d.attach(&d.editor, &t, json!([a, b])).await;

    assert_eq!(res.status(), StatusCode::OK);
    let files: Vec<Value> = res.json().await.expect("json");
    assert_eq!(summary(&files), [(a, None, "a.log".to_owned()), (b, None, "b.log".to_owned())]);
    let after = d.reload(&t).await;
    assert_eq!(after["version"], 2);
    assert!(time(&after["modified_at"]) > time(&t["modified_at"]), "{after}");
    let history = d.history(&t).await;
    assert_eq!(history.len(), 2);
    assert_eq!(
        (&history[1]["field"], &history[1]["old_value"], &history[1]["new_value"]),
        (&json!("attachments"), &json!(null), &json!("a.log, b.log"))
    );
    // An edit based on the version before the files came is now stale, as after any edit.
    let stale = d
        .app
        .client
        .patch(format!("{}/api/tickets/{}", d.app.address, t["id"]))
        .bearer_auth(&d.editor)
        .header("If-Match", "\"1\"")
        .json(&json!({"priority": "high"}))
        .send()
        .await
        .expect("sent");
    assert_problem(stale, StatusCode::PRECONDITION_FAILED).await;
}

#[tokio::test]
async fn a_rule_ticket_takes_files_although_its_body_is_read_only() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use socdesk_domain::entities::ticket;
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::CreatedBy, Expr::value("system"))
        .filter(ticket::Column::Id.eq(t["id"].as_i64().expect("id")))
        .exec(&d.app.db)
        .await
        .expect("made a rule ticket");
    let file = d.file(&d.editor, "pcap.bin").await;

    let body_edit = d.app.patch(&format!("/api/tickets/{}", t["id"]), &d.editor, json!({"body": "x"})).await;
    let res = d.attach(&d.editor, &t, json!([file])).await;

    assert_problem(body_edit, StatusCode::FORBIDDEN).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(summary(&d.files_of(&t).await), [(file, None, "pcap.bin".to_owned())]);
}

#[tokio::test]
async fn ticket_files_need_ticket_edit_to_change_and_the_tickets_site_for_everything() {
    let d = desk().await;
    let kept = d.file(&d.editor, "kept.txt").await;
    let t = d.ticket(json!({"attachment_ids": [kept]})).await;
    let viewers_file = d.file(&d.viewer, "v.txt").await;
    let outsiders_file = d.file(&d.outsider, "o.txt").await;
    let path = format!("/api/tickets/{}/attachments", t["id"]);

    let viewer_attaches = d.attach(&d.viewer, &t, json!([viewers_file])).await;
    let viewer_removes = d.app.delete(&format!("{path}/{kept}"), &d.viewer).await;
    let outsider_lists = d.app.get(&path, &d.outsider).await;
    let outsider_attaches = d.attach(&d.outsider, &t, json!([outsiders_file])).await;
    let outsider_removes = d.app.delete(&format!("{path}/{kept}"), &d.outsider).await;

    assert_problem(viewer_attaches, StatusCode::FORBIDDEN).await;
    assert_problem(viewer_removes, StatusCode::FORBIDDEN).await;
    assert_problem(outsider_lists, StatusCode::NOT_FOUND).await;
    assert_problem(outsider_attaches, StatusCode::NOT_FOUND).await;
    assert_problem(outsider_removes, StatusCode::NOT_FOUND).await;
    assert_eq!(summary(&d.files_of(&t).await), [(kept, None, "kept.txt".to_owned())]);
    assert_eq!(d.reload(&t).await["version"], 1, "nothing changed");
}

#[tokio::test]
async fn removing_a_body_file_deletes_it_and_records_history_but_a_memo_file_stays() {
    let d = desk().await;
    let body_file = d.file(&d.editor, "body.txt").await;
    let t = d.ticket(json!({"attachment_ids": [body_file]})).await;
    let memo_file = d.file(&d.editor, "memo.txt").await;
    let memo: Value = d
        .app
        .post(
            &format!("/api/tickets/{}/memos", t["id"]),
            &d.editor,
            json!({"body": "notes", "attachment_ids": [memo_file]}),
        )
        .await
        .json()
        .await
        .expect("json");
    let other = d.ticket(json!({})).await;
    let path = format!("/api/tickets/{}/attachments", t["id"]);

    let memo_refused = d.app.delete(&format!("{path}/{memo_file}"), &d.editor).await;
    let wrong_ticket =
        d.app.delete(&format!("/api/tickets/{}/attachments/{body_file}", other["id"]), &d.editor).await;
    let removed = d.app.delete(&format!("{path}/{body_file}"), &d.editor).await;
    let again = d.app.delete(&format!("{path}/{body_file}"), &d.editor).await;

    let problem = assert_problem(memo_refused, StatusCode::CONFLICT).await;
    assert_eq!(
        problem["detail"],
        format!(
            "file {memo_file} belongs to memo {}, not to the ticket's body: memos are never edited, so \
             their files stay with them",
            memo["id"]
        )
    );
    assert_problem(wrong_ticket, StatusCode::NOT_FOUND).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_problem(again, StatusCode::NOT_FOUND).await;
    assert_eq!(summary(&d.files_of(&t).await), [(memo_file, memo["id"].as_i64(), "memo.txt".to_owned())]);
    assert_problem(
        d.app.get(&format!("/api/attachments/{body_file}"), &d.editor).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let history = d.history(&t).await;
    let last = history.last().expect("an entry");
    assert_eq!(
        (&last["field"], &last["old_value"], &last["new_value"]),
        (&json!("attachments"), &json!("body.txt"), &json!(null))
    );
    assert_eq!(d.reload(&t).await["version"], 2);
}

#[tokio::test]
async fn a_file_on_a_ticket_body_cannot_be_attached_again_to_a_memo_or_another_ticket() {
    let d = desk().await;
    let file = d.file(&d.editor, "once.txt").await;
    let t = d.ticket(json!({"attachment_ids": [file]})).await;
    let other = d.ticket(json!({})).await;

    let to_memo = d
        .app
        .post(
            &format!("/api/tickets/{}/memos", t["id"]),
            &d.editor,
            json!({"body": "again", "attachment_ids": [file]}),
        )
        .await;
    let to_other_body = d.attach(&d.editor, &other, json!([file])).await;
    let to_new_ticket = d.create_ticket(json!({"attachment_ids": [file]})).await;

    for res in [to_memo, to_other_body, to_new_ticket] {
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["attachment_ids[0]"]);
        assert_eq!(problem["errors"][0]["message"], format!("{file} is not an unattached upload of yours"));
    }
    assert_eq!(summary(&d.files_of(&t).await), [(file, None, "once.txt".to_owned())], "still on the body");
    assert_eq!(d.files_of(&other).await, Vec::<Value>::new());
    let memos: Vec<Value> =
        d.app.get(&format!("/api/tickets/{}/memos", t["id"]), &d.editor).await.json().await.expect("json");
    assert!(memos.is_empty(), "the refused memo was not written");
}

#[tokio::test]
async fn attaching_an_empty_list_or_someone_elses_upload_is_refused_naming_the_field() {
    let d = desk().await;
    let t = d.ticket(json!({})).await;
    let theirs = d.file(&d.viewer, "theirs.txt").await;

    let empty = d.attach(&d.editor, &t, json!([])).await;
    let not_mine = d.attach(&d.editor, &t, json!([theirs])).await;

    assert_eq!(
        error_fields(&assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["attachment_ids"]
    );
    assert_eq!(
        error_fields(&assert_problem(not_mine, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["attachment_ids[0]"]
    );
    assert_eq!(d.reload(&t).await["version"], 1);
    assert_eq!(d.history(&t).await.len(), 1);
}
