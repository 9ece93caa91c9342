//! Notification providers: stored, listed and changed by administrators. Header values are
//! secrets: they are stored, sent with every call, and answered only masked.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use socdesk_types::notifications::{
    Channel, NewNotificationProvider, NotificationProvider, NotificationProviderPatch, ProviderHeader,
    ProviderHeaderInput,
};

use crate::{
    Actor, DomainError, DomainResult, entities::notification_provider, error::Violations, services::audit,
    tickets::assemble::stored,
};

use super::template;

/// How a stored header value is shown.
pub const MASK: &str = "••••••••";
/// Most headers one provider may send.
pub const MAX_HEADERS: usize = 20;

/// Checks a URL an administrator typed (the API passes its outbound syntax check): the message
/// says why it is refused.
pub type UrlCheck<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// A header as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredHeader {
    pub name: String,
    pub value: String,
}

/// A provider with everything a call needs (the API crate makes the call).
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub id: i64,
    pub name: String,
    pub kind: Channel,
    pub enabled: bool,
    pub url: String,
    pub headers: Vec<StoredHeader>,
    pub template: serde_json::Value,
}

fn headers_of(m: &notification_provider::Model) -> Vec<StoredHeader> {
    serde_json::from_value(m.headers.clone()).unwrap_or_default()
}

fn to_dto(m: notification_provider::Model) -> DomainResult<NotificationProvider> {
    let headers = headers_of(&m)
        .into_iter()
        .map(|h| ProviderHeader { name: h.name, masked_value: MASK.to_owned() })
        .collect();
    Ok(NotificationProvider {
        id: m.id,
        kind: stored("provider kind", &m.kind, Channel::parse)?,
        name: m.name,
        enabled: m.enabled,
        method: "POST".to_owned(),
        url: m.url,
        headers,
        body_template: m.body_template,
        created_at: m.created_at,
        modified_at: m.modified_at,
    })
}

/// The provider with what a call needs.
pub fn config_of(m: &notification_provider::Model) -> DomainResult<ProviderConfig> {
    Ok(ProviderConfig {
        id: m.id,
        name: m.name.clone(),
        kind: stored("provider kind", &m.kind, Channel::parse)?,
        enabled: m.enabled,
        url: m.url.clone(),
        headers: headers_of(m),
        template: template::parse(&m.body_template)
            .map_err(|e| DomainError::Internal(format!("provider {} has a bad template: {e}", m.id)))?,
    })
}

/// Headers that the HTTP client sets itself, or that would change how the body is read.
const RESERVED: &[&str] =
    &["host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "te"];

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Checks the new header list and resolves values left out from `old` (same name, any case).
fn resolve_headers(
    v: &mut Violations,
    input: &[ProviderHeaderInput],
    old: &[StoredHeader],
) -> Vec<StoredHeader> {
    if input.len() > MAX_HEADERS {
        v.push("headers", format!("at most {MAX_HEADERS} headers"));
    }
    let mut out: Vec<StoredHeader> = Vec::new();
    for (i, h) in input.iter().enumerate() {
        let name = h.name.trim();
        if !is_token(name) {
            v.push(format!("headers[{i}].name"), "must be an HTTP header name, e.g. Authorization");
            continue;
        }
        if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
            v.push(format!("headers[{i}].name"), format!("{name} is set by socdesk itself"));
            continue;
        }
        if out.iter().any(|o| o.name.eq_ignore_ascii_case(name)) {
            v.push(format!("headers[{i}].name"), "is listed twice");
            continue;
        }
        let value = match &h.value {
            Some(value) => value.clone(),
            None => match old.iter().find(|o| o.name.eq_ignore_ascii_case(name)) {
                Some(o) => o.value.clone(),
                None => {
                    v.push(format!("headers[{i}].value"), "is required for a new header");
                    continue;
                }
            },
        };
        if value.len() > 4096 || value.chars().any(|c| c.is_control() && c != '\t') {
            v.push(format!("headers[{i}].value"), "must be one line of at most 4096 bytes");
            continue;
        }
        out.push(StoredHeader { name: name.to_owned(), value });
    }
    out
}

fn check_name(v: &mut Violations, name: &str) -> String {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        v.push("name", "must be 1 to 100 characters");
    }
    name
}

fn check_url(v: &mut Violations, url: &str, url_check: UrlCheck<'_>) -> String {
    let url = url.trim().to_owned();
    if url.len() > 2048 {
        v.push("url", "must be at most 2048 characters");
    } else if let Err(why) = url_check(&url) {
        v.push("url", why);
    }
    url
}

fn check_template(v: &mut Violations, raw: &str) {
    if let Err(why) = template::parse(raw) {
        v.push("body_template", why);
    }
}

/// Every provider, by channel then name.
pub async fn list(db: &impl ConnectionTrait) -> DomainResult<Vec<NotificationProvider>> {
    notification_provider::Entity::find()
        .order_by_asc(notification_provider::Column::Kind)
        .order_by_asc(notification_provider::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_dto)
        .collect()
}

async fn find(db: &impl ConnectionTrait, id: i64) -> DomainResult<notification_provider::Model> {
    notification_provider::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("notification provider"))
}

/// One provider, as answered (header values masked).
pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<NotificationProvider> {
    to_dto(find(db, id).await?)
}

