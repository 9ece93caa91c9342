//! Notification providers (SMS and messenger webhooks) and ticket propagation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire_enum;

wire_enum! {
    /// How a notification reaches a person.
    pub enum Channel {
        /// A text message to the recipient's phone number.
        Sms = "sms",
        /// A message to the recipient's messenger id.
        Messenger = "messenger",
    }
}

/// A header sent with every call of a provider, as answered: its value is a secret and only
/// shown masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderHeader {
    pub name: String,
    /// The value masked (`••••••••`), never the value itself.
    pub masked_value: String,
}

/// A header as written. On a change, a header whose `value` is left out keeps the value it
/// had under the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderHeaderInput {
    /// An HTTP header name, e.g. `Authorization`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A notification provider: an HTTP webhook called with `POST` and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationProvider {
    pub id: i64,
    pub kind: Channel,
    pub name: String,
    pub enabled: bool,
    /// Always `POST`.
    pub method: String,
    pub url: String,
    pub headers: Vec<ProviderHeader>,
    /// The JSON body, with placeholders such as `{{recipient.phone}}` inside its strings.
    pub body_template: String,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

/// Body of `POST /api/notification-providers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNotificationProvider {
    pub kind: Channel,
    /// 1..=100 characters, unique.
    pub name: String,
    /// Default `true`.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// An `http` or `https` URL.
    pub url: String,
    #[serde(default)]
    pub headers: Vec<ProviderHeaderInput>,
    /// A JSON document; placeholders go inside its strings.
    pub body_template: String,
}

/// Body of `PATCH /api/notification-providers/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationProviderPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The whole list: headers left out are removed, headers without a value keep theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<ProviderHeaderInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_template: Option<String>,
}

/// Whom a test message goes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TestRecipient {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub messenger_id: Option<String>,
}

/// Body of `POST /api/notification-providers/{id}/test`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderTestRequest {
    #[serde(default)]
    pub recipient: TestRecipient,
    /// Default: a line saying it is a test.
    #[serde(default)]
    pub message: Option<String>,
}

wire_enum! {
    /// Whether a message left.
    pub enum Outcome {
        /// The provider accepted it (a 2xx answer).
        Sent = "sent",
        Failed = "failed",
    }
}

/// One call of one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub provider_id: i64,
    pub provider: String,
    pub outcome: Outcome,
    /// The provider's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// Why it failed.
    pub reason: Option<String>,
}

wire_enum! {
    /// Who is notified: an account (its phone and messenger id) or an employee (those of the
    /// account linked to them).
    pub enum RecipientKind {
        Account = "account",
        Employee = "employee",
    }
}

/// An account id (a number) or an employee id (text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum RecipientId {
    Number(i64),
    Text(String),
}

impl std::fmt::Display for RecipientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecipientId::Number(n) => write!(f, "{n}"),
            RecipientId::Text(t) => f.write_str(t),
        }
    }
}

/// One recipient of a propagation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecipientRef {
    pub kind: RecipientKind,
    pub id: RecipientId,
}

/// Body of `POST /api/tickets/{id}/propagate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PropagateRequest {
    /// 1..=50 recipients.
    pub recipients: Vec<RecipientRef>,
    /// One or both channels.
    pub channels: Vec<Channel>,
    /// Added to the ticket summary; at most 1,000 characters.
    #[serde(default)]
    pub message: Option<String>,
}

/// The result of one channel for one recipient: `sent` when at least one provider of the
/// channel accepted the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelResult {
    pub channel: Channel,
    pub outcome: Outcome,
    /// The HTTP status of the first provider that accepted it.
    pub http_status: Option<u16>,
    /// Why nothing was sent (no provider, no phone number, every provider failed...).
    pub reason: Option<String>,
    /// Every provider called, in order.
    pub deliveries: Vec<Delivery>,
}

/// The results for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientResult {
    pub kind: RecipientKind,
    pub id: RecipientId,
    pub name: String,
    pub channels: Vec<ChannelResult>,
}

/// Answer of `POST /api/tickets/{id}/propagate`, in the order of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PropagateResponse {
    pub results: Vec<RecipientResult>,
}
