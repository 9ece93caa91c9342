//! Global options stored as JSON by key, shared by every server process.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use crate::{DomainError, DomainResult, entities::setting, secrets};

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

/// The global options, with defaults for those never set.
pub async fn options(db: &impl ConnectionTrait) -> DomainResult<socdesk_types::settings::GlobalOptions> {
    Ok(socdesk_types::settings::GlobalOptions {
        separation_of_duties: crate::tickets::service::separation_of_duties(db).await?,
    })
}

/// Changes the options present in `patch`, recording the change in the audit log.
pub async fn update_options(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::Actor,
    patch: socdesk_types::settings::GlobalOptionsPatch,
) -> DomainResult<socdesk_types::settings::GlobalOptions> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    if let Some(sod) = patch.separation_of_duties {
        put(&txn, crate::tickets::service::SEPARATION_OF_DUTIES_KEY, serde_json::Value::Bool(sod)).await?;
    }
    crate::services::audit::record(
        &txn,
        actor.into(),
        "settings.update",
        None,
        serde_json::json!({ "separation_of_duties": patch.separation_of_duties }),
    )
    .await?;
    let options = options(&txn).await?;
    txn.commit().await?;
    Ok(options)
}
