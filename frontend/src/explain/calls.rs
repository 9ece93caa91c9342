//! The public API of the token page, and nothing else: the link's token is the only credential.

use gloo_net::http::{Method, RequestBuilder};
use socdesk_types::{
    explanations::{PublicExplanation, SubmitExplanation},
    tickets::Attachment,
};

use crate::api::{ApiError, json, request, send};

fn base(token: &str) -> String {
    // Tokens are URL-safe base64; anything else cannot be a live link anyway.
    let token: String =
        token.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    format!("/api/public/explanations/{token}")
}

/// `GET /api/public/explanations/{token}`: the request as the violator may see it.
pub async fn load(token: &str) -> Result<PublicExplanation, ApiError> {
    json(request::<()>(Method::GET, &base(token), None, None).await?).await
}

/// `POST /api/public/explanations/{token}/attachments`: stores one file for the submission.
pub async fn upload(token: &str, file: &web_sys::File) -> Result<Attachment, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Decode("no FormData".into()))?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| ApiError::Decode("the file could not be read".into()))?;
    let built = RequestBuilder::new(&format!("{}/attachments", base(token)))
        .method(Method::POST)
        .header("Accept", "application/json")
        .body(form)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    json(send(built).await?).await
}

/// `POST /api/public/explanations/{token}/submit`.
pub async fn submit(token: &str, body: &SubmitExplanation) -> Result<(), ApiError> {
    request(Method::POST, &format!("{}/submit", base(token)), None, Some(body)).await.map(drop)
}

/// Where a file of this request downloads from.
pub fn file_url(token: &str, attachment_id: i64) -> String {
    format!("{}/attachments/{attachment_id}", base(token))
}
