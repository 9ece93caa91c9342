use std::sync::OnceLock;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use socdesk_api::{
    settings::{Secret, Settings},
    startup::Application,
};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "a-long-enough-password";

/// A running server with its own fresh database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub admin_token: String,
    /// The server's database, to arrange what the API cannot (past dates, rule evidence).
    pub db: sea_orm::DatabaseConnection,
    /// Its URL, for a second connection or a second server on the same database.
    pub database_url: String,
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes[..]);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which database this run uses: `SOCDESK_TEST_DB` = `sqlite` (default) or `postgres`.
fn backend() -> &'static str {
    static B: OnceLock<String> = OnceLock::new();
    B.get_or_init(|| std::env::var("SOCDESK_TEST_DB").unwrap_or_else(|_| "sqlite".into()))
}

pub async fn fresh_database_url() -> String {
    match backend() {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("socdesk-test-{}", random_suffix()));
            format!("sqlite://{}/socdesk.db?mode=rwc", dir.display())
        }
        "postgres" => {
            use sea_orm::{ConnectionTrait, Database};
            let base = std::env::var("SOCDESK_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
            let name = format!("socdesk_test_{}", random_suffix());
            let admin = Database::connect(format!("{base}/postgres")).await.unwrap_or_else(|e| {
                panic!("PostgreSQL is required for SOCDESK_TEST_DB=postgres and unreachable at {base}: {e}")
            });
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            admin.close().await.ok();
            format!("{base}/{name}")
        }
        other => panic!("SOCDESK_TEST_DB must be sqlite or postgres, not {other}"),
    }
}

/// Settings for a test server: port 0, fresh database, known admin password and JWT secret.
pub async fn test_settings() -> Settings {
    Settings {
        database_url: fresh_database_url().await,
        db_max_connections: 0,
        db_acquire_timeout: chrono::Duration::seconds(5),
        bind: "127.0.0.1:0".parse().expect("address"),
        admin_password: Some(Secret::new(ADMIN_PASSWORD)),
        jwt_secret: Some(Secret::new(JWT_SECRET)),
        access_token_ttl: chrono::Duration::minutes(15),
        refresh_token_ttl: chrono::Duration::days(1),
        login_max_failures: 5,
        login_window: chrono::Duration::seconds(60),
        web_dir: std::env::temp_dir().join("socdesk-no-web-app"),
        max_json_bytes: 64 * 1024,
        trust_proxy: true,
        log_json: false,
        timezone: chrono_tz::Tz::UTC,
        max_attachment_bytes: 1024 * 1024,
        ingest_max_records: 10_000,
        ingest_max_bytes: 8 * 1024 * 1024,
        evidence_cap: 1_000,
        // Tests run batch rules on demand; the background loop only idles.
        scheduler_tick: chrono::Duration::hours(1),
        smtp_url: None,
        mail_from: "socdesk <socdesk@test.example>".into(),
        public_url: "http://socdesk.test".into(),
        mail_poll: chrono::Duration::seconds(1),
        mail_retry_base: chrono::Duration::seconds(1),
        playbook_lease: chrono::Duration::seconds(30),
        log_retention: None,
        metrics_token: None,
    }
}

/// Starts a server with default test settings and signs the admin in.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings().await).await
}

/// Starts a server with the given settings and signs the admin in.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    let database_url = settings.database_url.clone();
    let app = Application::build(settings).await.expect("server builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let mut test = TestApp { address, client, admin_token: String::new(), db, database_url };
    test.admin_token =
        test.login_ok("admin", ADMIN_PASSWORD).await["access_token"].as_str().expect("token").to_owned();
    test
}

impl TestApp {
    /// A request with an optional bearer token and JSON body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{}", self.address, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PUT, path, Some(token), Some(body)).await
    }

    /// A POST with a raw body of the given content type.
    pub async fn post_raw(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    /// `POST /api/auth/login` from a given client address (`X-Forwarded-For`; tests trust it).
    pub async fn login_from(&self, login: &str, password: &str, ip: &str) -> Response {
        self.client
            .post(format!("{}/api/auth/login", self.address))
            .header("X-Forwarded-For", ip)
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .expect("request sent")
    }

    /// `POST /api/auth/logout` with the given refresh token.
    pub async fn logout(&self, refresh_token: &Value) -> Response {
        self.request(Method::POST, "/api/auth/logout", None, Some(json!({"refresh_token": refresh_token})))
            .await
    }

    pub async fn login(&self, login: &str, password: &str) -> Response {
        self.login_from(login, password, "10.0.0.1").await
    }

    /// Signs in and returns the token answer, failing the test otherwise.
    pub async fn login_ok(&self, login: &str, password: &str) -> Value {
        let res = self.login(login, password).await;
        assert_eq!(res.status(), StatusCode::OK, "login of {login} failed");
        res.json().await.expect("json")
    }

    /// Creates an account with the given permissions and sites and returns (id, access token).
    pub async fn account_with(&self, login: &str, permissions: &[&str], site_ids: &[i64]) -> (i64, String) {
        let res = self
            .post(
                "/api/accounts",
                &self.admin_token,
                json!({"login": login, "password": PASSWORD, "permissions": permissions, "site_ids": site_ids}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "creating {login}: {}",
            res.text().await.unwrap_or_default()
        );
        let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let token = self.login_ok(login, PASSWORD).await["access_token"].as_str().expect("token").to_owned();
        (id, token)
    }

    /// Creates a site and returns its id.
    pub async fn site(&self, name: &str) -> i64 {
        let res = self.post("/api/sites", &self.admin_token, json!({"name": name})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    }
}

/// `POST /api/attachments`: uploads `bytes` as the multipart field `file` named `name`.
pub async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("text/html")
        .expect("mime");
    app.client
        .post(format!("{}/api/attachments", app.address))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("sent")
}

/// Asserts a problem answer with the given status and returns its body.
pub async fn assert_problem(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status, "unexpected status");
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(ct, "application/problem+json");
    let body: Value = res.json().await.expect("problem json");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["type"].as_str().is_some_and(|t| t.starts_with("urn:socdesk:problem:")));
    assert!(body["title"].is_string());
    body
}

/// The field names of a validation problem.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
