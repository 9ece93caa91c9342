//! Explanation requests: asking one (`EXPLANATION_AUDIT`, or `TICKET_EDIT` from a ticket),
//! reading it, the reviewers' decisions, and the violator's public token page.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use socdesk_domain::{
    DomainError,
    explanations::{
        bulk as explanation_bulk,
        list::{self as explanation_list, ExplanationFilter, ExplanationSort},
        service::{self, Links},
        trend as explanation_trend,
    },
    export::Source,
    pagination::PageRequest,
};
use socdesk_types::{
    Page, Problem,
    explanations::{
        BulkDelete, BulkReview, EmployeeExplanations, Explanation, ExplanationAction,
        ExplanationBulkResponse, ExplanationDetail, ExplanationStatus, ExplanationTrend, NewExplanation,
        Priority, PublicExplanation, ReviewRequest, SubmitExplanation, TrendView,
    },
    export::{EXPLANATION_COLUMNS, EXPLANATION_DEFAULT_COLUMNS},
};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, ExplanationAudit, TicketEdit, TicketView, client_ip},
    downloads::{self, ExportParams, Listing},
    error::{ApiError, ApiResult},
    extract::{Json, Query, SplitQuery},
    routes::comma_list,
    startup::AppState,
};

/// Filters, sort and paging of the explanation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExplanationListQuery {
    /// Requested at or after (RFC 3339); default: 30 days ago.
    pub from: Option<DateTime<Utc>>,
    /// Requested before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Comma-separated priorities, e.g. `high,medium`.
    pub priority: Option<String>,
    /// Comma-separated statuses, e.g. `new,returned`.
    pub status: Option<String>,
    /// Comma-separated category ids.
    pub category_id: Option<String>,
    pub violator_id: Option<String>,
    pub ticket_id: Option<i64>,
    /// Text in the message, the violator's name or id, or the category (case-insensitive).
    pub q: Option<String>,
    /// `created_at` (default `-created_at`), `deadline`, `priority`, `status`, `id`; prefix `-`
    /// for descending.
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

impl ExplanationListQuery {
    fn filter(&self) -> ApiResult<ExplanationFilter> {
        let mut errors = Vec::new();
        let priorities =
            comma_list("priority", self.priority.as_deref(), Priority::parse).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        let statuses =
            comma_list("status", self.status.as_deref(), ExplanationStatus::parse).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        let category_ids = comma_list("category_id", self.category_id.as_deref(), |s| s.parse::<i64>().ok())
            .unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        if !errors.is_empty() {
            return Err(ApiError::Domain(DomainError::Validation(errors)));
        }
        Ok(ExplanationFilter {
            from: self.from,
            to: self.to,
            priorities,
            statuses,
            category_ids,
            violator_id: self.violator_id.clone(),
            ticket_id: self.ticket_id,
            keyword: self.q.clone(),
        })
    }
}

/// The explanation list, newest request first by default; without `from`, the last 30 days.
///
/// Needs: any signed-in account; `EXPLANATION_VIEW` or `EXPLANATION_AUDIT` see all, others only
/// those they asked for or review.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(ExplanationListQuery),
    responses(
        (status = 200, description = "A page", body = Page<Explanation>),
        (status = 422, description = "Invalid filters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/explanations")]
async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: Query<ExplanationListQuery>,
) -> ApiResult<HttpResponse> {
    let filter = query.0.filter()?;
    let sort = ExplanationSort::parse(query.0.sort.as_deref())?;
    let page = PageRequest::parse(query.0.cursor.as_deref(), query.0.limit)?;
    Ok(HttpResponse::Ok().json(explanation_list::list(&state.db, &auth, &filter, sort, &page).await?))
}

/// Downloads the explanation list as a file, like `GET /api/tickets/export`: the list's
/// filters and sort (without `from`, the last 30 days), `range`, `columns` in order, `type` and
/// `encoding`. `cursor` and `limit` are refused (422).
///
/// Columns: `id`, `priority`, `status`, `violator`, `manager`, `auditor`, `owner`, `category`,
/// `ticket`, `result`, `created`, `deadline`, `violator_id`, `ticket_id`, `submitted`, `closed`,
/// `evidence_count`.
///
/// Needs: any signed-in account; the rows are those the caller's list shows.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(ExplanationListQuery, ExportParams),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (String = "application/vnd.ms-excel"),
            (String = "application/msword"),
            (String = "text/html"),
            (Vec<serde_json::Value> = "application/json"),
        )),
        (status = 422, description = "Invalid filters or export options", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/explanations/export")]
async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    query: SplitQuery<ExplanationListQuery, ExportParams>,
) -> ApiResult<HttpResponse> {
    let SplitQuery(q, params) = query;
    downloads::refuse_paging(q.cursor.as_deref(), q.limit)?;
    let source =
        Source::Explanations { filter: q.filter()?, sort: ExplanationSort::parse(q.sort.as_deref())? };
    let listing = Listing {
        source,
        catalogue: EXPLANATION_COLUMNS,
        defaults: EXPLANATION_DEFAULT_COLUMNS,
        stem: "explanations",
    };
    downloads::export(&state, &auth, listing, params).await
}

/// The trend's view and the list's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExplanationTrendQuery {
    /// `status` (default) or `result`.
    pub view: Option<TrendView>,
    /// Requested at or after (RFC 3339); default: 30 days ago.
    pub from: Option<DateTime<Utc>>,
    /// Requested before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Comma-separated priorities.
    pub priority: Option<String>,
    /// Comma-separated statuses.
    pub status: Option<String>,
    /// Comma-separated category ids.
    pub category_id: Option<String>,
    pub violator_id: Option<String>,
    pub ticket_id: Option<i64>,
    /// Text in the message, the violator's name or id, or the category.
    pub q: Option<String>,
}

