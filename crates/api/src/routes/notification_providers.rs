//! Notification providers (`ADMIN`): SMS and messenger webhooks, and their test message.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use socdesk_domain::{
    notifications::{
        propagation::{self, Contact, TicketFacts},
        providers,
    },
    services::settings::allow_private_network_targets,
};
use socdesk_types::{
    Problem,
    notifications::{
        Delivery, NewNotificationProvider, NotificationProvider, NotificationProviderPatch,
        ProviderTestRequest,
    },
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth},
    error::ApiResult,
    extract::Json,
    notify,
    outbound::{self, Timeouts},
    startup::AppState,
};

/// The syntax check of a URL typed at save (resolution and address checks happen per call).
fn url_check(raw: &str) -> Result<(), String> {
    outbound::parse(raw).map(|_| ()).map_err(|refusal| refusal.to_string())
}

/// Every provider, by channel then name. Header values are masked.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "notification providers",
    security(("bearer" = ["ADMIN"])),
    responses((status = 200, description = "The providers", body = Vec<NotificationProvider>))
)]
#[get("/notification-providers")]
async fn list(state: web::Data<AppState>, _auth: Auth<Admin>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(providers::list(&state.db).await?))
}

/// Adds a provider: `kind` (`sms` or `messenger`), `name`, `url` (http or https), `headers`
/// (their values are secrets: stored, sent, never answered) and `body_template`, a JSON document
/// whose strings may hold placeholders (`{{recipient.name}}`, `{{recipient.phone}}`,
/// `{{recipient.messenger_id}}`, `{{recipient.email}}`, `{{ticket.id}}`, `{{ticket.title}}`,
/// `{{ticket.priority}}`, `{{ticket.status}}`, `{{ticket.url}}`, `{{message}}`), each filled
/// JSON-escaped. A template that is not JSON or names an unknown placeholder is a 422 naming
/// `body_template`; a URL that is not http(s) is a 422 naming `url`.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "notification providers",
    security(("bearer" = ["ADMIN"])),
    request_body = NewNotificationProvider,
    responses(
        (status = 201, description = "Created", body = NotificationProvider),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notification-providers")]
async fn create(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewNotificationProvider>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(providers::create(&state.db, &auth, body.0, &url_check).await?))
}

/// One provider. Header values are masked.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "notification providers",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Provider id")),
    responses(
        (status = 200, description = "The provider", body = NotificationProvider),
        (status = 404, description = "No such provider", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notification-providers/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(providers::get(&state.db, id.into_inner()).await?))
}

/// Changes the fields present. `headers` replaces the whole list; a header given without a
/// `value` keeps the value it had under that name.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "notification providers",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Provider id")),
    request_body = NotificationProviderPatch,
    responses(
        (status = 200, description = "Changed", body = NotificationProvider),
        (status = 404, description = "No such provider", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/notification-providers/{id}")]
async fn update(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
    body: Json<NotificationProviderPatch>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(providers::update(&state.db, &auth, id.into_inner(), body.0, &url_check).await?))
}

/// Deletes a provider.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "notification providers",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Provider id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such provider", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/notification-providers/{id}")]
async fn remove(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    providers::delete(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a test message through the provider (enabled or not) to the recipient given, with a
/// sample ticket, and answers what happened: `sent` with the provider's HTTP status, or
/// `failed` with the reason (a refused address, a timeout, an HTTP error...). Loopback and
/// private addresses are refused unless the global option `allow_private_network_targets` is on.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "notification providers",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Provider id")),
    request_body = ProviderTestRequest,
    responses(
        (status = 200, description = "The outcome", body = Delivery),
        (status = 404, description = "No such provider", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notification-providers/{id}/test")]
async fn test(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    id: web::Path<i64>,
    body: Json<ProviderTestRequest>,
) -> ApiResult<HttpResponse> {
    let provider = providers::config(&state.db, id.into_inner()).await?;
    let allow_private = allow_private_network_targets(&state.db).await?;
    let r = body.0.recipient;
    let contact = Contact {
        name: r.name.unwrap_or_else(|| "Test recipient".to_owned()),
        phone: r.phone,
        messenger_id: r.messenger_id,
        email: None,
    };
    let ticket = TicketFacts {
        id: 0,
        title: "Test message".to_owned(),
        priority: "low".to_owned(),
        status: "new".to_owned(),
    };
    let url = format!("{}/tickets", state.settings.links().public_url);
    let message = body.0.message.unwrap_or_else(|| "This is a test message from socdesk.".to_owned());
    if let Err(why) = contact.address(provider.kind) {
        return Ok(HttpResponse::Ok().json(Delivery {
            provider_id: provider.id,
            provider: provider.name,
            outcome: socdesk_types::notifications::Outcome::Failed,
            http_status: None,
            reason: Some(why),
        }));
    }
    let values = propagation::values(&ticket, &contact, Some(&message), &url);
    let rendered = socdesk_domain::notifications::template::render(&provider.template, &values);
    Ok(HttpResponse::Ok()
        .json(notify::deliver(&provider, &rendered, allow_private, Timeouts::default()).await))
}

/// Registers the notification provider routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update).service(remove).service(test);
}
