//! Uploading and downloading attachments, and the files of a ticket's body.

use actix_multipart::{Multipart, MultipartError};
use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, post, web};
use futures_util::StreamExt;
use socdesk_domain::tickets::attachments;
use socdesk_types::{
    Problem,
    tickets::{AttachFiles, Attachment},
};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, TicketEdit, TicketView},
    error::{ApiError, ApiResult},
    extract::Json,
    startup::AppState,
};

/// The multipart form of an upload.
#[derive(ToSchema)]
#[expect(dead_code, reason = "describes the multipart body for the OpenAPI document only")]
pub(crate) struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn multipart_error(e: MultipartError) -> ApiError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::UnsupportedMediaType(
            "the body must be multipart/form-data with a field named file".into(),
        ),
        other => ApiError::BadRequest(format!("the upload could not be read: {other}")),
    }
}

/// Uploads a file (multipart field `file`, at most `SOCDESK_MAX_ATTACHMENT_BYTES`, 20 MiB by
/// default). It is stored in the database, visible only to you until you attach it, once: to a
/// memo or a new ticket with their `attachment_ids`, or to a ticket's body with
/// `POST /api/tickets/{id}/attachments`. An oversize upload is refused with 413 before it is read when its
/// `Content-Length` says so.
///
/// Needs: `TICKET_VIEW`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Stored", body = Attachment))
)]
#[post("/attachments")]
async fn upload(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    req: HttpRequest,
    mut form: Multipart,
) -> ApiResult<HttpResponse> {
    let (file_name, content_type, data) =
        read_upload(&req, &mut form, state.settings.max_attachment_bytes).await?;
    let stored = attachments::store(&state.db, &auth, &file_name, content_type.as_deref(), data).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// Reads the multipart field `file` of an upload: (file name, declared type, bytes). Refuses a
/// body over `limit` with 413, before reading it when `Content-Length` says so.
pub(crate) async fn read_upload(
    req: &HttpRequest,
    form: &mut Multipart,
    limit: usize,
) -> ApiResult<(String, Option<String>, Vec<u8>)> {
    let declared: Option<usize> =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    // Room for the multipart framing around the file.
    if declared.is_some_and(|n| n > limit + 16 * 1024) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        if field.name() != Some("file") {
            while let Some(chunk) = field.next().await {
                chunk.map_err(multipart_error)?;
            }
            continue;
        }
        let file_name =
            field.content_disposition().and_then(|cd| cd.get_filename()).unwrap_or("file").to_owned();
        let content_type = field.content_type().map(|m| m.to_string());
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            if data.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            data.extend_from_slice(&chunk);
        }
        return Ok((file_name, content_type, data));
    }
    Err(ApiError::invalid("file", "a multipart field named file is required"))
}

/// Downloads an attachment: always as a download (`Content-Disposition: attachment`,
/// `application/octet-stream`, `nosniff`), never rendered by the browser.
///
/// Needs: `TICKET_VIEW` and the site of the ticket it is attached to (or being its uploader).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "No such attachment (or not yours to see)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}")]
async fn download(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (meta, data) = attachments::fetch(&state.db, &auth, id.into_inner()).await?;
    Ok(as_download(meta, data))
}

/// A stored file as a download (`Content-Disposition: attachment` with its name, RFC 6266
/// `filename*` for non-ASCII names; `application/octet-stream`; `nosniff`).
pub(crate) fn as_download(meta: Attachment, data: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(crate::downloads::disposition(&meta.file_name))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(data)
}

/// Every file of the ticket, its body's and its memos', oldest upload first. Each names its
/// `memo_id` (`null` for a file of the body). Download one with `GET /api/attachments/{id}`.
///
/// Needs: `TICKET_VIEW` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_VIEW"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket's files", body = Vec<Attachment>),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/attachments")]
async fn list_ticket_files(
    state: web::Data<AppState>,
    auth: Auth<TicketView>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(attachments::of_ticket(&state.db, &auth, id.into_inner()).await?))
}

/// Attaches files you uploaded with `POST /api/attachments` and have not attached anywhere yet
/// to the ticket's body, in one transaction: one history entry (`attachments`, the new value the
/// file names), and a new version and modification time as with any edit. Tickets opened by a
/// detection rule take files too (files are not their read-only body). Answers every file of the
/// ticket, as `GET` does. An id that is not an unattached upload of yours (already on a ticket
/// or a memo, someone else's, unknown) or is named twice is a 422 naming `attachment_ids[i]`,
/// and nothing is attached.
///
/// Needs: `TICKET_EDIT` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_EDIT"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = AttachFiles,
    responses(
        (status = 200, description = "Attached; every file of the ticket", body = Vec<Attachment>),
        (status = 404, description = "No such ticket (or not on your sites)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/attachments")]
async fn attach_ticket_files(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    id: web::Path<i64>,
    body: Json<AttachFiles>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(attachments::attach_to_ticket(&state.db, &auth, id.into_inner(), body.0).await?))
}

/// Removes a file from the ticket's body and deletes it, in one transaction: one history entry
/// (`attachments`, the old value the file name), and a new version and modification time. A
/// file of one of the ticket's memos is refused with 409 (memos are never edited, so their files
/// stay with them); a file that is not the ticket's answers 404.
///
/// Needs: `TICKET_EDIT` and the ticket's site.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["TICKET_EDIT"])),
    params(
        ("id" = i64, Path, description = "Ticket id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such ticket (or not on your sites), or no such file on it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The file belongs to a memo", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/tickets/{id}/attachments/{attachment_id}")]
async fn remove_ticket_file(
    state: web::Data<AppState>,
    auth: Auth<TicketEdit>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (ticket_id, attachment_id) = path.into_inner();
    attachments::remove_from_ticket(&state.db, &auth, ticket_id, attachment_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the attachment routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload)
        .service(download)
        .service(list_ticket_files)
        .service(attach_ticket_files)
        .service(remove_ticket_file);
}
