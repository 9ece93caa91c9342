//! Sign-in sessions: password login, refresh-token rotation with reuse detection, logout.
//!
//! A session is created by a login. Access tokens (JWTs, made by the API layer) name their
//! session, so revoking it ends them at once. Each refresh token is usable once: using it marks
//! it used and issues the next one; presenting a used token again means it leaked, so the whole
//! session is revoked — unless the token was exchanged only moments ago ([`REUSE_GRACE`]): two
//! windows of one browser share the stored pair and renew it at the same moment, and the slower
//! one must not end the session the faster one just renewed. It is refused (`Conflict`) and
//! picks up the pair the other window stored.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, TransactionTrait, sea_query::Expr,
};
use serde_json::json;

use crate::{
    DomainError, DomainResult,
    entities::{account, refresh_token, session},
    secrets,
    services::{
        audit::{self, AuditActor},
        login_throttle::{self, ThrottlePolicy},
    },
};

/// How long after its exchange a refresh token presented again is taken for a second window of
/// the same browser (refused, session kept) rather than a stolen copy (session revoked). It
/// hands out nothing either way.
pub const REUSE_GRACE: Duration = Duration::seconds(30);

/// The message for every failed login: the same for an unknown login and a wrong password.
pub const BAD_CREDENTIALS: &str = "invalid login or password";

/// Where a sign-in comes from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: Option<String>,
}

/// A session that was just created or refreshed, with its new refresh token (shown once).
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub session_id: i64,
    pub account_id: i64,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

