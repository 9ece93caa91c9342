//! Uploading and downloading attachments.

use actix_multipart::{Multipart, MultipartError};
use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue},
    post, web,
};
use futures_util::StreamExt;
use socdesk_domain::tickets::attachments;
use socdesk_types::{Problem, tickets::Attachment};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Auth, TicketView},
    error::{ApiError, ApiResult},
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
/// default). It is stored in the database, visible only to you until you attach it to a memo
/// with `attachment_ids`. An oversize upload is refused with 413 before it is read when its
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
    let ascii: String =
        meta.file_name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: meta.file_name.into_bytes(),
            }),
        ],
    };
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(disposition)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(data)
}

/// Registers the attachment routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload).service(download);
}
