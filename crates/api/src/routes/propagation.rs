//! Ticket propagation: a summary of the ticket with a link, sent to chosen people by SMS,
//! messenger or both.

use actix_web::{HttpResponse, post, web};
use socdesk_domain::{notifications::propagation, services::settings::allow_private_network_targets};
use socdesk_types::{
    Problem,
    notifications::{PropagateRequest, PropagateResponse},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, TicketEdit},
    error::ApiResult,
    extract::Json,
    notify,
    outbound::Timeouts,
    startup::AppState,
};

/// Sends the ticket's summary and link to each recipient (`{"kind": "account", "id": 3}` or
/// `{"kind": "employee", "id": "E1001"}`; an employee is reached at the phone and messenger id of
/// the account linked to them) on each channel (`sms`, `messenger`), through every enabled
/// provider of that channel, several calls at once. The answer lists, per recipient and
/// channel, `sent` (with the provider's HTTP status) or `failed` with the reason (no provider,
/// no phone number or messenger id, a refused address, a timeout, an HTTP error), and every
/// provider's own outcome. One history entry (`propagation`) and one audit entry record it.
///
/// Needs: `TICKET_EDIT` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = PropagateRequest,
    responses(
        (status = 200, description = "The result per recipient and channel", body = PropagateResponse),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/propagate")]
async fn propagate(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    id: web::Path<i64>,
    body: Json<PropagateRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let plan = propagation::plan(&state.db, &auth, id, &body.0).await?;
    let allow_private = allow_private_network_targets(&state.db).await?;
    let url = format!("{}/tickets?ticket={id}", state.settings.links().public_url);
    // No transaction is open while the providers are called.
    let response = notify::propagate(&plan, &url, allow_private, Timeouts::default()).await;
    propagation::record(&state.db, &auth, id, plan.message.as_deref(), &response).await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Registers the propagation route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(propagate);
}
