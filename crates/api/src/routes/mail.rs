//! Mail templates and the outbox (`ADMIN`).

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use socdesk_domain::{
    DomainError,
    mail::{
        outbox::{self, OutboxFilter},
        templates,
    },
};
use socdesk_types::{
    Page,
    mail::{
        Language, MailKind, MailPreview, MailPreviewRequest, MailTemplate, MailTemplatePatch, OutboxMessage,
        OutboxStatus,
    },
};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth},
    error::ApiResult,
    extract::{Json, Query},
    startup::AppState,
};

/// A template's kind and language from the path; an unknown one is a 404.
fn template_key(path: &(String, String)) -> ApiResult<(MailKind, Language)> {
    match (MailKind::parse(&path.0), Language::parse(&path.1)) {
        (Some(kind), Some(language)) => Ok((kind, language)),
        _ => Err(DomainError::NotFound("mail template").into()),
    }
}

/// Every mail template (request, review request, return notice, reminder, overdue notice) in
/// Korean and English: the administrator's version or the built-in default.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = ["ADMIN"])),
    responses((status = 200, description = "The templates", body = Vec<MailTemplate>))
)]
#[get("/mail-templates")]
async fn list_templates(state: web::Data<AppState>, _auth: Auth<Admin>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(templates::list(&state.db).await?))
}

/// One mail template.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = ["ADMIN"])),
    params(
        ("kind" = MailKind, Path, description = "Which mail"),
        ("language" = Language, Path, description = "Its language"),
    ),
    responses(
        (status = 200, description = "The template", body = MailTemplate),
        (status = 404, description = "No such kind or language", body = socdesk_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mail-templates/{kind}/{language}")]
async fn get_template(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (kind, language) = template_key(&path)?;
    Ok(HttpResponse::Ok().json(templates::get(&state.db, kind, language).await?))
}

/// Replaces a mail template. Placeholders are `{name}` (`{{`/`}}` for braces); each kind
/// lists the ones it fills, and others are refused.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = ["ADMIN"])),
    params(
        ("kind" = MailKind, Path, description = "Which mail"),
        ("language" = Language, Path, description = "Its language"),
    ),
    request_body = MailTemplatePatch,
    responses(
        (status = 200, description = "The template now", body = MailTemplate),
        (status = 404, description = "No such kind or language", body = socdesk_types::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid subject or body", body = socdesk_types::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/mail-templates/{kind}/{language}")]
async fn put_template(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    path: web::Path<(String, String)>,
    body: Json<MailTemplatePatch>,
) -> ApiResult<HttpResponse> {
    let (kind, language) = template_key(&path)?;
    Ok(HttpResponse::Ok().json(templates::put(&state.db, &auth, kind, language, body.0).await?))
}

/// Puts a mail template back to the built-in default.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = ["ADMIN"])),
    params(
        ("kind" = MailKind, Path, description = "Which mail"),
        ("language" = Language, Path, description = "Its language"),
    ),
    responses(
        (status = 200, description = "The default template", body = MailTemplate),
        (status = 404, description = "No such kind or language", body = socdesk_types::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/mail-templates/{kind}/{language}")]
async fn reset_template(
    state: web::Data<AppState>,
    auth: Auth<Admin>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (kind, language) = template_key(&path)?;
    Ok(HttpResponse::Ok().json(templates::reset(&state.db, &auth, kind, language).await?))
}

/// Renders a template with sample values: the stored one, or the subject and body sent (to
/// preview an edit before saving it).
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = ["ADMIN"])),
    request_body = MailPreviewRequest,
    responses(
        (status = 200, description = "The rendered mail", body = MailPreview),
        (status = 422, description = "Invalid subject or body", body = socdesk_types::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mail-templates/preview")]
async fn preview(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    body: Json<MailPreviewRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(templates::preview(&state.db, body.0).await?))
}

/// Filters and paging of the outbox.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Only mails in this state.
    pub status: Option<OutboxStatus>,
    /// Only mails about this explanation.
    pub explanation_id: Option<i64>,
}

/// The outbox, newest first: every mail written, whether delivered, its attempts and last
/// error. Without `SMTP_URL` mail stays here, pending.
///
/// Needs: `ADMIN`.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = ["ADMIN"])),
    params(OutboxQuery),
    responses((status = 200, description = "A page of mails", body = Page<OutboxMessage>))
)]
#[get("/outbox")]
async fn list_outbox(
    state: web::Data<AppState>,
    _auth: Auth<Admin>,
    query: Query<OutboxQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let page = socdesk_domain::pagination::PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let filter = OutboxFilter { status: query.status, explanation_id: query.explanation_id };
    Ok(HttpResponse::Ok().json(outbox::list(&state.db, &filter, &page).await?))
}

/// Registers the mail routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_templates)
        .service(preview)
        .service(get_template)
        .service(put_template)
        .service(reset_template)
        .service(list_outbox);
}
