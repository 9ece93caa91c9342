//! Filing one rule's matches inside the caller's transaction: count them, let suppressions
//! swallow theirs, and open or add to tickets in a savepoint, so a rule that fails (a deleted
//! site, say) is logged and counted while the records and every other rule's tickets commit.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Map, Value};

use crate::{
    DomainResult,
    entities::rule,
    rules::{
        loaded::Loaded,
        open::{self, Evidence, Occurrence, Outcome},
        suppressions::{self, Active},
    },
};

/// One rule's matches in a batch (stream) or run (batch), sorted into dedup groups.
#[derive(Default)]
pub(crate) struct Matches {
    /// Records (stream) or groups (batch) that matched, suppressed ones included.
    pub matched: i64,
    pub groups: BTreeMap<Option<String>, Vec<Occurrence>>,
    /// Suppression id → matches it swallowed.
    pub suppressed: BTreeMap<i64, i64>,
}

impl Matches {
    /// Adds one occurrence whose first record is `view`, unless a suppression covers it.
    pub fn push(&mut self, rule: &Loaded, suppressions: &[Active], key_fields: &[String], occ: Occurrence) {
        self.matched += 1;
        let view = occ.records.first().map(|r| &r.view);
        let empty = Map::new();
        let view: &Map<String, Value> = view.unwrap_or(&empty);
        if let Some(s) = suppressions.iter().find(|s| s.covers(view)) {
            *self.suppressed.entry(s.id).or_default() += 1;
            return;
        }
        let key = rule.dedup_key(view, key_fields);
        self.groups.entry(key).or_default().push(occ);
    }

    /// Adds one matching record as its own occurrence.
    pub fn push_record(&mut self, rule: &Loaded, suppressions: &[Active], record: Evidence) {
        let occ = Occurrence { time: record.time, records: vec![record] };
        self.push(rule, suppressions, &rule.dedup_fields, occ);
    }

    fn suppressed_total(&self) -> i64 {
        self.suppressed.values().sum()
    }
}

/// What filing did: the tickets, or the error that made the rule's part roll back.
pub(crate) type Filed = Result<Outcome, String>;

/// Files `matches` of `rule`. Rules must be filed in id order: the counter update takes the
/// rule's row lock first (on PostgreSQL), so concurrent batches queue per rule instead of both
/// opening a ticket for the same new attack.
pub(crate) async fn file(
    txn: &DatabaseTransaction,
    rule: &Loaded,
    matches: Matches,
    evidence_cap: i64,
    now: DateTime<Utc>,
) -> DomainResult<Filed> {
    let id = rule.model.id;
    rule::Entity::update_many()
        .col_expr(rule::Column::MatchCount, Expr::col(rule::Column::MatchCount).add(matches.matched))
        .col_expr(
            rule::Column::SuppressedCount,
            Expr::col(rule::Column::SuppressedCount).add(matches.suppressed_total()),
        )
        .col_expr(rule::Column::LastMatchedAt, Expr::value(now))
        .filter(rule::Column::Id.eq(id))
        .exec(txn)
        .await?;
    suppressions::count_hits(txn, &matches.suppressed, now).await?;
    if matches.groups.is_empty() {
        return Ok(Ok(Outcome::default()));
    }
    let savepoint = txn.begin().await?;
    match open::apply(&savepoint, rule, matches.groups, evidence_cap, now).await {
        Ok(outcome) => {
            savepoint.commit().await?;
            if !outcome.created.is_empty() {
                rule::Entity::update_many()
                    .col_expr(
                        rule::Column::TicketCount,
                        Expr::col(rule::Column::TicketCount).add(outcome.created.len() as i64),
                    )
                    .filter(rule::Column::Id.eq(id))
                    .exec(txn)
                    .await?;
            }
            Ok(Ok(outcome))
        }
        Err(err) => {
            savepoint.rollback().await?;
            let message = err.to_string();
            failed(txn, id, &message, now).await?;
            Ok(Err(message))
        }
    }
}

/// Counts a failure of a rule and keeps its message; logs it.
pub(crate) async fn failed(
    txn: &impl sea_orm::ConnectionTrait,
    rule_id: i64,
    message: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    tracing::warn!(rule_id, error = message, "rule failed");
    rule::Entity::update_many()
        .col_expr(rule::Column::ErrorCount, Expr::col(rule::Column::ErrorCount).add(1))
        .col_expr(rule::Column::LastError, Expr::value(format!("{}: {message}", now.to_rfc3339())))
        .filter(rule::Column::Id.eq(rule_id))
        .exec(txn)
        .await?;
    Ok(())
}
