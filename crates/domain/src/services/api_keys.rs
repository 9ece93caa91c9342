//! API keys: long-lived bearer secrets for integrations, per account, stored hashed.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, TransactionTrait, sea_query::Expr,
};
use serde_json::json;
use socdesk_types::{
    Page,
    accounts::{ApiKey, CreatedApiKey, NewApiKey},
};

use crate::{
    Actor, DomainError, DomainResult, Permission,
    entities::{account, api_key},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    secrets,
    services::audit,
    values::BoundedName,
};

/// How many characters of the secret are kept to tell keys apart (`sd_` and four more).
const SHOWN_PREFIX: usize = 7;

fn to_dto(m: api_key::Model) -> ApiKey {
    ApiKey {
        id: m.id,
        account_id: m.account_id,
        name: m.name,
        prefix: m.prefix,
        created_at: m.created_at,
        expires_at: m.expires_at,
        last_used_at: m.last_used_at,
        revoked_at: m.revoked_at,
    }
}

/// Administrators manage every account's keys; anyone else only their own. Another account's
/// keys answer `NotFound` rather than `Forbidden`, so ids do not leak.
async fn check_owner(db: &impl ConnectionTrait, actor: &Actor, account_id: i64) -> DomainResult<()> {
    if account_id != actor.account_id && !actor.has(Permission::Admin) {
        return Err(DomainError::NotFound("account"));
    }
    account::Entity::find_by_id(account_id).one(db).await?.ok_or(DomainError::NotFound("account"))?;
    Ok(())
}

/// Creates a key for `account_id` and returns its secret, which is never shown again.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    account_id: i64,
    new: NewApiKey,
) -> DomainResult<CreatedApiKey> {
    let txn = db.begin().await?;
    check_owner(&txn, actor, account_id).await?;
    let mut v = Violations::new();
    let name = v.check(BoundedName::<100>::parse("name", &new.name));
    if new.expires_at.is_some_and(|at| at <= Utc::now()) {
        v.push("expires_at", "must be in the future");
    }
    v.finish()?;
    let Some(name) = name else { return Err(DomainError::Internal("validated key name missing".into())) };
    let secret = secrets::new_api_key_secret();
    let model = api_key::ActiveModel {
        account_id: Set(account_id),
        name: Set(name.into_inner()),
        prefix: Set(secret.chars().take(SHOWN_PREFIX).collect()),
        secret_hash: Set(secrets::token_hash(&secret)),
        created_at: Set(Utc::now()),
        expires_at: Set(new.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "api_key.create",
        Some(("api_key", model.id)),
        json!({"account_id": account_id, "name": model.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedApiKey { secret, key: to_dto(model) })
}

/// The keys of an account, newest first (revoked ones included, marked).
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    account_id: i64,
    page: &PageRequest,
) -> DomainResult<Page<ApiKey>> {
    check_owner(db, actor, account_id).await?;
    let select = api_key::Entity::find().filter(api_key::Column::AccountId.eq(account_id));
    let ordering =
        Ordering { sort: api_key::Column::Id, id: api_key::Column::Id, descending: true, sort_is_id: true };
    let page = fetch_page(db, select, ordering, page, |m| (SortKey::Int(m.id), m.id)).await?;
    Ok(Page {
        items: page.items.into_iter().map(to_dto).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// Revokes a key at once. Revoking a revoked key changes nothing.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    account_id: i64,
    key_id: i64,
) -> DomainResult<ApiKey> {
    let txn = db.begin().await?;
    check_owner(&txn, actor, account_id).await?;
    let key = api_key::Entity::find_by_id(key_id)
        .filter(api_key::Column::AccountId.eq(account_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("API key"))?;
    let key = if key.revoked_at.is_none() {
        let mut row: api_key::ActiveModel = key.into();
        row.revoked_at = Set(Some(Utc::now()));
        let key = row.update(&txn).await?;
        audit::record(
            &txn,
            actor.into(),
            "api_key.revoke",
            Some(("api_key", key_id)),
            json!({"account_id": account_id}),
        )
        .await?;
        key
    } else {
        key
    };
    txn.commit().await?;
    Ok(to_dto(key))
}

/// The account a presented secret belongs to, if the key is live (not revoked, not expired).
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> DomainResult<Option<i64>> {
    let now = Utc::now();
    let Some(key) = api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(secrets::token_hash(secret)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if key.revoked_at.is_some() || key.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    // Record use at most once a minute: a busy integration should not write on every call.
    if key.last_used_at.is_none_or(|at| now - at > Duration::seconds(60)) {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(key.id))
            .exec(db)
            .await?;
    }
    Ok(Some(key.account_id))
}
