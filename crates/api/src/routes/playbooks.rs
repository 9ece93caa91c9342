//! Playbooks, their runs on tickets, and a ticket's tasks.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::StatusCode, http::header, post, put, web};
use serde::Deserialize;
use socdesk_domain::playbooks::{runs, service};
use socdesk_types::{
    Page, Problem,
    playbooks::{NewPlaybook, Playbook, PlaybookRun, RunPlaybook, RunStarted},
};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth, TicketEdit, TicketView},
    error::ApiResult,
    extract::{Json, Query},
    outbound,
    routes::{PageQuery, if_match},
    startup::AppState,
};

fn with_etag(status: StatusCode, playbook: Playbook) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, format!("\"{}\"", playbook.version)))
        .json(playbook)
}

/// The save-time check of a webhook URL: syntax and scheme only (the address is checked when
/// the step runs, as DNS may change).
fn url_ok(raw: &str) -> Result<(), String> {
    outbound::parse(raw).map(|_| ()).map_err(|e| e.to_string())
}

/// Filters of the playbook list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PlaybookQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u64>,
    /// Only playbooks that can be run.
    enabled: Option<bool>,
}

/// Lists the playbooks, by name. Accounts without `ADMIN` see webhook URLs cut to their origin
/// and no webhook headers (`redacted: true`).
///
/// Needs: `TICKET_EDIT` (who may run them).
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["TICKET_EDIT"])),
    params(PlaybookQuery),
    responses((status = 200, description = "A page of playbooks", body = Page<Playbook>))
)]
#[get("/playbooks")]
async fn list_playbooks(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    query: Query<PlaybookQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let page = PageQuery { cursor: q.cursor, limit: q.limit }.page()?;
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, q.enabled.unwrap_or(false), &page).await?))
}

/// Creates a playbook: ordered `steps`, each `{"kind", "params"}` — `set_priority`
/// `{priority}`, `add_tags` `{tag_ids}`, `assign` `{account_ids}`, `add_memo` `{body, format}`,
/// `call_webhook` `{url, headers, body_template}`, `request_explanation` `{category_id,
/// deadline_days, message, priority}`. Every parameter is checked now: a 422 names e.g.
/// `steps[2].params.priority`.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["ADMIN"])),
    request_body = NewPlaybook,
    responses(
        (status = 201, description = "Created", body = Playbook),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/playbooks")]
async fn create_playbook(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewPlaybook>,
) -> ApiResult<HttpResponse> {
    Ok(with_etag(StatusCode::CREATED, service::create(&state.db, &auth, body.0, url_ok).await?))
}

/// One playbook (redacted for accounts without `ADMIN`, as in the list).
///
/// Needs: `TICKET_EDIT`.
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Playbook id")),
    responses(
        (status = 200, description = "The playbook", body = Playbook),
        (status = 404, description = "No such playbook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/playbooks/{id}")]
async fn get_playbook(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(with_etag(StatusCode::OK, service::get(&state.db, &auth, id.into_inner()).await?))
}

/// Replaces a playbook. Runs already started keep the steps they started with. Send the version
/// you read as `If-Match` to get 412 instead of overwriting someone else's change.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["ADMIN"])),
    params(
        ("id" = i64, Path, description = "Playbook id"),
        ("If-Match" = Option<String>, Header, description = "The version you read"),
    ),
    request_body = NewPlaybook,
    responses(
        (status = 200, description = "The playbook", body = Playbook),
        (status = 404, description = "No such playbook", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The playbook changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/playbooks/{id}")]
async fn replace_playbook(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<NewPlaybook>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req)?;
    Ok(with_etag(
        StatusCode::OK,
        service::replace(&state.db, &auth, id.into_inner(), body.0, version, url_ok).await?,
    ))
}

/// Deletes a playbook. Its runs stay on the tickets, under its name.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Playbook id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such playbook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/playbooks/{id}")]
async fn delete_playbook(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs an enabled playbook on tickets, in the background: a run per ticket, a task per step,
/// acting as you (history and audit name you). Answers at once with a run id per ticket; a
/// ticket you cannot see is reported as not found. Follow the tasks at
/// `GET /api/tickets/{id}/tasks`. A failed step stops that ticket's run (later steps are
/// `skipped`).
///
/// Needs: `TICKET_EDIT`.
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Playbook id")),
    request_body = RunPlaybook,
    responses(
        (status = 202, description = "Started, per ticket", body = RunStarted),
        (status = 404, description = "No such playbook", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The playbook is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/playbooks/{id}/run")]
async fn run_playbook(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    id: web::Path<i64>,
    body: Json<RunPlaybook>,
) -> ApiResult<HttpResponse> {
    let started = runs::start(&state.db, &auth, id.into_inner(), body.0).await?;
    state.playbook_wake.notify_one();
    Ok(HttpResponse::Accepted().json(started))
}

/// The ticket's playbook runs, newest first, each with its tasks in step order (status, output,
/// times): the Tasks tab.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "playbooks",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Its runs", body = Vec<PlaybookRun>),
        (status = 404, description = "No such ticket on your sites", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/tasks")]
async fn ticket_tasks(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(runs::of_ticket(&state.db, &auth, id.into_inner()).await?))
}

/// Registers the playbook routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_playbooks)
        .service(create_playbook)
        .service(get_playbook)
        .service(replace_playbook)
        .service(delete_playbook)
        .service(run_playbook)
        .service(ticket_tasks);
}
