//! Mail templates and the outbox (`ADMIN`).

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    mail::{
        Language, MailKind, MailPreview, MailPreviewRequest, MailTemplate, MailTemplatePatch, OutboxMessage,
    },
};

use super::{ApiError, Params, get, json, request, send_json};

fn template_path(kind: MailKind, language: Language) -> String {
    format!("/api/mail-templates/{}/{}", kind.as_str(), language.as_str())
}

/// `GET /api/mail-templates`: every kind in every language.
pub async fn templates(token: String) -> Result<Vec<MailTemplate>, ApiError> {
    get(&token, "/api/mail-templates").await
}

/// `GET /api/mail-templates/{kind}/{language}`.
pub async fn template(token: String, kind: MailKind, language: Language) -> Result<MailTemplate, ApiError> {
    get(&token, &template_path(kind, language)).await
}

/// `PUT /api/mail-templates/{kind}/{language}`: a placeholder the kind does not fill is a 422.
pub async fn save_template(
    token: String,
    kind: MailKind,
    language: Language,
    body: MailTemplatePatch,
) -> Result<MailTemplate, ApiError> {
    send_json(Method::PUT, &token, &template_path(kind, language), &body).await
}

/// `DELETE /api/mail-templates/{kind}/{language}`: back to the built-in default, which it answers.
pub async fn reset_template(
    token: String,
    kind: MailKind,
    language: Language,
) -> Result<MailTemplate, ApiError> {
    json(request::<()>(Method::DELETE, &template_path(kind, language), Some(&token), None).await?).await
}

/// `POST /api/mail-templates/preview`: the subject and body rendered with sample values.
pub async fn preview(token: String, body: MailPreviewRequest) -> Result<MailPreview, ApiError> {
    send_json(Method::POST, &token, "/api/mail-templates/preview", &body).await
}

/// `GET /api/outbox`: newest first (`status`, `explanation_id`, `cursor`, `limit`).
pub async fn outbox(token: String, params: Params) -> Result<Page<OutboxMessage>, ApiError> {
    get(&token, &format!("/api/outbox{}", params.query())).await
}
