//! Per-account saved settings (list columns, filters, auto-refresh), JSON by key.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use crate::{Actor, DomainError, DomainResult, entities::preference, values::PreferenceKey};

/// The largest value one preference may hold, serialised.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

fn parse_key(raw: &str) -> DomainResult<PreferenceKey> {
    PreferenceKey::parse("key", raw).map_err(|e| DomainError::Validation(vec![e]))
}

/// The actor's value for `key`. Fails with `Validation` (bad key) or `NotFound` (never saved).
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, key: &str) -> DomainResult<serde_json::Value> {
    let key = parse_key(key)?;
    preference::Entity::find_by_id((actor.account_id, key.as_str().to_owned()))
        .one(db)
        .await?
        .map(|m| m.value)
        .ok_or(DomainError::NotFound("preference"))
}

/// Saves the actor's value for `key`, replacing any earlier one.
pub async fn put(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: &str,
    value: serde_json::Value,
) -> DomainResult<()> {
    let key = parse_key(key)?;
    if serde_json::to_vec(&value).map_or(usize::MAX, |v| v.len()) > MAX_VALUE_BYTES {
        return Err(DomainError::invalid(
            "value",
            format!("must be at most {MAX_VALUE_BYTES} bytes of JSON"),
        ));
    }
    let row = preference::ActiveModel {
        account_id: Set(actor.account_id),
        key: Set(key.as_str().to_owned()),
        value: Set(value),
        updated_at: Set(Utc::now()),
    };
    preference::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([preference::Column::AccountId, preference::Column::Key])
                .update_columns([preference::Column::Value, preference::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Forgets the actor's value for `key` (back to the app's default). Deleting nothing is fine.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, key: &str) -> DomainResult<()> {
    let key = parse_key(key)?;
    preference::Entity::delete_by_id((actor.account_id, key.as_str().to_owned())).exec(db).await?;
    Ok(())
}
