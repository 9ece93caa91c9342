//! File uploads (multipart), for ticket and memo attachments.

use gloo_net::http::{Method, RequestBuilder};
use socdesk_types::tickets::Attachment;

use super::{ApiError, json, send};

/// `POST /api/attachments`: stores a file, not yet attached to anything.
pub async fn upload(token: String, file: web_sys::File) -> Result<Attachment, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Decode("no FormData".into()))?;
    form.append_with_blob_and_filename("file", &file, &file.name())
        .map_err(|_| ApiError::Decode("the file could not be read".into()))?;
    let built = RequestBuilder::new("/api/attachments")
        .method(Method::POST)
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .body(form)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    json(send(built).await?).await
}

/// Where an attachment downloads from. Downloads need the access token, so the app fetches the
/// bytes itself (see [`download`]).
pub fn path(id: i64) -> String {
    format!("/api/attachments/{id}")
}

/// Fetches an attachment with the access token and hands it to the browser as a download.
pub async fn download(token: String, id: i64, file_name: String) -> Result<(), ApiError> {
    download_path(token, path(id), file_name).await
}

/// Fetches a file from `path` with the access token and hands it to the browser as a download.
pub async fn download_path(token: String, path: String, file_name: String) -> Result<(), ApiError> {
    let built = RequestBuilder::new(&path)
        .method(Method::GET)
        .header("Authorization", &format!("Bearer {token}"))
        .build()
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = send(built).await?;
    let bytes = response.binary().await.map_err(|e| ApiError::Decode(e.to_string()))?;
    crate::download::save_bytes(&bytes, &file_name, "application/octet-stream").map_err(ApiError::Decode)
}
