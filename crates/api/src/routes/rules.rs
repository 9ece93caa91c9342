//! Detection rules and their suppressions.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, post, put, web};
use serde::Deserialize;
use socdesk_domain::rules::{batch, service, suppressions};
use socdesk_types::{
    Page, Problem,
    rules::{NewRule, NewSuppression, Rule, RuleRun, Suppression},
};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth, TicketEdit, TicketView},
    error::ApiResult,
    extract::{Json, Query},
    routes::{PageQuery, if_match},
    startup::AppState,
};

fn with_etag(status: actix_web::http::StatusCode, rule: Rule) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, format!("\"{}\"", rule.version))).json(rule)
}

/// Lists the rules, by name, with their counters (matches, tickets, suppressed, errors).
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["TICKET_VIEW"])),
    params(PageQuery),
    responses((status = 200, description = "A page of rules", body = Page<Rule>))
)]
#[get("/rules")]
async fn list_rules(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    query: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.0.page()?;
    Ok(HttpResponse::Ok().json(service::list(&state.db, &page).await?))
}

/// Creates a rule. Stream rules (`condition`) test every record stored in their table; batch
/// rules (`batch`) run every `interval_secs` over the last `lookback_secs`. Everything is checked
/// now: a bad regex, CIDR, query or `{field}` template is a 422 naming the field.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["ADMIN"])),
    request_body = NewRule,
    responses(
        (status = 201, description = "Created", body = Rule),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rules")]
async fn create_rule(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    body: Json<NewRule>,
) -> ApiResult<HttpResponse> {
    Ok(with_etag(actix_web::http::StatusCode::CREATED, service::create(&state.db, &auth, body.0).await?))
}

/// One rule.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Rule id")),
    responses(
        (status = 200, description = "The rule", body = Rule),
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rules/{id}")]
async fn get_rule(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(with_etag(actix_web::http::StatusCode::OK, service::get(&state.db, id.into_inner()).await?))
}

/// Replaces a rule's definition (its counters stay). Send the version you read as `If-Match`
/// to get 412 instead of overwriting someone else's change. `enabled: false` turns it off.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["ADMIN"])),
    params(
        ("id" = i64, Path, description = "Rule id"),
        ("If-Match" = Option<String>, Header, description = "The version you read"),
    ),
    request_body = NewRule,
    responses(
        (status = 200, description = "The rule", body = Rule),
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The rule changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/rules/{id}")]
async fn replace_rule(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<NewRule>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req)?;
    Ok(with_etag(
        actix_web::http::StatusCode::OK,
        service::replace(&state.db, &auth, id.into_inner(), body.0, version).await?,
    ))
}

/// Deletes a rule and its suppressions. Its tickets stay.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Rule id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/rules/{id}")]
async fn delete_rule(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs a batch rule now, whatever its schedule, and answers what it created. Stream rules
/// answer 409: they run on every stored record.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["ADMIN"])),
    params(("id" = i64, Path, description = "Rule id")),
    responses(
        (status = 200, description = "What the run found and filed", body = RuleRun),
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a batch rule, or its tickets could not be written", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rules/{id}/run")]
async fn run_rule(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(batch::run(&state.db, id.into_inner(), &state.settings.filing()).await?))
}

/// Filters of the suppression list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SuppressionQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u64>,
    /// Only this rule's suppressions.
    rule_id: Option<i64>,
    /// Only those in force (not expired).
    active: Option<bool>,
}

/// Lists suppressions, newest first.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["TICKET_VIEW"])),
    params(SuppressionQuery),
    responses((status = 200, description = "A page of suppressions", body = Page<Suppression>))
)]
#[get("/suppressions")]
async fn list_suppressions(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    query: Query<SuppressionQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let page = PageQuery { cursor: q.cursor, limit: q.limit }.page()?;
    Ok(HttpResponse::Ok()
        .json(suppressions::list(&state.db, q.rule_id, q.active.unwrap_or(false), &page).await?))
}

/// Suppresses a rule's matches whose fields have these values: they are counted on the
/// suppression and open nothing until `expires_at` (never, when absent).
///
/// Needs: `TICKET_EDIT`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["TICKET_EDIT"])),
    request_body = NewSuppression,
    responses((status = 201, description = "Created", body = Suppression))
)]
#[post("/suppressions")]
async fn create_suppression(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    body: Json<NewSuppression>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(suppressions::create(&state.db, &auth, body.0).await?))
}

/// One suppression.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Suppression id")),
    responses(
        (status = 200, description = "The suppression", body = Suppression),
        (status = 404, description = "No such suppression", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/suppressions/{id}")]
async fn get_suppression(
    state: web::Data<AppState>,
    _auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(suppressions::get(&state.db, id.into_inner()).await?))
}

/// Deletes a suppression; matches open tickets again.
///
/// Needs: `TICKET_EDIT`.
#[utoipa::path(
    tag = "rules",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Suppression id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such suppression", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/suppressions/{id}")]
async fn delete_suppression(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    suppressions::delete(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the rule routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_rules)
        .service(create_rule)
        .service(get_rule)
        .service(replace_rule)
        .service(delete_rule)
        .service(run_rule)
        .service(list_suppressions)
        .service(create_suppression)
        .service(get_suppression)
        .service(delete_suppression);
}
