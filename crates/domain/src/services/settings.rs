//! Global options stored as JSON by key, shared by every server process.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use socdesk_types::{
    mail::Language,
    settings::{GlobalOptions, GlobalOptionsPatch},
};

use crate::{DomainError, DomainResult, entities::setting, error::Violations, secrets};

/// Key of the generated JWT signing secret (used when none is configured).
pub const JWT_SECRET_KEY: &str = "internal.jwt_secret";

/// The value of `key`, if set.
pub async fn get(db: &impl ConnectionTrait, key: &str) -> DomainResult<Option<serde_json::Value>> {
    Ok(setting::Entity::find_by_id(key.to_owned()).one(db).await?.map(|m| m.value))
}

/// Sets `key` to `value`, replacing what was there.
pub async fn put(db: &impl ConnectionTrait, key: &str, value: serde_json::Value) -> DomainResult<()> {
    let row =
        setting::ActiveModel { key: Set(key.to_owned()), value: Set(value), updated_at: Set(Utc::now()) };
    setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The secret stored under `key`, created at random the first time. Several processes starting
/// together all end up with the one that was written first.
pub async fn get_or_create_secret(db: &impl ConnectionTrait, key: &str) -> DomainResult<String> {
    let row = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(serde_json::Value::String(secrets::random_token())),
        updated_at: Set(Utc::now()),
    };
    setting::Entity::insert(row)
        .on_conflict(OnConflict::column(setting::Column::Key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    match get(db, key).await? {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(DomainError::Internal(format!("setting {key} holds no secret"))),
    }
}

/// Key of `explanation_token_expiry` (days, or absent).
pub const TOKEN_EXPIRY_KEY: &str = "explanation_token_expiry";
/// Key of `explanation_reminder_days`.
pub const REMINDER_DAYS_KEY: &str = "explanation_reminder_days";
/// Key of `default_language`.
pub const DEFAULT_LANGUAGE_KEY: &str = "default_language";
/// Key of `allow_private_network_targets`.
pub const ALLOW_PRIVATE_TARGETS_KEY: &str = "allow_private_network_targets";

/// Whether outbound calls to administrator-configured URLs may reach private addresses.
pub async fn allow_private_network_targets(db: &impl ConnectionTrait) -> DomainResult<bool> {
    Ok(get(db, ALLOW_PRIVATE_TARGETS_KEY).await?.and_then(|v| v.as_bool()).unwrap_or(false))
}

/// The global options, with defaults for those never set.
pub async fn options(db: &impl ConnectionTrait) -> DomainResult<GlobalOptions> {
    let number =
        |v: Option<serde_json::Value>| v.and_then(|v| v.as_u64()).map(|n| n.min(u64::from(u32::MAX)) as u32);
    Ok(GlobalOptions {
        separation_of_duties: crate::tickets::service::separation_of_duties(db).await?,
        explanation_token_expiry: number(get(db, TOKEN_EXPIRY_KEY).await?),
        explanation_reminder_days: number(get(db, REMINDER_DAYS_KEY).await?).unwrap_or(1),
        default_language: get(db, DEFAULT_LANGUAGE_KEY)
            .await?
            .and_then(|v| v.as_str().and_then(Language::parse))
            .unwrap_or(Language::En),
        allow_private_network_targets: allow_private_network_targets(db).await?,
    })
}

/// Changes the options present in `patch`, recording the change in the audit log.
pub async fn update_options(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::Actor,
    patch: GlobalOptionsPatch,
) -> DomainResult<GlobalOptions> {
    use sea_orm::TransactionTrait;
    let mut v = Violations::new();
    if let Some(Some(days)) = patch.explanation_token_expiry
        && !(1..=3650).contains(&days)
    {
        v.push("explanation_token_expiry", "must be between 1 and 3650 days, or null to turn it off");
    }
    if let Some(days) = patch.explanation_reminder_days
        && days > 365
    {
        v.push("explanation_reminder_days", "must be between 0 and 365");
    }
    v.finish()?;
    let txn = db.begin().await?;
    if let Some(sod) = patch.separation_of_duties {
        put(&txn, crate::tickets::service::SEPARATION_OF_DUTIES_KEY, serde_json::Value::Bool(sod)).await?;
    }
    match patch.explanation_token_expiry {
        Some(Some(days)) => put(&txn, TOKEN_EXPIRY_KEY, days.into()).await?,
        Some(None) => {
            setting::Entity::delete_by_id(TOKEN_EXPIRY_KEY.to_owned()).exec(&txn).await?;
        }
        None => {}
    }
    if let Some(days) = patch.explanation_reminder_days {
        put(&txn, REMINDER_DAYS_KEY, days.into()).await?;
    }
    if let Some(language) = patch.default_language {
        put(&txn, DEFAULT_LANGUAGE_KEY, language.as_str().into()).await?;
    }
    if let Some(allow) = patch.allow_private_network_targets {
        put(&txn, ALLOW_PRIVATE_TARGETS_KEY, serde_json::Value::Bool(allow)).await?;
    }
    crate::services::audit::record(
        &txn,
        actor.into(),
        "settings.update",
        None,
        serde_json::to_value(&patch).unwrap_or_default(),
    )
    .await?;
    let options = options(&txn).await?;
    txn.commit().await?;
    Ok(options)
}
