//! `GET /api/events`: live updates as Server-Sent Events.

use std::time::Duration;

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{CACHE_CONTROL, CONTENT_ENCODING},
    web,
};
use socdesk_domain::Actor;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{self, Auth, client_ip},
    error::ApiResult,
    live::{self, Recheck},
    startup::AppState,
};

/// How often a stream checks that its caller may still listen: a revoked session, a disabled
/// account, an expired access token or changed permissions take effect within this.
const RECHECK: Duration = Duration::from_secs(30);

struct Caller {
    state: web::Data<AppState>,
    bearer: Option<String>,
    ip: String,
}

impl Recheck for Caller {
    async fn recheck(&self) -> Option<Actor> {
        auth::authenticate(&self.state, self.bearer.clone(), self.ip.clone()).await.ok()
    }
}

/// Live updates: which tickets and explanations changed, as Server-Sent Events.
///
/// Needs: any signed-in account. Only changes the caller may see are announced: tickets of
/// their sites (with `TICKET_VIEW`) and explanations their explanation list shows.
///
/// The stream starts with `event: ready`, then sends `event: tickets` and
/// `event: explanations` with `data: {"ids":[…]}` as rows are created or changed (by any server
/// process), a `: keep-alive` comment every 15 s, and `event: resync` when updates may have been
/// missed (reload what you show). It ends when the access token expires, the session ends, or the
/// server stops: reconnect (after `retry` ms) with a current token, and reload, since changes
/// made while disconnected are not replayed.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The event stream", body = String, content_type = "text/event-stream"),
    )
)]
#[get("/events")]
async fn events(state: web::Data<AppState>, req: HttpRequest, auth: Auth) -> ApiResult<HttpResponse> {
    let caller = Caller {
        bearer: auth::bearer(&req),
        ip: client_ip(&req, state.settings.trust_proxy),
        state: state.clone(),
    };
    let stream = live::stream(&state.live, auth.into_actor(), caller, RECHECK);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((CACHE_CONTROL, "no-store"))
        // `identity` keeps the compression middleware from holding events back in its buffer,
        // and `X-Accel-Buffering` does the same for nginx.
        .insert_header((CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}

/// Registers `/events`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(events);
}
