//! Markdown preview, rendered and sanitised by the server exactly as it renders saved text.

use gloo_net::http::Method;
use socdesk_types::{
    markdown::{MarkdownPreview, MarkdownPreviewRequest},
    tickets::BodyFormat,
};

use super::{ApiError, send_json};

/// `POST /api/markdown/preview`: the sanitised HTML of `body`.
pub async fn preview(token: String, format: BodyFormat, body: String) -> Result<String, ApiError> {
    let request = MarkdownPreviewRequest { format: Some(format), body };
    let answer: MarkdownPreview = send_json(Method::POST, &token, "/api/markdown/preview", &request).await?;
    Ok(answer.html)
}
