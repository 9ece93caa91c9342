//! Previewing Markdown (and text and JSON bodies) as the server renders them.

use actix_web::{HttpResponse, post, web};
use socdesk_domain::{DomainError, markdown};
use socdesk_types::markdown::{MarkdownPreview, MarkdownPreviewRequest};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{auth::Auth, error::ApiResult, extract::Json};

/// Renders `body` written in `format` (`markdown` by default, `text` or `json`) to the sanitised
/// HTML a ticket body or memo holding it would show: the server's own renderer, so scripts,
/// event handlers such as `onerror=`, and `javascript:`/`data:` links are removed exactly as they
/// would be on save. Nothing is stored. A body over 1,000,000 characters is a 422 naming `body`.
///
/// Needs: any signed-in account.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = MarkdownPreviewRequest,
    responses((status = 200, description = "The rendered HTML", body = MarkdownPreview))
)]
#[post("/markdown/preview")]
async fn preview(_auth: Auth, body: Json<MarkdownPreviewRequest>) -> ApiResult<HttpResponse> {
    // A long body takes a while to render: keep it off the thread that serves other requests.
    let rendered = web::block(move || markdown::preview(&body.0))
        .await
        .map_err(|e| DomainError::Internal(format!("markdown preview did not finish: {e}")))??;
    Ok(HttpResponse::Ok().json(rendered))
}

/// Registers the Markdown routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(preview);
}
