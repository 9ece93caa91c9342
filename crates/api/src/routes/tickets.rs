//! Tickets: list, export, trend, metrics, create, read, edit, workflow, bulk actions, history,
//! memos, related.

use actix_web::{HttpRequest, HttpResponse, get, http::header, patch, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use socdesk_domain::{
    DomainError,
    export::Source,
    pagination::PageRequest,
    tickets::{
        bulk, evidence,
        list::{self, TicketFilter, TicketSort},
        memos, occurrences, related, service, stats, templates, update,
    },
};
use socdesk_types::{
    Page, Problem,
    export::{TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS},
    logs::Occurrences,
    tickets::{
        BulkRequest, BulkResponse, CreatedBy, EvidenceRecord, HistoryEntry, Memo, NewMemo, NewTicket,
        Priority, RelatedTicket, Ticket, TicketMetrics, TicketPatch, TicketStatus, TicketSummary,
        TicketTemplate, TicketTrend, TransitionRequest,
    },
};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, TicketEdit, TicketView},
    downloads::{self, ExportParams, Listing},
    error::{ApiError, ApiResult},
    extract::{Json, Query, SplitQuery},
    routes::{PageQuery, comma_list, if_match},
    startup::AppState,
};

/// A ticket answer with its version as the `ETag`, for a later `If-Match`.
fn with_etag(status: actix_web::http::StatusCode, ticket: Ticket) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, format!("\"{}\"", ticket.version))).json(ticket)
}

/// Filters, sort and paging of the ticket list (and, later, its trend, metrics and export).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketListQuery {
    /// Created at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub site_id: Option<i64>,
    pub category_id: Option<i64>,
    /// Comma-separated priorities, e.g. `high,medium`.
    pub priority: Option<String>,
    /// Comma-separated statuses, e.g. `new,assigned,in_progress`.
    pub status: Option<String>,
    pub assignee_id: Option<i64>,
    pub approver_id: Option<i64>,
    pub created_by: Option<CreatedBy>,
    pub tag_id: Option<i64>,
    /// Text in the title, body or fields (case-insensitive).
    pub q: Option<String>,
    /// `created_at` (default `-created_at`), `modified_at`, `priority`, `status`, `title`, `id`,
    /// `closed_at` (open tickets last in both directions), `duplicate_count`; prefix `-` for
    /// descending. Ties are broken by id in the same direction.
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

impl TicketListQuery {
    /// The domain filter this query asks for.
    pub fn filter(&self) -> ApiResult<TicketFilter> {
        let mut errors = Vec::new();
        let priorities =
            comma_list("priority", self.priority.as_deref(), Priority::parse).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        let statuses =
            comma_list("status", self.status.as_deref(), TicketStatus::parse).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
        if !errors.is_empty() {
            return Err(ApiError::Domain(DomainError::Validation(errors)));
        }
        Ok(TicketFilter {
            from: self.from,
            to: self.to,
            site_id: self.site_id,
            category_id: self.category_id,
            priorities,
            statuses,
            assignee_id: self.assignee_id,
            approver_id: self.approver_id,
            created_by: self.created_by,
            tag_id: self.tag_id,
            keyword: self.q.clone(),
        })
    }
}

/// Lists the tickets of the caller's sites matching every given filter, sorted, one keyset page
/// at a time, with the total count.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(TicketListQuery),
    responses((status = 200, description = "A page of tickets", body = Page<TicketSummary>))
)]
#[get("/tickets")]
async fn list_tickets(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    query: Query<TicketListQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let filter = q.filter()?;
    let sort = TicketSort::parse(q.sort.as_deref())?;
    let page = PageRequest::parse(q.cursor.as_deref(), q.limit)?;
    Ok(HttpResponse::Ok().json(list::list(&state.db, &auth, &filter, sort, &page).await?))
}

/// Downloads the ticket list as a file: the list's filters and sort, `range` of its rows (1-based,
/// inclusive), `columns` in the file's order, `type` and `encoding`; the file name in
/// `Content-Disposition` (RFC 6266, `filename*` for non-ASCII names). Streamed as it is read, so
/// any number of rows costs flat memory. Text a spreadsheet would take for a formula is prefixed
/// with `'` in CSV; a character the encoding cannot hold is replaced. `cursor` and `limit` are
/// refused (422): choose rows with `range`.
///
/// Columns: `id`, `category`, `priority`, `status`, `title`, `assignees`, `attack`, `incident`,
/// `created`, `explanation_status`, `site`, `approvers`, `registered_by`, `duplicate_count`,
/// `format`, `closed`, `modified`, `kind`, `tags`, `created_by`, `risk_score`.
///
/// Needs: `TICKET_VIEW` (the caller's sites only).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(TicketListQuery, ExportParams),
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
#[get("/tickets/export")]
async fn export(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    query: SplitQuery<TicketListQuery, ExportParams>,
) -> ApiResult<HttpResponse> {
    let SplitQuery(q, params) = query;
    downloads::refuse_paging(q.cursor.as_deref(), q.limit)?;
    let source = Source::Tickets { filter: q.filter()?, sort: TicketSort::parse(q.sort.as_deref())? };
    let listing =
        Listing { source, catalogue: TICKET_COLUMNS, defaults: TICKET_DEFAULT_COLUMNS, stem: "tickets" };
    downloads::export(&state, &auth, listing, params).await
}

