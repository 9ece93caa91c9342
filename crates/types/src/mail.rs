//! Mail templates and the outbox that delivers them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::people::Language;
use crate::wire_enum;

wire_enum! {
    /// Which mail a template writes.
    pub enum MailKind {
        /// To the violator when an explanation is requested.
        Request = "request",
        /// To the manager or auditor when there is something to review.
        ReviewRequest = "review_request",
        /// To the violator when a reviewer returned the explanation (with a new link).
        ReturnNotice = "return_notice",
        /// To the violator, once, some days before the deadline.
        Reminder = "reminder",
        /// To the manager when the deadline passed unanswered.
        OverdueNotice = "overdue_notice",
    }
}

/// A mail template (`GET /api/mail-templates`). Subjects are plain text, bodies HTML; every
/// placeholder (`{employee_name}`, `{link}`, ...) is filled with an HTML-escaped value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailTemplate {
    pub kind: MailKind,
    pub language: Language,
    pub subject: String,
    pub body: String,
    /// Whether an administrator changed it (`false`: the built-in default).
    pub customized: bool,
    /// The placeholders this kind of mail fills.
    pub placeholders: Vec<String>,
}

/// Body of `PUT /api/mail-templates/{kind}/{language}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailTemplatePatch {
    /// At most 255 characters, one line.
    pub subject: String,
    /// At most 100,000 characters.
    pub body: String,
}

/// Body of `POST /api/mail-templates/preview`: renders a template (the stored one, or the
/// subject and body given) with sample values.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailPreviewRequest {
    pub kind: MailKind,
    pub language: Language,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// A rendered mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailPreview {
    pub subject: String,
    /// HTML.
    pub body: String,
}

wire_enum! {
    /// Where a mail in the outbox is.
    pub enum OutboxStatus {
        /// Not tried yet, or waiting for its next try.
        Pending = "pending",
        Sent = "sent",
    }
}

/// A mail in the outbox (`GET /api/outbox`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The explanation the mail is about.
    pub explanation_id: Option<i64>,
}