/// One provider with its secrets, for a call.
pub async fn config(db: &impl ConnectionTrait, id: i64) -> DomainResult<ProviderConfig> {
    config_of(&find(db, id).await?)
}

/// The enabled providers of `channels`, by name.
pub async fn enabled(db: &impl ConnectionTrait, channels: &[Channel]) -> DomainResult<Vec<ProviderConfig>> {
    notification_provider::Entity::find()
        .filter(notification_provider::Column::Enabled.eq(true))
        .filter(notification_provider::Column::Kind.is_in(channels.iter().map(|c| c.as_str())))
        .order_by_asc(notification_provider::Column::Name)
        .all(db)
        .await?
        .iter()
        .map(config_of)
        .collect()
}

fn audit_detail(m: &notification_provider::Model) -> serde_json::Value {
    // Header names only: values are secrets.
    let names: Vec<String> = headers_of(m).into_iter().map(|h| h.name).collect();
    json!({"kind": m.kind, "name": m.name, "enabled": m.enabled, "url": m.url, "headers": names})
}

/// Creates a provider.
///
/// Fails with a validation error naming each bad field (`url`, `body_template`,
/// `headers[1].name`...), or a conflict when the name is taken.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewNotificationProvider,
    url_check: UrlCheck<'_>,
) -> DomainResult<NotificationProvider> {
    let mut v = Violations::new();
    let name = check_name(&mut v, &new.name);
    let url = check_url(&mut v, &new.url, url_check);
    check_template(&mut v, &new.body_template);
    let headers = resolve_headers(&mut v, &new.headers, &[]);
    v.finish()?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let model = notification_provider::ActiveModel {
        kind: Set(new.kind.as_str().to_owned()),
        name: Set(name),
        enabled: Set(new.enabled.unwrap_or(true)),
        url: Set(url),
        headers: Set(serde_json::to_value(&headers).unwrap_or_default()),
        body_template: Set(new.body_template),
        created_at: Set(now),
        modified_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "notification_provider.create",
        Some(("notification_provider", model.id)),
        audit_detail(&model),
    )
    .await?;
    txn.commit().await?;
    to_dto(model)
}

/// Changes the fields present. A header listed without a value keeps the value it had.
///
/// Fails as [`create`] does, or with not found.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    patch: NotificationProviderPatch,
    url_check: UrlCheck<'_>,
) -> DomainResult<NotificationProvider> {
    let txn = db.begin().await?;
    let old = find(&txn, id).await?;
    let mut v = Violations::new();
    let mut row: notification_provider::ActiveModel = old.clone().into();
    if let Some(kind) = patch.kind {
        row.kind = Set(kind.as_str().to_owned());
    }
    if let Some(name) = &patch.name {
        row.name = Set(check_name(&mut v, name));
    }
    if let Some(enabled) = patch.enabled {
        row.enabled = Set(enabled);
    }
    if let Some(url) = &patch.url {
        row.url = Set(check_url(&mut v, url, url_check));
    }
    if let Some(body) = patch.body_template {
        check_template(&mut v, &body);
        row.body_template = Set(body);
    }
    if let Some(headers) = &patch.headers {
        let headers = resolve_headers(&mut v, headers, &headers_of(&old));
        row.headers = Set(serde_json::to_value(&headers).unwrap_or_default());
    }
    v.finish()?;
    row.modified_at = Set(Utc::now());
    let model = row.update(&txn).await?;
    audit::record(
        &txn,
        actor.into(),
        "notification_provider.update",
        Some(("notification_provider", id)),
        audit_detail(&model),
    )
    .await?;
    txn.commit().await?;
    to_dto(model)
}

/// Deletes a provider.
///
/// Fails with not found.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
    let txn = db.begin().await?;
    let old = find(&txn, id).await?;
    notification_provider::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor.into(),
        "notification_provider.delete",
        Some(("notification_provider", id)),
        audit_detail(&old),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, value: Option<&str>) -> ProviderHeaderInput {
        ProviderHeaderInput { name: name.to_owned(), value: value.map(str::to_owned) }
    }

    #[test]
    fn a_header_without_a_value_keeps_the_stored_one() {
        let old = vec![StoredHeader { name: "Authorization".into(), value: "Bearer s3cret".into() }];
        let mut v = Violations::new();
        let out =
            resolve_headers(&mut v, &[input("authorization", None), input("X-Team", Some("soc"))], &old);
        assert!(v.finish().is_ok());
        assert_eq!(out[0].value, "Bearer s3cret");
        assert_eq!(out[1], StoredHeader { name: "X-Team".into(), value: "soc".into() });
    }

    #[test]
    fn bad_headers_are_named_by_position() {
        let mut v = Violations::new();
        resolve_headers(
            &mut v,
            &[
                input("Bad Name", Some("x")),
                input("Host", Some("x")),
                input("X-New", None),
                input("X-Line", Some("a\r\nInjected: yes")),
                input("X-A", Some("1")),
                input("x-a", Some("2")),
            ],
            &[],
        );
        let Err(DomainError::Validation(errors)) = v.finish() else { panic!("expected errors") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["headers[0].name", "headers[1].name", "headers[2].value", "headers[3].value", "headers[5].name"]
        );
    }
}
