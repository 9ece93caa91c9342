//! Scorecard 6–8: login brute force, forged access tokens, stored password hashes.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use socdesk_domain::entities::account;

use super::{Row, report};
use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, TestApp, spawn_app};

/// The documented budget: `SOCDESK_LOGIN_MAX_FAILURES`, 5 in the test settings.
const BUDGET: usize = 5;

async fn status_and_body(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn scorecard_06_login_brute_force_is_throttled_without_locking_the_owner_out() {
    let app = spawn_app().await;
    let mut problems = Vec::new();

    // One account from many addresses: the login's budget, then 429 for every new address.
    let attempts = 20;
    let mut statuses = Vec::new();
    for i in 0..attempts {
        statuses.push(app.login_from("admin", "wrong-password", &format!("198.51.100.{i}")).await.status());
    }
    let refused_after = statuses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS);
    if refused_after != Some(BUDGET) || statuses[BUDGET..].iter().any(|s| *s != StatusCode::TOO_MANY_REQUESTS)
    {
        problems.push(format!("one account from {attempts} addresses: {statuses:?}"));
    }
    // The owner, from the address they signed in from before, still gets in.
    let owner = app.login("admin", ADMIN_PASSWORD).await.status();
    if owner != StatusCode::OK {
        problems.push(format!("the owner from a known address got {owner}"));
    }

    // Many accounts from one address: that address's budget, then 429 even with a right password.
    let mut statuses = Vec::new();
    for i in 0..attempts {
        statuses.push(app.login_from(&format!("user{i}"), "wrong-password", "203.0.113.7").await.status());
    }
    let right = app.login_from("admin", ADMIN_PASSWORD, "203.0.113.7").await.status();
    if statuses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS) != Some(BUDGET)
        || right != StatusCode::TOO_MANY_REQUESTS
    {
        problems.push(format!(
            "{attempts} accounts from one address: {statuses:?}, then the right password: {right}"
        ));
    }
    let owner = app.login("admin", ADMIN_PASSWORD).await.status();
    if owner != StatusCode::OK {
        problems.push(format!("the owner elsewhere got {owner} while one address was throttled"));
    }

    // An unknown login and a wrong password answer alike (an account whose budget is untouched).
    app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    let unknown = status_and_body(app.login_from("nobody-here", "wrong-password", "192.0.2.1").await).await;
    let wrong = status_and_body(app.login_from("analyst", "wrong-password", "192.0.2.2").await).await;
    if unknown != wrong {
        problems.push(format!("unknown login {unknown:?} vs wrong password {wrong:?}"));
    }

    report(Row {
        number: 6,
        test: "login brute force",
        tried: format!(
            "{attempts} wrong passwords for one account from {attempts} addresses; {attempts} accounts from one address; unknown login vs wrong password"
        ),
        threshold: "throttled after the documented count (5); the real user can still log in; same answer for unknown user and wrong password",
        result: if problems.is_empty() {
            format!(
                "429 from attempt {} on in both; owner signed in both times; answers identical",
                BUDGET + 1
            )
        } else {
            problems.join("; ")
        },
        pass: problems.is_empty(),
    });
}

/// A token signed like ours with `claims` changed by `edit`, under `header`.
fn signed(header: Header, claims: &Value, edit: impl FnOnce(&mut Value), secret: &[u8]) -> String {
    let mut claims = claims.clone();
    edit(&mut claims);
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(secret)).expect("token signs")
}

fn b64(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

/// The claims of a real access token.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64");
    serde_json::from_slice(&bytes).expect("claims")
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/me", token).await.status()
}