/// Daily counts of requests by status, or by result (`view=result`), over the same filters as
/// the list (default: the last 30 days), in `SOCDESK_TIMEZONE` days.
///
/// Needs: any signed-in account (counting only what it may read).
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(ExplanationTrendQuery),
    responses(
        (status = 200, description = "A day per date", body = ExplanationTrend),
        (status = 422, description = "Invalid filters or period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/explanations/trend")]
async fn trend(
    state: web::Data<AppState>,
    auth: Auth,
    query: Query<ExplanationTrendQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let filter = ExplanationListQuery {
        from: q.from,
        to: q.to,
        priority: q.priority,
        status: q.status,
        category_id: q.category_id,
        violator_id: q.violator_id,
        ticket_id: q.ticket_id,
        q: q.q,
        sort: None,
        cursor: None,
        limit: None,
    }
    .filter()?;
    let view = q.view.unwrap_or(TrendView::Status);
    Ok(HttpResponse::Ok()
        .json(explanation_trend::trend(&state.db, &auth, &filter, view, state.settings.timezone).await?))
}

/// Reviews many explanations at once: `normal` / `violated` completes the audit with that
/// result, `return` sends them back to `new` and mails each violator a new link. The opinion is
/// required and recorded on each. One result per id.
///
/// Needs: `EXPLANATION_AUDIT`.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["EXPLANATION_AUDIT"])),
    request_body = BulkReview,
    responses(
        (status = 200, description = "A result per id", body = ExplanationBulkResponse),
        (status = 422, description = "No ids, too many, or no opinion", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/explanations/bulk-review")]
async fn bulk_review(
    state: web::Data<AppState>,
    auth: Auth<ExplanationAudit>,
    body: Json<BulkReview>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(explanation_bulk::review(&state.db, &auth, body.0, &links(&state)).await?))
}

/// Deletes explanations (with their evidence and history); each deletion is kept in the audit
/// log. One result per id.
///
/// Needs: `EXPLANATION_AUDIT`.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["EXPLANATION_AUDIT"])),
    request_body = BulkDelete,
    responses(
        (status = 200, description = "A result per id", body = ExplanationBulkResponse),
        (status = 422, description = "No ids, or too many", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/explanations/bulk-delete")]
async fn bulk_delete(
    state: web::Data<AppState>,
    auth: Auth<ExplanationAudit>,
    body: Json<BulkDelete>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(explanation_bulk::delete(&state.db, &auth, body.0).await?))
}

/// Mails the violator a new link with the request again; the old link stops working. Only
/// while the explanation waits for the violator (`new`, `returned`, `audit_returned`).
///
/// Needs: `EXPLANATION_AUDIT`.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["EXPLANATION_AUDIT"])),
    params(("id" = i64, Path, description = "Explanation id")),
    responses(
        (status = 200, description = "The explanation now", body = ExplanationDetail),
        (status = 404, description = "No such explanation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It does not wait for the violator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/explanations/{id}/reissue-link")]
async fn reissue_link(
    state: web::Data<AppState>,
    auth: Auth<ExplanationAudit>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let action = ExplanationAction::ReissueLink;
    Ok(HttpResponse::Ok()
        .json(service::change_link(&state.db, &auth, id.into_inner(), action, &links(&state)).await?))
}

/// Makes the violator's link stop working (no new one is sent).
///
/// Needs: `EXPLANATION_AUDIT`.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["EXPLANATION_AUDIT"])),
    params(("id" = i64, Path, description = "Explanation id")),
    responses(
        (status = 200, description = "The explanation now", body = ExplanationDetail),
        (status = 404, description = "No such explanation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/explanations/{id}/revoke-link")]
async fn revoke_link(
    state: web::Data<AppState>,
    auth: Auth<ExplanationAudit>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let action = ExplanationAction::RevokeLink;
    Ok(HttpResponse::Ok()
        .json(service::change_link(&state.db, &auth, id.into_inner(), action, &links(&state)).await?))
}

/// The ticket's Explanations tab: the explanations asked for from it, newest first.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Its explanations", body = Vec<Explanation>),
        (status = 404, description = "No such ticket on your sites", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/explanations")]
async fn of_ticket(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::of_ticket(&state.db, &auth, id.into_inner()).await?))
}

/// Paging of an employee's explanation history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeHistoryQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    pub limit: Option<u64>,
}

/// An employee's explanation history, newest first over every date, with counts of Normal,
/// Violated and undecided results: a reviewer sees repeat behaviour. Counts and rows cover what
/// the caller may read.
///
/// Needs: any signed-in account; without `EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or
/// `TICKET_EDIT`, only employees whose explanations the caller asked for or reviews.
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Employee id"), EmployeeHistoryQuery),
    responses(
        (status = 200, description = "The history", body = EmployeeExplanations),
        (status = 404, description = "No such employee", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/employees/{id}/explanations")]
async fn of_employee(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    query: Query<EmployeeHistoryQuery>,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::parse(query.0.cursor.as_deref(), query.0.limit)?;
    Ok(HttpResponse::Ok().json(explanation_list::of_employee(&state.db, &auth, &id, &page).await?))
}

fn links(state: &AppState) -> Links {
    state.settings.links()
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
    cfg.service(list)
        .service(export)
        .service(trend)
        .service(create)
        .service(bulk_review)
        .service(bulk_delete)
        .service(create_from_ticket)
        .service(of_ticket)
        .service(of_employee)
        .service(reissue_link)
        .service(revoke_link)
        .service(get_one)
        .service(review)
        .service(public_view)
        .service(public_submit);
}
