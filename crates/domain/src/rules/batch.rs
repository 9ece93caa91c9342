//! Batch rules: every interval, count the records of the look-back window that match the query,
//! per group of key fields; each group at or over the threshold opens (or adds to) a ticket.
//!
//! The scheduler claims a due run with one conditional UPDATE that moves `next_run_at` forward,
//! so with several server processes on one database exactly one of them runs it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::Expr,
};
use socdesk_types::rules::{RuleKind, RuleRun};

use crate::{
    DomainError, DomainResult,
    entities::{log_record, rule},
    logs::{
        query::{RecordView, searchable_text},
        records::view_of,
    },
    rules::{
        Filing,
        engine::{self, Matches},
        loaded::Loaded,
        open::{Evidence, Occurrence},
        suppressions,
        template::text_of,
    },
};

/// Records read per query while scanning the window.
const SCAN_CHUNK: u64 = 2_000;

/// Runs one batch rule now (whatever its schedule) and files what it finds.
pub async fn run(db: &DatabaseConnection, rule_id: i64, filing: &Filing) -> DomainResult<RuleRun> {
    let model = rule::Entity::find_by_id(rule_id).one(db).await?.ok_or(DomainError::NotFound("rule"))?;
    if model.kind != RuleKind::Batch.as_str() {
        return Err(DomainError::Conflict("stream rules run on every stored record, not on demand".into()));
    }
    let rule = Loaded::from_model(model)?;
    run_loaded(db, &rule, Utc::now(), filing).await
}

/// The groups of the window: key values → (records counted, records kept for evidence).
type Groups = BTreeMap<Vec<Option<String>>, (i64, Vec<Evidence>)>;

async fn scan(
    db: &DatabaseConnection,
    rule: &Loaded,
    now: DateTime<Utc>,
    cap: i64,
) -> DomainResult<(i64, Groups)> {
    let Some((spec, expr)) = &rule.batch else { return Ok((0, Groups::new())) };
    let from = now - Duration::seconds(spec.lookback_secs);
    let mut groups = Groups::new();
    let mut matched = 0;
    let mut after = 0i64;
    loop {
        let rows = log_record::Entity::find()
            .filter(log_record::Column::TableId.eq(rule.model.table_id))
            .filter(log_record::Column::Time.gte(from))
            .filter(log_record::Column::Time.lte(now))
            .filter(log_record::Column::Id.gt(after))
            .order_by_asc(log_record::Column::Id)
            .limit(SCAN_CHUNK)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let done = (rows.len() as u64) < SCAN_CHUNK;
        for r in rows {
            let view = view_of(r.record_id.as_deref(), r.time, r.emp_key.as_deref(), &r.fields);
            if let Some(expr) = expr {
                let text = searchable_text(&view);
                if !expr.matches(&RecordView { fields: &view, text: &text }) {
                    continue;
                }
            }
            matched += 1;
            let key: Vec<Option<String>> =
                spec.group_by.iter().map(|f| view.get(f).and_then(text_of)).collect();
            let group = groups.entry(key).or_default();
            group.0 += 1;
            if (group.1.len() as i64) < cap {
                group.1.push(Evidence { log_record_id: Some(r.id), time: r.time, view });
            }
        }
        if done {
            break;
        }
    }
    Ok((matched, groups))
}

async fn run_loaded(
    db: &DatabaseConnection,
    rule: &Loaded,
    now: DateTime<Utc>,
    filing: &Filing,
) -> DomainResult<RuleRun> {
    let Some((spec, _)) = &rule.batch else {
        return Err(DomainError::Internal(format!("rule {} has no batch spec", rule.model.id)));
    };
    let (matched_records, groups) = scan(db, rule, now, filing.evidence_cap).await?;
    let key_fields =
        if rule.dedup_fields.is_empty() { spec.group_by.clone() } else { rule.dedup_fields.clone() };
    let txn = db.begin().await?;
    let active =
        suppressions::active(&txn, &[rule.model.id], now).await?.remove(&rule.model.id).unwrap_or_default();
    let mut matches = Matches::default();
    for (_, (count, records)) in groups {
        if count >= spec.threshold {
            matches.push(rule, &active, &key_fields, Occurrence { time: now, records });
        }
    }
    let mut run = RuleRun {
        rule_id: rule.model.id,
        started_at: now,
        matched_records,
        groups: matches.matched,
        created_ticket_ids: Vec::new(),
        updated_ticket_ids: Vec::new(),
        suppressed: matches.suppressed.values().sum(),
    };
    rule::Entity::update_many()
        .col_expr(rule::Column::LastRunAt, Expr::value(now))
        .filter(rule::Column::Id.eq(rule.model.id))
        .exec(&txn)
        .await?;
    if matches.matched > 0 {
        match engine::file(&txn, rule, matches, filing, now).await? {
            Ok(outcome) => {
                run.created_ticket_ids = outcome.created;
                run.updated_ticket_ids = outcome.updated;
            }
            Err(message) => {
                txn.commit().await?;
                return Err(DomainError::Conflict(format!(
                    "the rule's tickets could not be written: {message}"
                )));
            }
        }
    }
    txn.commit().await?;
    Ok(run)
}

/// How far behind its schedule the most overdue enabled batch rule is (zero when none is due):
/// the scheduler lag of every process together, since any of them may claim a run.
pub async fn lag(db: &impl sea_orm::ConnectionTrait, now: DateTime<Utc>) -> DomainResult<Duration> {
    let oldest = rule::Entity::find()
        .filter(rule::Column::Kind.eq(RuleKind::Batch.as_str()))
        .filter(rule::Column::Enabled.eq(true))
        .filter(rule::Column::NextRunAt.lte(now))
        .order_by_asc(rule::Column::NextRunAt)
        .one(db)
        .await?;
    Ok(oldest.and_then(|r| r.next_run_at).map_or(Duration::zero(), |due| now - due))
}

/// Runs every batch rule that is due at `now`, claiming each first so that of several processes
/// on one database exactly one runs it. Returns the runs this process made.
pub async fn run_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    filing: &Filing,
) -> DomainResult<Vec<RuleRun>> {
    let due = rule::Entity::find()
        .filter(rule::Column::Kind.eq(RuleKind::Batch.as_str()))
        .filter(rule::Column::Enabled.eq(true))
        .filter(rule::Column::NextRunAt.lte(now))
        .order_by_asc(rule::Column::Id)
        .all(db)
        .await?;
    let mut runs = Vec::new();
    for model in due {
        let id = model.id;
        let rule = match Loaded::from_model(model) {
            Ok(rule) => rule,
            Err(e) => {
                engine::failed(db, id, &e.to_string(), now).await?;
                continue;
            }
        };
        let Some((spec, _)) = &rule.batch else { continue };
        // The claim: only the process whose UPDATE still sees the run due moves it forward.
        let claimed = rule::Entity::update_many()
            .col_expr(rule::Column::NextRunAt, Expr::value(now + Duration::seconds(spec.interval_secs)))
            .filter(rule::Column::Id.eq(id))
            .filter(rule::Column::NextRunAt.lte(now))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        match run_loaded(db, &rule, now, filing).await {
            Ok(run) => runs.push(run),
            Err(e) => engine::failed(db, id, &e.to_string(), now).await?,
        }
    }
    Ok(runs)
}
