//! Sign in, refresh, sign out.

use actix_web::{HttpRequest, HttpResponse, post, web};
use socdesk_domain::services::{
    accounts,
    login_throttle::ThrottlePolicy,
    sessions::{self, ClientInfo, IssuedSession},
};
use socdesk_types::{
    Problem,
    auth::{AuthMethod, LoginRequest, RefreshRequest, TokenResponse},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::client_ip,
    error::{ApiError, ApiResult},
    extract::Json,
    startup::AppState,
};

async fn token_response(state: &AppState, issued: IssuedSession, ip: String) -> ApiResult<TokenResponse> {
    let access = state.jwt.issue(issued.account_id, issued.session_id).map_err(|e| {
        ApiError::Domain(socdesk_domain::DomainError::Internal(format!("signing a token: {e}")))
    })?;
    let actor = accounts::load_actor(
        &state.db,
        issued.account_id,
        AuthMethod::Session,
        Some(issued.session_id),
        Some(ip),
    )
    .await?;
    let account = accounts::me(&state.db, &actor).await?;
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl().num_seconds(),
        refresh_token: issued.refresh_token,
        refresh_expires_in: (issued.expires_at - chrono::Utc::now()).num_seconds(),
        account,
    })
}

/// Signs in with login and password.
///
/// Answers an access token (a JWT valid for `expires_in` seconds) and a refresh token. Failed
/// attempts are limited per login and per client address (`SOCDESK_LOGIN_MAX_FAILURES` per
/// `SOCDESK_LOGIN_WINDOW`, 5 per minute by default); past that the answer is 429 with
/// `Retry-After`. An unknown login and a wrong password get the same answer.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Invalid login or password", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    let client = ClientInfo {
        ip: ip.clone(),
        user_agent: req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned),
    };
    let policy = ThrottlePolicy {
        max_failures: state.settings.login_max_failures,
        window: state.settings.login_window,
    };
    let issued = sessions::login(
        &state.db,
        policy,
        state.settings.refresh_token_ttl,
        &body.0.login,
        &body.0.password,
        &client,
    )
    .await?;
    Ok(HttpResponse::Ok().json(token_response(&state, issued, ip).await?))
}

/// Exchanges a refresh token for a new token pair.
///
/// Each refresh token works once; presenting a used one again ends its whole session (it was
/// probably stolen) — except within 30 seconds of its exchange, when the answer is 409 and the
/// session lives on: two windows of one browser renewing the same stored pair at once.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Invalid, used or expired refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The token was exchanged less than 30 seconds ago (by another window): nothing issued, the session lives on", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    let issued =
        sessions::refresh(&state.db, state.settings.refresh_token_ttl, &body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(token_response(&state, issued, ip).await?))
}

/// Signs out: ends the session of the given refresh token, and with it every access token it
/// issued. Unknown tokens are ignored.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"))
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    sessions::logout(&state.db, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the auth routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}