/// Changes the fields present in the body, each recorded in the history. Send the version you
/// edited as `If-Match`: if the ticket changed meanwhile the answer is 412 and nothing changes.
/// Setting assignees on a `new` ticket makes it `assigned`. Tickets opened by a detection rule
/// refuse title, body and field edits with 403.
///
/// Needs: `TICKET_EDIT` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_EDIT"])),
    params(
        ("id" = i64, Path, description = "Ticket id"),
        ("If-Match" = Option<String>, Header, description = "The version you edited, e.g. \"3\""),
    ),
    request_body = TicketPatch,
    responses(
        (status = 200, description = "The changed ticket", body = Ticket),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket changed since that version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tickets/{id}")]
async fn update_ticket(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<TicketPatch>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req)?;
    let ticket = update::update(&state.db, &auth, id.into_inner(), version, body.0).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, ticket))
}

/// Opens a ticket by hand (`created_by = user`). It starts `assigned` when it has an assignee,
/// else `new`. The site must be one of the caller's. `attachment_ids` (at most 20) are files you
/// uploaded with `POST /api/attachments` and have not attached yet: they become the body's files
/// in the same transaction, recorded in the history (`attachments`). Any invalid field, such as
/// an id that is not an unattached upload of yours (`attachment_ids[1]`), is a 422 and nothing is
/// created.
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
    Ok(with_etag(actix_web::http::StatusCode::CREATED, service::create(&state.db, &auth, body.0).await?))
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
    Ok(with_etag(actix_web::http::StatusCode::OK, service::get(&state.db, &auth, id.into_inner()).await?))
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
    Ok(with_etag(
        actix_web::http::StatusCode::OK,
        service::transition(&state.db, &auth, id.into_inner(), body.0).await?,
    ))
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

/// Applies one action to many tickets in one transaction: `assign`, `set_approvers`, `restart`,
/// `close` (with `comment` as the shared reason), `tags` (empty removes all), `attack`,
/// `incident`. The answer has one result per ticket: a ticket you cannot see (404) or whose
/// transition is refused (409/403) is reported, and the others are changed.
///
/// Needs: `TICKET_EDIT`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_EDIT"])),
    request_body = BulkRequest,
    responses((status = 200, description = "What happened to each ticket", body = BulkResponse))
)]
#[post("/tickets/bulk")]
async fn bulk_action(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    body: Json<BulkRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(bulk::apply(&state.db, &auth, body.0).await?))
}

/// The memos of a ticket, oldest first, each with its sanitised HTML.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The memos", body = Vec<Memo>),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/memos")]
async fn list_memos(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(memos::list(&state.db, &auth, id.into_inner()).await?))
}

/// Writes a memo (Markdown by default). Its text becomes searchable with the ticket.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = NewMemo,
    responses(
        (status = 201, description = "The memo", body = Memo),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/memos")]
async fn create_memo(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
    body: Json<NewMemo>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(memos::create(&state.db, &auth, id.into_inner(), body.0).await?))
}

/// For each day of the period (`from`/`to`, default the last 30 days; at most 366), the tickets
/// created that day by current status, counted in the server's time zone. Takes the list's
/// filters.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(TicketListQuery),
    responses((status = 200, description = "One entry per day", body = TicketTrend))
)]
#[get("/tickets/trend")]
async fn trend(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    query: Query<TicketListQuery>,
) -> ApiResult<HttpResponse> {
    let filter = query.0.filter()?;
    Ok(HttpResponse::Ok().json(stats::trend(&state.db, &auth, &filter, state.settings.timezone).await?))
}

/// Over the list's filters: the count, per-status counts, and the median and 90th percentile of
/// time to assign (MTTA) and time to close (MTTR), in seconds.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(TicketListQuery),
    responses((status = 200, description = "Counts and response times", body = TicketMetrics))
)]
#[get("/tickets/metrics")]
async fn metrics(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    query: Query<TicketListQuery>,
) -> ApiResult<HttpResponse> {
    let filter = query.0.filter()?;
    Ok(HttpResponse::Ok().json(stats::metrics(&state.db, &auth, &filter).await?))
}

/// Parameters of the related-ticket lookup.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct RelatedQuery {
    /// Also tickets whose source or destination IP lies in this network, e.g. `10.0.0.0/24`.
    cidr: Option<String>,
}

/// Other tickets (of your sites) sharing this ticket's source IP, destination IP or host, and
/// with `cidr` those inside that network; newest first, at most 50, each with what matched.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id"), RelatedQuery),
    responses(
        (status = 200, description = "Related tickets", body = Vec<RelatedTicket>),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/related")]
async fn related_tickets(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
    query: Query<RelatedQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(related::related(&state.db, &auth, id.into_inner(), query.0.cidr.as_deref()).await?))
}

/// The detection templates (Network, Endpoint, Email) and their fields, for the Add panel.
///
/// Needs: any signed-in account.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    responses((status = 200, description = "The templates", body = Vec<TicketTemplate>))
)]
#[get("/ticket-templates")]
async fn ticket_templates(_auth: Auth) -> HttpResponse {
    HttpResponse::Ok().json(templates::all())
}

/// The raw records that triggered the ticket (its evidence), oldest first.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id"), PageQuery),
    responses(
        (status = 200, description = "A page of evidence records", body = Page<EvidenceRecord>),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/evidence")]
async fn ticket_evidence(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
    query: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(evidence::list(&state.db, &auth, id.into_inner(), &page).await?))
}

/// How often the attack behind a rule ticket was seen: the count (first sighting included),
/// first and last seen, the evidence kept, and an hourly timeline.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The occurrences", body = Occurrences),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/occurrences")]
async fn ticket_occurrences(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(occurrences::of(&state.db, &auth, id.into_inner()).await?))
}

/// Registers the ticket routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tickets)
        .service(export)
        .service(bulk_action)
        .service(trend)
        .service(metrics)
        .service(create)
        .service(get)
        .service(update_ticket)
        .service(transition)
        .service(history)
        .service(list_memos)
        .service(create_memo)
        .service(related_tickets)
        .service(ticket_templates)
        .service(ticket_evidence)
        .service(ticket_occurrences);
}