#[tokio::test]
async fn scorecard_07_forged_and_ended_access_tokens_are_refused() {
    let app = spawn_app().await;
    let claims = claims_of(&app.admin_token);
    let now = chrono::Utc::now().timestamp();
    let secret = JWT_SECRET.as_bytes();
    let hs256 = || Header::new(Algorithm::HS256);
    let mut forged: Vec<(&str, String)> = vec![
        ("alg none", format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims))),
        ("alg None, signature kept", {
            let sig = app.admin_token.rsplit('.').next().expect("signature").to_owned();
            format!("{}.{}.{sig}", b64(&json!({"alg": "None", "typ": "JWT"})), b64(&claims))
        }),
        ("HS512 with the right secret", signed(Header::new(Algorithm::HS512), &claims, |_| {}, secret)),
        ("RS256 header over an HMAC signature", {
            let token = signed(hs256(), &claims, |_| {}, secret);
            let mut parts = token.splitn(2, '.');
            parts.next();
            format!("{}.{}", b64(&json!({"alg": "RS256", "typ": "JWT"})), parts.next().expect("rest"))
        }),
        ("bad signature", signed(hs256(), &claims, |_| {}, b"another-secret-another-secret-0000")),
        ("claims changed after signing", {
            let mut parts: Vec<String> = app.admin_token.split('.').map(str::to_owned).collect();
            let mut c = claims.clone();
            c["sub"] = json!("2");
            parts[1] = b64(&c);
            parts.join(".")
        }),
        (
            "expired",
            signed(
                hs256(),
                &claims,
                |c| {
                    c["exp"] = json!(now - 3600);
                    c["nbf"] = json!(now - 7200);
                },
                secret,
            ),
        ),
        ("future nbf", signed(hs256(), &claims, |c| c["nbf"] = json!(now + 3600), secret)),
        ("wrong aud", signed(hs256(), &claims, |c| c["aud"] = json!("another-api"), secret)),
        ("wrong iss", signed(hs256(), &claims, |c| c["iss"] = json!("someone-else"), secret)),
        (
            "no exp",
            signed(
                hs256(),
                &claims,
                |c| {
                    c.as_object_mut().expect("claims").remove("exp");
                },
                secret,
            ),
        ),
        ("wrong typ", {
            let mut h = hs256();
            h.typ = Some("at+jwt+refresh".into());
            signed(h, &claims, |_| {}, secret)
        }),
        ("token_use refresh", signed(hs256(), &claims, |c| c["token_use"] = json!("refresh"), secret)),
        ("unknown session", signed(hs256(), &claims, |c| c["sid"] = json!(999_999), secret)),
        ("garbage", "not.a.jwt".into()),
    ];

    // A real token after its session's logout, and one of an account since disabled.
    let tokens = app.login_ok("admin", ADMIN_PASSWORD).await;
    let res = app.logout(&tokens["refresh_token"]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    forged.push(("after logout", tokens["access_token"].as_str().expect("token").to_owned()));
    let (id, analyst) = app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    let res = app.patch(&format!("/api/accounts/{id}"), &app.admin_token, json!({"enabled": false})).await;
    assert_eq!(res.status(), StatusCode::OK);
    forged.push(("after the account is disabled", analyst));

    assert_eq!(me_status(&app, &app.admin_token).await, StatusCode::OK, "the genuine token works");
    let mut accepted = Vec::new();
    for (what, token) in &forged {
        let status = me_status(&app, token).await;
        if status != StatusCode::UNAUTHORIZED {
            accepted.push(format!("{what}: {status}"));
        }
    }
    report(Row {
        number: 7,
        test: "forged JWTs",
        tried: forged.iter().map(|(what, _)| *what).collect::<Vec<_>>().join(", "),
        threshold: "all 401",
        result: if accepted.is_empty() {
            format!("{} of {} answered 401", forged.len(), forged.len())
        } else {
            accepted.join("; ")
        },
        pass: accepted.is_empty(),
    });
}

/// `$argon2id$v=19$m=…,t=…,p=…$salt$hash` → (variant, m, t, p).
fn argon2_parameters(phc: &str) -> Option<(String, u64, u64, u64)> {
    let parts: Vec<&str> = phc.split('$').collect();
    let [_, variant, _version, params, _salt, _hash] = parts.as_slice() else { return None };
    let mut m = None;
    let mut t = None;
    let mut p = None;
    for kv in params.split(',') {
        let (k, v) = kv.split_once('=')?;
        let v = v.parse().ok()?;
        match k {
            "m" => m = Some(v),
            "t" => t = Some(v),
            "p" => p = Some(v),
            _ => {}
        }
    }
    Some(((*variant).to_owned(), m?, t?, p?))
}

#[tokio::test]
async fn scorecard_08_stored_password_hashes_are_argon2id_at_owasp_strength() {
    let app = spawn_app().await;
    let (id, _) = app.account_with("analyst", &["TICKET_VIEW"], &[]).await;
    // A changed password is hashed the same way.
    let res = app
        .patch(&format!("/api/accounts/{id}"), &app.admin_token, json!({"password": "another-long-password"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
    let accounts = account::Entity::find().all(&app.db).await.expect("accounts");
    let mut weak = Vec::new();
    for a in &accounts {
        match argon2_parameters(&a.password_hash) {
            Some((variant, m, t, p)) if variant == "argon2id" && m >= 19 * 1024 && t >= 2 && p == 1 => {}
            other => weak.push(format!("{}: {other:?}", a.login)),
        }
    }
    report(Row {
        number: 8,
        test: "stored password hashes",
        tried: format!("every account's stored hash ({}: admin, created, password changed)", accounts.len()),
        threshold: "argon2id, m ≥ 19 MiB, t ≥ 2, p = 1",
        result: if weak.is_empty() {
            let (_, m, t, p) = argon2_parameters(&accounts[0].password_hash).expect("parsed");
            format!("all argon2id, m = {m} KiB, t = {t}, p = {p}")
        } else {
            weak.join("; ")
        },
        pass: weak.is_empty() && !accounts.is_empty(),
    });
}
