//! Throttling of failed logins, per login and per client address.
//!
//! Failures are rows in the database rather than counters in memory, so every server process
//! behind a load balancer enforces the same limit.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::{DomainError, DomainResult, entities::login_failure};

/// How many failures are allowed in which window.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: u64,
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy { max_failures: 5, window: Duration::seconds(60) }
    }
}

/// Normalises a login for counting, so `Admin` and `admin` share one budget.
fn key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(255).collect()
}

/// Refuses with [`DomainError::TooManyAttempts`] when the login or the address has used up its
/// failures in the current window.
pub async fn check(
    db: &impl ConnectionTrait,
    policy: ThrottlePolicy,
    login: &str,
    ip: &str,
) -> DomainResult<()> {
    let now = Utc::now();
    let since = now - policy.window;
    for cond in [login_failure::Column::Login.eq(key(login)), login_failure::Column::Ip.eq(ip)] {
        let recent =
            login_failure::Entity::find().filter(cond.clone()).filter(login_failure::Column::At.gt(since));
        if recent.clone().count(db).await? >= policy.max_failures {
            let oldest: Option<DateTime<Utc>> =
                recent.order_by_asc(login_failure::Column::At).one(db).await?.map(|m| m.at);
            let retry = oldest.map_or(policy.window, |at| at + policy.window - now);
            return Err(DomainError::TooManyAttempts { retry_after_secs: retry.num_seconds().max(1) as u64 });
        }
    }
    Ok(())
}

/// Records a failed attempt and forgets ones too old to matter.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    policy: ThrottlePolicy,
    login: &str,
    ip: &str,
) -> DomainResult<()> {
    let now = Utc::now();
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::At.lt(now - policy.window * 2))
        .exec(db)
        .await?;
    let row = login_failure::ActiveModel {
        login: Set(key(login)),
        ip: Set(ip.chars().take(64).collect()),
        at: Set(now),
        ..Default::default()
    };
    login_failure::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}
