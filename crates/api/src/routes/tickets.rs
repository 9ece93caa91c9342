//! Tickets: create, read, workflow transitions, history.

use actix_web::{HttpResponse, get, post, web};
use socdesk_domain::tickets::service;
use socdesk_types::{
    Problem,
    tickets::{HistoryEntry, NewTicket, Ticket, TransitionRequest},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, TicketEdit, TicketView},
    error::ApiResult,
    extract::Json,
    startup::AppState,
};

/// Opens a ticket by hand (`created_by = user`). It starts `assigned` when it has an assignee,
/// else `new`. The site must be one of the caller's.
///
/// Needs: `TICKET_EDIT`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_EDIT"])),
    request_body = NewTicket,
    responses((status = 201, description = "Created", body = Ticket))
)]
#[post("/tickets")]
async fn create(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    body: Json<NewTicket>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::create(&state.db, &auth, body.0).await?))
}

/// One ticket, with `allowed_actions`: the workflow actions the caller may take now.
/// Another site's ticket answers 404.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}")]
async fn get(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::get(&state.db, &auth, id.into_inner()).await?))
}

/// Takes a workflow action: `start`, `back_to_assigned`, `submit` (assignees), `approve`,
/// `reject` (approvers), `close` (ADMIN, TICKET_EDIT or an approver), `reopen`, `restart`
/// (ADMIN, TICKET_EDIT). A refused transition answers 409 naming the current status and the
/// actions allowed; a role the caller lacks, or approving one's own ticket under separation of
/// duties, answers 403.
///
/// Needs: `TICKET_VIEW`, the ticket's site, and the role the action needs.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The ticket after the transition", body = Ticket),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible from the current status", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/transitions")]
async fn transition(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
    body: Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::transition(&state.db, &auth, id.into_inner(), body.0).await?))
}

/// Every change of the ticket, oldest first: who, when, which field, old and new value, comment.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The history", body = Vec<HistoryEntry>),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/history")]
async fn history(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::history_of(&state.db, &auth, id.into_inner()).await?))
}

/// Registers the ticket routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(get).service(transition).service(history);
}
