//! Explanation requests: asking one (`EXPLANATION_AUDIT`, or `TICKET_EDIT` from a ticket),
//! reading it, the reviewers' decisions, and the violator's public token page.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use socdesk_domain::explanations::service::{self, Links};
use socdesk_types::{
    Problem,
    explanations::{ExplanationDetail, NewExplanation, PublicExplanation, ReviewRequest, SubmitExplanation},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, ExplanationAudit, TicketEdit, client_ip},
    error::ApiResult,
    extract::Json,
    startup::AppState,
};

fn links(state: &AppState) -> Links {
    Links { public_url: state.settings.public_url.clone() }
}

/// Asks an employee for an explanation: the request mail (with their personal link) goes out
/// through the outbox. The manager defaults to the automatic primary reviewer; with
/// `ticket_id` the ticket's evidence is copied; `evidence_record_ids` copies stored log records
/// whose `emp_key` is the violator's id.
///
/// Needs: `EXPLANATION_AUDIT`.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["EXPLANATION_AUDIT"])),
    request_body = NewExplanation,
    responses(
        (status = 201, description = "Requested", body = ExplanationDetail),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/explanations")]
async fn create(
    state: web::Data<AppState>,
    auth: Auth<ExplanationAudit>,
    body: Json<NewExplanation>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::create(&state.db, &auth, body.0, &links(&state)).await?))
}

/// The ticket's Explanation Request: asks for an explanation about this ticket, copying its
/// evidence (any `ticket_id` in the body is replaced by the path's).
///
/// Needs: `TICKET_EDIT` and the ticket's site.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = NewExplanation,
    responses(
        (status = 201, description = "Requested", body = ExplanationDetail),
        (status = 422, description = "Invalid fields (an unknown or invisible ticket included)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/explanations")]
async fn create_from_ticket(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    id: web::Path<i64>,
    body: Json<NewExplanation>,
) -> ApiResult<HttpResponse> {
    let mut new = body.0;
    new.ticket_id = Some(id.into_inner());
    Ok(HttpResponse::Created().json(service::create(&state.db, &auth, new, &links(&state)).await?))
}

/// One explanation: summary, request message, evidence by schema, history and the caller's
/// `allowed_actions`.
///
/// Needs: `EXPLANATION_VIEW`, `EXPLANATION_AUDIT`, or being its manager or auditor (others: 404).
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Explanation id")),
    responses(
        (status = 200, description = "The explanation", body = ExplanationDetail),
        (status = 404, description = "No such explanation, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/explanations/{id}")]
async fn get_one(state: web::Data<AppState>, auth: Auth, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::get(&state.db, &auth, id.into_inner()).await?))
}

/// A reviewer's decision: `return` (comment required; the violator gets a new link), `normal`
/// or `violated` (closes it, or passes it to the auditor).
///
/// Needs: an account linked to the employee who is the explanation's manager (on `submitted`)
/// or auditor (on `awaiting`); any other account gets 403 saying why.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Explanation id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The explanation now", body = ExplanationDetail),
        (status = 403, description = "Not this explanation's reviewer, or not an employee account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in a status this reviewer acts on", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/explanations/{id}/review")]
async fn review(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(service::review(&state.db, &auth, id.into_inner(), body.0, &links(&state)).await?))
}

/// The violator's page, opened from the link in their mail: their own request only. Unknown,
/// expired and used links all get the same 404; guessing is throttled per address (429).
///
/// Needs: nothing but the link.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The token from the link")),
    responses(
        (status = 200, description = "The request", body = PublicExplanation),
        (status = 404, description = "No live link", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown links from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/public/explanations/{token}")]
async fn public_view(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    Ok(HttpResponse::Ok().json(service::public_view(&state.db, &token, &ip).await?))
}

/// Submits the violator's explanation: the link is used up and the manager is mailed.
///
/// Needs: nothing but the link.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The token from the link")),
    request_body = SubmitExplanation,
    responses(
        (status = 204, description = "Submitted"),
        (status = 404, description = "No live link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The deadline passed, or it was submitted already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown links from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/public/explanations/{token}/submit")]
async fn public_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: Json<SubmitExplanation>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    service::submit(&state.db, &token, &ip, body.0, &links(&state)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the explanation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create)
        .service(create_from_ticket)
        .service(get_one)
        .service(review)
        .service(public_view)
        .service(public_submit);
}
