use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, error_fields, spawn_app};

/// Creates an account with a display name and returns its id.
async fn person(app: &TestApp, login: &str, name: &str, permissions: &[&str], sites: &[i64]) -> i64 {
    person_with(
        app,
        json!({"login": login, "display_name": name, "permissions": permissions, "site_ids": sites}),
    )
    .await
}

async fn person_with(app: &TestApp, mut body: Value) -> i64 {
    body["password"] = json!(PASSWORD);
    let res = app.post("/api/accounts", &app.admin_token, body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
}

async fn token(app: &TestApp, login: &str) -> String {
    app.login_ok(login, PASSWORD).await["access_token"].as_str().expect("token").to_owned()
}

/// Seoul and Busan, an analyst on Seoul, and people on either site (two share a name).
struct Office {
    app: TestApp,
    seoul: i64,
    busan: i64,
    analyst: String,
    ids: Vec<(String, i64)>,
}

async fn office() -> Office {
    let app = spawn_app().await;
    let seoul = app.site("Seoul").await;
    let busan = app.site("Busan").await;
    let mut ids = Vec::new();
    for (login, name, sites) in [
        ("analyst", "Analyst Han", vec![seoul]),
        ("mkim", "Kim Minji", vec![seoul]),
        ("jpark", "Park Jisoo", vec![busan]),
        ("kimm", "Kim Minji", vec![busan]),
        ("ychoi", "Choi Yuna", vec![seoul, busan]),
    ] {
        ids.push((login.to_owned(), person(&app, login, name, &["TICKET_VIEW"], &sites).await));
    }
    person_with(
        &app,
        json!({"login": "dlee", "display_name": "Lee Dohyun", "site_ids": [seoul], "enabled": false}),
    )
    .await;
    let analyst = token(&app, "analyst").await;
    Office { app, seoul, busan, analyst, ids }
}

impl Office {
    fn id(&self, login: &str) -> i64 {
        self.ids.iter().find(|(l, _)| l == login).map(|(_, id)| *id).expect("known login")
    }

    async fn page(&self, query: &str) -> Value {
        let res = self.app.get(&format!("/api/directory/accounts?{query}"), &self.analyst).await;
        assert_eq!(res.status(), StatusCode::OK, "{query}");
        res.json().await.expect("json")
    }

    /// The (login, display name) of every row of one page.
    async fn people(&self, query: &str) -> Vec<(String, String)> {
        let page = self.page(query).await;
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|a| {
                (
                    a["login"].as_str().unwrap_or("").to_owned(),
                    a["display_name"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter().map(|(l, n)| ((*l).to_owned(), (*n).to_owned())).collect()
}

#[tokio::test]
async fn the_directory_pages_through_enabled_accounts_by_display_name_then_id() {
    let o = office().await;

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = o.page(&format!("limit=2&cursor={cursor}")).await;
        assert_eq!(page["total"], 6, "the disabled account is not counted");
        for a in page["items"].as_array().expect("items") {
            seen.push((a["id"].as_i64().expect("id"), a["login"].as_str().expect("login").to_owned()));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }

    let logins: Vec<&str> = seen.iter().map(|(_, l)| l.as_str()).collect();
    // "Kim Minji" twice: the older account first.
    assert_eq!(logins, ["admin", "analyst", "ychoi", "mkim", "kimm", "jpark"]);
    assert!(o.id("mkim") < o.id("kimm"));
    assert_eq!(seen[3].0, o.id("mkim"));
}

#[tokio::test]
async fn the_directory_search_matches_login_or_display_name_ignoring_case() {
    let o = office().await;

    let kims = o.people("q=KIM").await;
    let by_login_only = o.people("q=JPAR").await;
    let by_name_only = o.people("q=yuna").await;
    let wildcard = o.people("q=%25").await;
    let disabled = o.people("q=dohyun").await;

    assert_eq!(kims, pairs(&[("mkim", "Kim Minji"), ("kimm", "Kim Minji")]));
    assert_eq!(by_login_only, pairs(&[("jpark", "Park Jisoo")]));
    assert_eq!(by_name_only, pairs(&[("ychoi", "Choi Yuna")]));
    assert_eq!(wildcard, [], "% is a literal character, not a wildcard");
    assert_eq!(disabled, [], "disabled accounts are never listed");
}

#[tokio::test]
async fn the_directory_narrowed_to_a_site_keeps_administrators_and_accounts_granted_it() {
    let o = office().await;

    let seoul = o.people(&format!("site_id={}", o.seoul)).await;
    let busan_kims = o.people(&format!("site_id={}&q=kim", o.busan)).await;
    let unknown = o.app.get("/api/directory/accounts?site_id=999999", &o.analyst).await;

    assert_eq!(
        seoul,
        pairs(&[
            ("admin", "Administrator"),
            ("analyst", "Analyst Han"),
            ("ychoi", "Choi Yuna"),
            ("mkim", "Kim Minji")
        ])
    );
    assert_eq!(busan_kims, pairs(&[("kimm", "Kim Minji")]));
    let problem = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["site_id"]);
}

#[tokio::test]
async fn the_directory_needs_ticket_view_and_shows_only_id_login_and_name() {
    let o = office().await;
    person(&o.app, "auditor", "Auditor Seo", &["EXPLANATION_AUDIT"], &[o.seoul]).await;
    let auditor = token(&o.app, "auditor").await;

    let refused = o.app.get("/api/directory/accounts", &auditor).await;
    let page = o.page("q=jpark").await;
    let accounts_list = o.app.get("/api/accounts", &o.analyst).await;

    assert_problem(refused, StatusCode::FORBIDDEN).await;
    assert_eq!(page["items"], json!([{"id": o.id("jpark"), "login": "jpark", "display_name": "Park Jisoo"}]));
    assert_problem(accounts_list, StatusCode::FORBIDDEN).await;
    let bad_limit = o.app.get("/api/directory/accounts?limit=501", &o.analyst).await;
    assert_eq!(error_fields(&assert_problem(bad_limit, StatusCode::UNPROCESSABLE_ENTITY).await), ["limit"]);
}
