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

/// Refuses with [`DomainError::TooManyAttempts`] when the address, or the login, has used up its
/// failures in the current window. The login's budget does not bind an address the account
/// signed in from lately (`known_address`): guessing one account's password from many addresses
/// must not lock its owner out, while each address keeps its own budget.
pub async fn check(
    db: &impl ConnectionTrait,
    policy: ThrottlePolicy,
    login: &str,
    ip: &str,
    known_address: bool,
) -> DomainResult<()> {
    let now = Utc::now();
    let since = now - policy.window;
    let mut budgets = vec![login_failure::Column::Ip.eq(ip)];
    if !known_address {
        budgets.push(login_failure::Column::Login.eq(key(login)));
    }
    for cond in budgets {
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
