//! Previewing a body as the server will render it.

use serde::{Deserialize, Serialize};

use crate::tickets::BodyFormat;

/// Body of `POST /api/markdown/preview`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkdownPreviewRequest {
    /// How `body` is written; default `markdown`.
    #[serde(default)]
    pub format: Option<BodyFormat>,
    /// Up to 1,000,000 characters (the longest ticket body).
    #[cfg_attr(feature = "openapi", schema(max_length = 1000000))]
    pub body: String,
}

/// A body rendered to sanitised HTML, exactly as a ticket body or memo with it would show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkdownPreview {
    pub html: String,
}
