//! Log schemas, log tables, record ingest (`POST /api/logs/{table}`) and search.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use socdesk_domain::logs::{
    catalog,
    ingest::{self, Line},
    search,
};
use socdesk_types::{
    Page, Problem,
    logs::{IngestResult, LogRecord, LogSchema, LogSearch, LogTable, NewLogSchema, NewLogTable},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth, TicketEdit, TicketView},
    error::{ApiError, ApiResult},
    extract::{Json, Query},
    routes::PageQuery,
    startup::AppState,
};

/// Lists the log schemas, by name.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["TICKET_VIEW"])),
    params(PageQuery),
    responses((status = 200, description = "A page of schemas", body = Page<LogSchema>))
)]
#[get("/log-schemas")]
async fn list_schemas(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    query: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(catalog::list_schemas(&state.db, &page).await?))
}

/// Creates a log schema: a named list of typed fields that records of its tables may carry.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["ADMIN"])),
    request_body = NewLogSchema,
    responses(
        (status = 201, description = "Created", body = LogSchema),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/log-schemas")]
async fn create_schema(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewLogSchema>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(catalog::create_schema(&state.db, &auth, body.0).await?))
}

/// Lists the log tables, by name, with their record counts.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["TICKET_VIEW"])),
    params(PageQuery),
    responses((status = 200, description = "A page of tables", body = Page<LogTable>))
)]
#[get("/log-tables")]
async fn list_tables(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    query: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(catalog::list_tables(&state.db, &page).await?))
}

/// Creates a log table under a schema; records arrive at `POST /api/logs/{name}`.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["ADMIN"])),
    request_body = NewLogTable,
    responses(
        (status = 201, description = "Created", body = LogTable),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/log-tables")]
async fn create_table(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewLogTable>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(catalog::create_table(&state.db, &auth, body.0).await?))
}

/// One log table.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("table" = String, Path, description = "Table name")),
    responses(
        (status = 200, description = "The table", body = LogTable),
        (status = 404, description = "No such table", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/log-tables/{table}")]
async fn get_table(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    table: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(catalog::get_table(&state.db, &table).await?))
}

/// The body's lines: a JSON array (or one object), or NDJSON (one object per line; blank lines
/// are skipped but keep their numbers).
fn lines_of(content_type: &str, body: &[u8]) -> ApiResult<Vec<Line>> {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => {
            let value: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
            let values = match value {
                serde_json::Value::Array(values) => values,
                object @ serde_json::Value::Object(_) => vec![object],
                _ => {
                    return Err(ApiError::invalid("body", "must be a JSON array of records (or one record)"));
                }
            };
            Ok(values
                .into_iter()
                .enumerate()
                .map(|(i, v)| Line { number: i as u64 + 1, content: Ok(v) })
                .collect())
        }
        "application/x-ndjson" | "application/jsonl" => {
            let text = std::str::from_utf8(body)
                .map_err(|e| ApiError::BadRequest(format!("the body is not UTF-8: {e}")))?;
            Ok(text
                .split('\n')
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| Line {
                    number: i as u64 + 1,
                    content: serde_json::from_str(l.trim_end_matches('\r'))
                        .map_err(|e| format!("not valid JSON: {e}")),
                })
                .collect())
        }
        _ => Err(ApiError::UnsupportedMediaType(
            "send records as application/json (an array) or application/x-ndjson (one per line)".into(),
        )),
    }
}

/// Stores a batch of records in a log table and runs the table's stream rules over them, in one
/// transaction: the answer means the records and the tickets they opened are committed.
///
/// The body is a JSON array (`application/json`) or one record per line
/// (`application/x-ndjson`), at most `SOCDESK_INGEST_MAX_RECORDS` records and
/// `SOCDESK_INGEST_MAX_BYTES` bytes. A record is an object with optional `_id` (makes a resend
/// harmless: a stored `_id` is counted as a duplicate and triggers nothing), `_time` (RFC 3339 or
/// Unix seconds; default now), `emp_key`, and the schema's fields. Bad lines are rejected one by
/// one, with their line number, field and reason, and never stop the good ones.
///
/// Needs: `TICKET_EDIT` (an API key of an integration account).
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("table" = String, Path, description = "Table name")),
    request_body(
        description = "Records",
        content(
            (Vec<serde_json::Map<String, serde_json::Value>> = "application/json"),
            (String = "application/x-ndjson"),
        ),
    ),
    responses(
        (status = 200, description = "What became of every line", body = IngestResult),
        (status = 404, description = "No such table", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than `SOCDESK_INGEST_MAX_BYTES`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than `SOCDESK_INGEST_MAX_RECORDS` records, or not an array", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor NDJSON", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/logs/{table}")]
async fn ingest_records(
    state: web::Data<AppState>,
    _auth: Auth<TicketEdit>,
    req: HttpRequest,
    table: web::Path<String>,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let settings = &state.settings;
    let limit = settings.ingest_max_bytes;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Refuse the wrong type and an oversize declared length before reading anything.
    lines_of(content_type, b"[]")?;
    let body = crate::extract::read_limited(&req, &mut payload, limit).await?;
    let lines = lines_of(content_type, &body)?;
    if lines.len() > settings.ingest_max_records {
        return Err(ApiError::invalid(
            "body",
            format!(
                "holds {} records; send at most {} per request",
                lines.len(),
                settings.ingest_max_records
            ),
        ));
    }
    let result = ingest::ingest(&state.db, &table, lines, &settings.filing()).await?;
    state.metrics.ingested(&result);
    Ok(HttpResponse::Ok().json(result))
}

/// Searches a log table, newest first: a period (`from`..`to`, default the last 24 hours),
/// keywords (all or any), a query expression and an employee key; at most `max_records` matches,
/// paged by `cursor`. A malformed query is a 422 whose message names the column of the mistake.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "logs",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("table" = String, Path, description = "Table name")),
    request_body = LogSearch,
    responses(
        (status = 200, description = "A page of matching records; `total` counts up to `max_records`", body = Page<LogRecord>),
        (status = 404, description = "No such table", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/logs/{table}/search")]
async fn search_records(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    table: web::Path<String>,
    body: Json<LogSearch>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(search::search(&state.db, &table, body.0).await?))
}

/// Registers the log routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_schemas)
        .service(create_schema)
        .service(list_tables)
        .service(create_table)
        .service(get_table)
        .service(ingest_records)
        .service(search_records);
}
