//! The scheduler's explanation duties: remind an unanswered violator once, some days before the
//! deadline (with a fresh link: only the link's hash is stored, so the old one can't be mailed
//! again), and tell the manager once when the deadline passes unanswered.
//!
//! Every process runs the sweep; each notice is claimed by a conditional UPDATE of its
//! timestamp column in the transaction that writes the mail, so it is sent exactly once however
//! many processes race for it.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, sea_query::Expr,
};
use socdesk_types::mail::MailKind;

use crate::{
    DomainResult,
    entities::{employee, explanation},
    explanations::{
        service::{Links, issue_link, mail, step},
        workflow::WAITING_FOR_VIOLATOR,
    },
    services::settings,
};

/// Notices one sweep sends at most; the rest wait for the next tick.
const BATCH: u64 = 200;

/// What one sweep sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// Explanations whose violator was reminded.
    pub reminded: Vec<i64>,
    /// Explanations whose manager was told the deadline passed.
    pub overdue: Vec<i64>,
}

fn waiting() -> Condition {
    Condition::all().add(explanation::Column::Status.is_in(WAITING_FOR_VIOLATOR.iter().map(|s| s.as_str())))
}

/// Sends the reminders and overdue notices due at `now`.
pub async fn run_due(db: &DatabaseConnection, links: &Links, now: DateTime<Utc>) -> DomainResult<Sweep> {
    let days = settings::options(db).await?.explanation_reminder_days;
    let mut sweep = Sweep::default();
    if days > 0 {
        let horizon = now + TimeDelta::days(i64::from(days));
        // A revoked link (no token) stays revoked: reminding would hand out a new one.
        let due: Vec<i64> = explanation::Entity::find()
            .select_only()
            .column(explanation::Column::Id)
            .filter(waiting())
            .filter(explanation::Column::RemindedAt.is_null())
            .filter(explanation::Column::TokenHash.is_not_null())
            .filter(explanation::Column::Deadline.gt(now))
            .filter(explanation::Column::Deadline.lte(horizon))
            .order_by_asc(explanation::Column::Deadline)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        for id in due {
            if remind(db, links, id, now, TimeDelta::days(i64::from(days))).await? {
                sweep.reminded.push(id);
            }
        }
    }
    let overdue: Vec<i64> = explanation::Entity::find()
        .select_only()
        .column(explanation::Column::Id)
        .filter(waiting())
        .filter(explanation::Column::OverdueNotifiedAt.is_null())
        .filter(explanation::Column::Deadline.lt(now))
        .order_by_asc(explanation::Column::Deadline)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    for id in overdue {
        if notify_overdue(db, links, id, now).await? {
            sweep.overdue.push(id);
        }
    }
    Ok(sweep)
}

/// Claims `column` of explanation `id` (still waiting for the violator) for `now`; `false` when
/// another process got there first or the violator answered meanwhile.
async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    column: explanation::Column,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let claimed = explanation::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(explanation::Column::Id.eq(id))
        .filter(column.is_null())
        .filter(waiting())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Whether the violator's link was mailed inside the reminder window (`ahead` before the
/// deadline): a request made or returned that late needs no reminder, which would only repeat
/// the mail just sent and kill the link in it.
fn mailed_inside_window(e: &explanation::Model, ahead: TimeDelta) -> bool {
    e.token_issued_at.is_some_and(|issued| issued > e.deadline - ahead)
}

async fn remind(
    db: &DatabaseConnection,
    links: &Links,
    id: i64,
    now: DateTime<Utc>,
    ahead: TimeDelta,
) -> DomainResult<bool> {
    let txn = db.begin().await?;
    if !claim(&txn, id, explanation::Column::RemindedAt, now).await? {
        return Ok(false);
    }
    let Some(e) = explanation::Entity::find_by_id(id).one(&txn).await? else { return Ok(false) };
    if mailed_inside_window(&e, ahead) {
        // The claim stays: this request is settled, and later sweeps do not look at it again.
        txn.commit().await?;
        return Ok(false);
    }
    let Some(violator) = employee::Entity::find_by_id(e.violator_id.clone()).one(&txn).await? else {
        return Ok(false);
    };
    let token = issue_link(&txn, id, now).await?;
    mail(&txn, MailKind::Reminder, &e, &violator, &violator, links.violator(&token), None, now).await?;
    step(&txn, id, now, ("system", None, None), "reminded", None, None, None).await?;
    txn.commit().await?;
    Ok(true)
}

async fn notify_overdue(
    db: &DatabaseConnection,
    links: &Links,
    id: i64,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let txn = db.begin().await?;
    if !claim(&txn, id, explanation::Column::OverdueNotifiedAt, now).await? {
        return Ok(false);
    }
    let Some(e) = explanation::Entity::find_by_id(id).one(&txn).await? else { return Ok(false) };
    let violator = employee::Entity::find_by_id(e.violator_id.clone()).one(&txn).await?;
    let manager = employee::Entity::find_by_id(e.manager_id.clone()).one(&txn).await?;
    if let (Some(violator), Some(manager)) = (violator, manager) {
        mail(&txn, MailKind::OverdueNotice, &e, &manager, &violator, links.review(id), None, now).await?;
    }
    step(&txn, id, now, ("system", None, None), "overdue_notified", None, None, None).await?;
    txn.commit().await?;
    Ok(true)
}
