//! Files a violator attaches to their explanation through the token page, and their download by
//! the violator (with a live link) and by those who may read the explanation.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use socdesk_domain::explanations::attachments;
use socdesk_types::{Problem, tickets::Attachment};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, client_ip},
    error::ApiResult,
    routes::attachments::{UploadForm, as_download, read_upload},
    startup::AppState,
};

/// Uploads a file for the violator's next submission (multipart field `file`, at most
/// `SOCDESK_MAX_ATTACHMENT_BYTES`); name its id in `attachment_ids` when submitting. Accepted
/// while submission is open; at most 20 uploads wait for a submission at once. Takes documents
/// and images (PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, BMP, TIFF,
/// HEIF) and plain text (`.txt`, `.csv`, `.log`, `.md`, `.eml`), recognised by their content
/// under a name that agrees with it; anything else is a 415.
///
/// Needs: nothing but the link.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The token from the link")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Attachment),
        (status = 404, description = "No live link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submission closed, or too many files waiting", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a document or image its name agrees with", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown links from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/public/explanations/{token}/attachments")]
async fn public_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    mut form: Multipart,
) -> ApiResult<HttpResponse> {
    let (file_name, _claimed_type, data) =
        read_upload(&req, &mut form, state.settings.max_attachment_bytes).await?;
    let ip = client_ip(&req, state.settings.trust_proxy);
    let stored = attachments::upload(&state.db, &token, &ip, &file_name, data).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// Downloads a file of the explanation the link opens (always as a download, `nosniff`).
///
/// Needs: nothing but the link.
#[utoipa::path(
    tag = "public",
    params(
        ("token" = String, Path, description = "The token from the link"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "No live link, or no such file of it", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown links from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/public/explanations/{token}/attachments/{attachment_id}")]
async fn public_download(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (token, attachment_id) = path.into_inner();
    let ip = client_ip(&req, state.settings.trust_proxy);
    let (meta, data) = attachments::fetch_public(&state.db, &token, &ip, attachment_id).await?;
    Ok(as_download(meta, data))
}

/// Downloads a file the violator attached (always as a download, `nosniff`).
///
/// Needs: being able to read the explanation (`EXPLANATION_VIEW`, `EXPLANATION_AUDIT`, its
/// owner, manager or auditor).
#[utoipa::path(
    tag = "explanations",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Explanation id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "No such explanation or file, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/explanations/{id}/attachments/{attachment_id}")]
async fn download(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment_id) = path.into_inner();
    let (meta, data) = attachments::fetch(&state.db, &auth, id, attachment_id).await?;
    Ok(as_download(meta, data))
}

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(public_upload).service(public_download).service(download);
}
