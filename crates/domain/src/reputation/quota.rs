//! The per-minute quota of VirusTotal calls, counted in the database so every server process
//! shares it.
//!
//! A call first writes its row, then counts the rows of the last minute: each call counts every
//! call that wrote before it, so however calls of several processes interleave, at most `quota`
//! of them go ahead within a minute. A refused call takes its row back.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::{DomainResult, entities::reputation_call};

/// The quota's window.
pub const WINDOW_SECS: i64 = 60;

/// Takes one call from the quota: `Ok(None)` when it may go ahead, `Ok(Some(seconds))` when the
/// quota is used up, with the seconds until a call frees up.
pub async fn take(db: &impl ConnectionTrait, quota: u32) -> DomainResult<Option<u64>> {
    let now = Utc::now();
    let since = now - Duration::seconds(WINDOW_SECS);
    // Old rows go first: they no longer count.
    reputation_call::Entity::delete_many()
        .filter(reputation_call::Column::At.lt(since - Duration::seconds(WINDOW_SECS)))
        .exec(db)
        .await?;
    let mine = reputation_call::ActiveModel { at: Set(now), ..Default::default() }.insert(db).await?;
    let recent = reputation_call::Entity::find().filter(reputation_call::Column::At.gt(since));
    if recent.clone().count(db).await? <= u64::from(quota) {
        return Ok(None);
    }
    reputation_call::Entity::delete_by_id(mine.id).exec(db).await?;
    let oldest = recent.order_by_asc(reputation_call::Column::At).one(db).await?.map(|m| m.at);
    let wait = oldest.map_or(Duration::seconds(WINDOW_SECS), |at| at + Duration::seconds(WINDOW_SECS) - now);
    Ok(Some(wait.num_seconds().clamp(1, WINDOW_SECS) as u64))
}
