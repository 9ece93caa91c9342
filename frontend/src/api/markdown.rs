//! Markdown preview, rendered and sanitised by the server exactly as it renders saved text.

use gloo_net::http::Method;
use serde::{Deserialize, Serialize};
use socdesk_types::tickets::BodyFormat;

use super::{ApiError, send_json};

#[derive(Serialize)]
struct PreviewRequest<'a> {
    format: BodyFormat,
    body: &'a str,
}

#[derive(Deserialize)]
struct PreviewResponse {
    html: String,
}

/// `POST /api/markdown/preview`: the sanitised HTML of `body`.
pub async fn preview(token: String, format: BodyFormat, body: String) -> Result<String, ApiError> {
    let answer: PreviewResponse =
        send_json(Method::POST, &token, "/api/markdown/preview", &PreviewRequest { format, body: &body }).await?;
    Ok(answer.html)
}
