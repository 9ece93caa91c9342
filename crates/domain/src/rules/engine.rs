//! Filing rules' matches inside the caller's transaction: count them, let suppressions swallow
//! theirs, and open or add to tickets in a savepoint, so a rule that fails (a deleted site, say)
//! is logged and counted while the records and every other rule's tickets commit.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{CaseStatement, Expr, ExprTrait},
};
use serde_json::{Map, Value};

use crate::{
    DomainResult,
    entities::rule,
    rules::{
        Filing,
        loaded::Loaded,
        open::{self, Evidence, Groups, Occurrence, Outcome},
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

/// Files `matches` of one rule; see [`file_all`].
pub(crate) async fn file(
    txn: &DatabaseTransaction,
    rule: &Loaded,
    matches: Matches,
    filing: &Filing,
    now: DateTime<Utc>,
) -> DomainResult<Filed> {
    let mut filed = file_all(txn, vec![(rule, matches)], filing, now).await?;
    Ok(filed.pop().unwrap_or_else(|| Ok(Outcome::default())))
}

/// Files the matches of several rules; answers for those that matched anything, in rule id order.
///
/// On PostgreSQL the rules' rows are locked first, in id order, so concurrent batches queue per
/// rule instead of both opening a ticket for the same new attack. All rules' tickets are then
/// written together in one savepoint (a few statements per batch, whatever the number of
/// rules); only if that fails is each rule retried in a savepoint of its own, so the one that
/// fails (a deleted site, say) is counted while the others' tickets commit.
pub(crate) async fn file_all(
    txn: &DatabaseTransaction,
    items: Vec<(&Loaded, Matches)>,
    filing: &Filing,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Filed>> {
    let mut items: Vec<(&Loaded, Matches)> = items.into_iter().filter(|(_, m)| m.matched > 0).collect();
    items.sort_by_key(|(rule, _)| rule.model.id);
    if items.is_empty() {
        return Ok(Vec::new());
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        rule::Entity::find()
            .select_only()
            .column(rule::Column::Id)
            .filter(rule::Column::Id.is_in(items.iter().map(|(r, _)| r.model.id)))
            .order_by_asc(rule::Column::Id)
            .lock_exclusive()
            .into_tuple::<i64>()
            .all(txn)
            .await?;
    }
    let mut hits: BTreeMap<i64, i64> = BTreeMap::new();
    for (_, m) in &items {
        for (id, n) in &m.suppressed {
            *hits.entry(*id).or_default() += n;
        }
    }
    suppressions::count_hits(txn, &hits, now).await?;

    let counts: Vec<(i64, i64, i64)> =
        items.iter().map(|(r, m)| (r.model.id, m.matched, m.suppressed_total())).collect();
    let work: Vec<(&Loaded, Groups)> = items.into_iter().map(|(r, m)| (r, m.groups)).collect();
    let filed = if work.iter().all(|(_, g)| g.is_empty()) {
        work.iter().map(|_| Ok(Outcome::default())).collect()
    } else {
        let savepoint = txn.begin().await?;
        match open::apply_many(&savepoint, work.clone(), filing, now).await {
            Ok(outcomes) => {
                savepoint.commit().await?;
                outcomes.into_iter().map(Ok).collect()
            }
            Err(_) => {
                savepoint.rollback().await?;
                one_by_one(txn, work, filing, now).await?
            }
        }
    };

    let mut matched = CaseStatement::new();
    let mut suppressed = CaseStatement::new();
    let mut opened = CaseStatement::new();
    for ((id, m, s), f) in counts.iter().zip(&filed) {
        let is = Expr::col(rule::Column::Id).eq(*id);
        matched = matched.case(is.clone(), Expr::col(rule::Column::MatchCount).add(*m));
        suppressed = suppressed.case(is.clone(), Expr::col(rule::Column::SuppressedCount).add(*s));
        let created = f.as_ref().map_or(0, |o| o.created.len() as i64);
        opened = opened.case(is, Expr::col(rule::Column::TicketCount).add(created));
    }
    rule::Entity::update_many()
        .col_expr(rule::Column::MatchCount, matched.into())
        .col_expr(rule::Column::SuppressedCount, suppressed.into())
        .col_expr(rule::Column::TicketCount, opened.into())
        .col_expr(rule::Column::LastMatchedAt, Expr::value(now))
        .filter(rule::Column::Id.is_in(counts.iter().map(|(id, _, _)| *id)))
        .exec(txn)
        .await?;
    Ok(filed)
}

/// The slow path after a shared savepoint failed: each rule alone, the failing one counted.
async fn one_by_one(
    txn: &DatabaseTransaction,
    work: Vec<(&Loaded, Groups)>,
    filing: &Filing,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Filed>> {
    let mut filed = Vec::with_capacity(work.len());
    for (rule, groups) in work {
        if groups.is_empty() {
            filed.push(Ok(Outcome::default()));
            continue;
        }
        let savepoint = txn.begin().await?;
        match open::apply(&savepoint, rule, groups, filing, now).await {
            Ok(outcome) => {
                savepoint.commit().await?;
                filed.push(Ok(outcome));
            }
            Err(err) => {
                savepoint.rollback().await?;
                let message = err.to_string();
                failed(txn, rule.model.id, &message, now).await?;
                filed.push(Err(message));
            }
        }
    }
    Ok(filed)
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