async fn issue_token(db: &impl ConnectionTrait, session_id: i64) -> DomainResult<String> {
    let token = secrets::random_token();
    refresh_token::ActiveModel {
        session_id: Set(session_id),
        token_hash: Set(secrets::token_hash(&token)),
        created_at: Set(Utc::now()),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// How long a successful sign-in makes its address known to the login throttle.
const KNOWN_ADDRESS_DAYS: i64 = 30;

/// Whether the account signed in from `ip` in the last [`KNOWN_ADDRESS_DAYS`].
async fn signed_in_from(db: &DatabaseConnection, account_id: i64, ip: &str) -> DomainResult<bool> {
    let since = Utc::now() - Duration::days(KNOWN_ADDRESS_DAYS);
    let found = session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::Ip.eq(ip))
        .filter(session::Column::CreatedAt.gt(since))
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Signs in with a password. Fails with `TooManyAttempts` when throttled and `Unauthenticated`
/// ([`BAD_CREDENTIALS`]) for an unknown login, a wrong password or a disabled account alike.
pub async fn login(
    db: &DatabaseConnection,
    throttle: ThrottlePolicy,
    lifetime: Duration,
    login: &str,
    password: &str,
    client: &ClientInfo,
) -> DomainResult<IssuedSession> {
    let found = account::Entity::find().filter(account::Column::Login.eq(login.trim())).one(db).await?;
    let known_address = match &found {
        Some(a) => signed_in_from(db, a.id, &client.ip).await?,
        None => false,
    };
    login_throttle::check(db, throttle, login, &client.ip, known_address).await?;
    // Verify against a dummy hash for unknown logins so timing does not reveal which exist.
    let hash = found.as_ref().map_or(secrets::dummy_password_hash(), |a| a.password_hash.as_str());
    let password_ok = secrets::verify_password(password, hash);
    let account = match found {
        Some(a) if password_ok && a.enabled => a,
        other => {
            let txn = db.begin().await?;
            login_throttle::record_failure(&txn, throttle, login, &client.ip).await?;
            let actor = AuditActor { id: other.as_ref().map(|a| a.id), name: login, ip: Some(&client.ip) };
            audit::record(&txn, actor, "auth.login_failed", None, json!({})).await?;
            txn.commit().await?;
            return Err(DomainError::Unauthenticated(BAD_CREDENTIALS.into()));
        }
    };
    let txn = db.begin().await?;
    let now = Utc::now();
    let expires_at = now + lifetime;
    let s = session::ActiveModel {
        account_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ip: Set(Some(client.ip.chars().take(64).collect())),
        user_agent: Set(client.user_agent.as_ref().map(|u| u.chars().take(255).collect())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let token = issue_token(&txn, s.id).await?;
    let actor = AuditActor { id: Some(account.id), name: &account.login, ip: Some(&client.ip) };
    audit::record(&txn, actor, "auth.login", Some(("session", s.id)), json!({})).await?;
    txn.commit().await?;
    Ok(IssuedSession { session_id: s.id, account_id: account.id, refresh_token: token, expires_at })
}

/// Exchanges a refresh token for the next one, extending the session by `lifetime`. Fails with
/// `Unauthenticated` for an unknown, used (the session is then revoked), revoked or expired token,
/// and with `Conflict` for a token exchanged less than [`REUSE_GRACE`] ago.
pub async fn refresh(
    db: &DatabaseConnection,
    lifetime: Duration,
    token: &str,
) -> DomainResult<IssuedSession> {
    let refused =
        || DomainError::Unauthenticated("the refresh token is invalid or expired; sign in again".into());
    let txn = db.begin().await?;
    let Some(current) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secrets::token_hash(token)))
        .one(&txn)
        .await?
    else {
        return Err(refused());
    };
    let now = Utc::now();
    // Mark used only if still unused: of two concurrent refreshes with one token, one wins.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(current.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        // Claimed by a concurrent exchange after it was read (`used_at` still empty) or shortly
        // before: the other window of this browser holds the next pair.
        if current.used_at.is_none_or(|used| now - used < REUSE_GRACE) {
            return Err(DomainError::Conflict(
                "the refresh token was just exchanged by another window; use the pair it stored".into(),
            ));
        }
        revoke(&txn, current.session_id).await?;
        txn.commit().await?;
        tracing::warn!(session_id = current.session_id, "refresh token reused: session revoked");
        return Err(refused());
    }
    let s = session::Entity::find_by_id(current.session_id).one(&txn).await?.ok_or_else(refused)?;
    if s.revoked_at.is_some() || s.expires_at <= now {
        return Err(refused());
    }
    let enabled = account::Entity::find_by_id(s.account_id).one(&txn).await?.is_some_and(|a| a.enabled);
    if !enabled {
        return Err(refused());
    }
    let expires_at = now + lifetime;
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(session::Column::Id.eq(s.id))
        .exec(&txn)
        .await?;
    let next = issue_token(&txn, s.id).await?;
    txn.commit().await?;
    Ok(IssuedSession { session_id: s.id, account_id: s.account_id, refresh_token: next, expires_at })
}

/// Ends the session a refresh token belongs to. Unknown tokens are ignored (logging out twice
/// is not an error).
pub async fn logout(db: &DatabaseConnection, token: &str) -> DomainResult<()> {
    let txn = db.begin().await?;
    if let Some(current) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secrets::token_hash(token)))
        .one(&txn)
        .await?
    {
        revoke(&txn, current.session_id).await?;
        if let Some(s) = session::Entity::find_by_id(current.session_id).one(&txn).await? {
            audit::record(
                &txn,
                AuditActor { id: Some(s.account_id), name: "", ip: None },
                "auth.logout",
                Some(("session", s.id)),
                json!({}),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

async fn revoke(db: &impl ConnectionTrait, session_id: i64) -> DomainResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account (password change, disabling).
pub async fn revoke_all_for_account(db: &impl ConnectionTrait, account_id: i64) -> DomainResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Whether access tokens of the session are still good: it exists, is not revoked, not expired.
pub async fn is_active(db: &impl ConnectionTrait, session_id: i64) -> DomainResult<bool> {
    let now = Utc::now();
    Ok(session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .is_some_and(|s| s.revoked_at.is_none() && s.expires_at > now))
}
