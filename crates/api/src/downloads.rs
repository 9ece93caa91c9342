//! File answers: the `Content-Disposition` of a download, and list exports streamed as they are
//! read (`GET /api/tickets/export`, `GET /api/explanations/export`).

use actix_web::{
    HttpResponse,
    http::header::{Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue},
    web::Bytes,
};
use serde::Deserialize;
use socdesk_domain::{
    Actor, DomainError,
    export::{self, Export, RowRange, Source},
    services::audit,
};
use socdesk_types::export::{ExportColumn, ExportEncoding, ExportFormat};
use utoipa::IntoParams;

use crate::{
    error::{ApiError, ApiResult},
    extract::QueryNames,
    startup::AppState,
};

/// `attachment` with the file's name: RFC 6266 `filename*` (UTF-8) carries it exactly, and
/// `filename` an ASCII stand-in for clients that read only that.
pub fn disposition(file_name: &str) -> ContentDisposition {
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.as_bytes().to_vec(),
            }),
        ],
    }
}

/// What an export writes, beside the list's own filters and sort.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// The file's name; the type's extension is added when missing (default: the list's name
    /// and today's date).
    pub file_name: Option<String>,
    /// Comma-separated column keys, in the file's order (default: the list's default columns).
    pub columns: Option<String>,
    /// `csv` (default), `excel_xml` (SpreadsheetML 2003), `word`, `html` or `json`.
    #[serde(rename = "type")]
    pub format: Option<ExportFormat>,
    /// `utf-8` (default), `utf-8-bom`, `utf-16le` or `euc-kr`.
    pub encoding: Option<ExportEncoding>,
    /// Rows of the filtered, sorted list, 1-based and inclusive: `FROM..=TO`, `FROM..` or
    /// `..=TO` (default: every row).
    pub range: Option<String>,
}

impl QueryNames for ExportParams {
    const NAMES: &'static [&'static str] = &["file_name", "columns", "type", "encoding", "range"];
}

/// An export is read with `range`, not pages: `cursor` and `limit` are refused, naming them.
pub fn refuse_paging(cursor: Option<&str>, limit: Option<u64>) -> ApiResult<()> {
    if cursor.is_some() {
        return Err(ApiError::invalid("cursor", "an export is not paged: choose its rows with range"));
    }
    if limit.is_some() {
        return Err(ApiError::invalid("limit", "an export is not paged: choose its rows with range"));
    }
    Ok(())
}

/// Which list an export reads, with its column catalogue.
pub struct Listing {
    pub source: Source,
    pub catalogue: &'static [ExportColumn],
    pub defaults: &'static [&'static str],
    /// The file name's stem when none is given ("tickets").
    pub stem: &'static str,
}

/// Answers `listing` as a file, streamed chunk by chunk from keyset queries. Options are
/// checked before the first byte; a database failure later ends the stream early (the client
/// sees a cut-off transfer, never a half-file that looks complete), and is logged.
pub async fn export(
    state: &AppState,
    actor: &Actor,
    listing: Listing,
    params: ExportParams,
) -> ApiResult<HttpResponse> {
    let format = params.format.unwrap_or(ExportFormat::Csv);
    let encoding = params.encoding.unwrap_or(ExportEncoding::Utf8);
    let columns = export::columns(listing.catalogue, listing.defaults, params.columns.as_deref());
    let range = RowRange::parse(params.range.as_deref());
    let (columns, range) = match (columns, range) {
        (Ok(c), Ok(r)) => (c, r),
        (Err(DomainError::Validation(mut a)), Err(DomainError::Validation(b))) => {
            a.extend(b);
            return Err(ApiError::Domain(DomainError::Validation(a)));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let today = chrono::Utc::now().with_timezone(&state.settings.timezone).format("%Y-%m-%d");
    let file_name =
        export::file_name(params.file_name.as_deref(), &format!("{}-{today}", listing.stem), format);
    audit::record(
        &state.db,
        actor.into(),
        &format!("{}.export", listing.stem),
        None,
        serde_json::json!({
            "file_name": file_name,
            "type": format,
            "encoding": encoding,
            "columns": columns.iter().map(|c| c.key).collect::<Vec<_>>(),
            "range": params.range,
        }),
    )
    .await?;
    let export =
        Export::new(listing.source, actor.clone(), columns, range, format, encoding, state.settings.timezone);
    let db = state.db.clone();
    let body = futures_util::stream::unfold(Some((export, db)), |state| async move {
        let (mut export, db) = state?;
        match export.next_piece(&db).await {
            Ok(Some(piece)) => Some((Ok(Bytes::from(piece)), Some((export, db)))),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, rows = export.rows(), "an export stopped early");
                Some((Err(actix_web::error::ErrorInternalServerError("the export stopped early")), None))
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type(format!("{}; charset={}", format.media_type(), encoding.charset()))
        .insert_header(disposition(&file_name))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}
