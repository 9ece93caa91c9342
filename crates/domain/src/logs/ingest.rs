//! Storing a batch of records and running the table's stream rules over them, all in one
//! transaction: when the answer leaves, the records and their tickets are committed together,
//! and a batch sent again stores nothing twice (records carry their `_id`) and opens nothing twice.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QueryTrait, TransactionTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use serde_json::Value;
use socdesk_types::{
    logs::{IngestResult, RejectedLine},
    rules::RuleKind,
};

use crate::{
    DomainResult,
    entities::{log_record, log_record_id, log_table, rule},
    logs::{
        catalog::{schema_fields, table_by_name},
        records::{self, Checked},
        retention,
    },
    rules::{
        Filing,
        engine::{self, Matches},
        loaded::Loaded,
        open::Evidence,
        suppressions,
    },
};

/// Rows per multi-row statement.
const CHUNK: usize = 500;

/// One line of a batch as the API read it.
pub struct Line {
    /// 1-based: the array element, or the NDJSON line.
    pub number: u64,
    /// The parsed value, or why the line is not JSON.
    pub content: Result<Value, String>,
}

/// Stores `lines` in table `table` and runs its stream rules. Every line ends up stored, a
/// duplicate or rejected (with its line number and reason); rejected lines do not stop the rest.
pub async fn ingest(
    db: &DatabaseConnection,
    table: &str,
    lines: Vec<Line>,
    filing: &Filing,
) -> DomainResult<IngestResult> {
    let (table, schema) = table_by_name(db, table).await?;
    let fields = schema_fields(&schema)?;
    let now = Utc::now();
    let mut result = IngestResult {
        received: lines.len() as u64,
        stored: 0,
        duplicates: 0,
        rejected: 0,
        rejections: Vec::new(),
        matched: 0,
        created_ticket_ids: Vec::new(),
        updated_ticket_ids: Vec::new(),
        suppressed: 0,
    };
    let mut batch: Vec<Checked> = Vec::with_capacity(lines.len());
    let mut seen = HashSet::new();
    for line in lines {
        let n = line.number;
        let checked = match line.content {
            Ok(v) => records::check(n, v, &schema.name, &fields, now),
            Err(reason) => Err(RejectedLine { line: n, field: None, reason }),
        };
        match checked {
            Ok(c) if c.record_id.as_ref().is_some_and(|id| !seen.insert(id.clone())) => {
                result.duplicates += 1
            }
            Ok(c) => batch.push(c),
            Err(r) => result.rejections.push(r),
        }
    }
    result.rejected = result.rejections.len() as u64;

    retention::ensure_partitions(db, batch.iter().map(|c| c.time)).await?;
    let txn = db.begin().await?;
    let checked = batch.len();
    let fresh = store(&txn, table.id, batch, now).await?;
    result.duplicates += (checked - fresh.len()) as u64;
    result.stored = fresh.len() as u64;
    if !fresh.is_empty() {
        log_table::Entity::update_many()
            .col_expr(
                log_table::Column::RecordCount,
                Expr::col(log_table::Column::RecordCount).add(result.stored as i64),
            )
            .filter(log_table::Column::Id.eq(table.id))
            .exec(&txn)
            .await?;
        run_stream_rules(&txn, table.id, &fresh, filing, &mut result).await?;
    }
    txn.commit().await?;
    Ok(result)
}

/// Inserts the batch and returns the records that were new. A record whose `_id` is stored
/// already (by an earlier batch or a concurrent one) is skipped: its `_id` goes into
/// `log_record_ids` first, and `RETURNING` names the ones that went in, so no separate lookup is
/// needed (on PostgreSQL such an `IN (...)` lookup over a large table cost more than the insert
/// itself). A concurrent batch with the same `_id` waits on that row until this one commits.
async fn store(
    txn: &impl sea_orm::ConnectionTrait,
    table_id: i64,
    mut batch: Vec<Checked>,
    now: chrono::DateTime<Utc>,
) -> DomainResult<Vec<Checked>> {
    let mut inserted: HashSet<String> = HashSet::new();
    for chunk in batch.chunks_mut(CHUNK) {
        let ids: Vec<log_record_id::ActiveModel> = chunk
            .iter()
            .filter_map(|c| {
                c.record_id.as_ref().map(|id| log_record_id::ActiveModel {
                    table_id: Set(table_id),
                    record_id: Set(id.clone()),
                    time: Set(c.time),
                })
            })
            .collect();
        if !ids.is_empty() {
            let mut insert = log_record_id::Entity::insert_many(ids)
                .on_conflict(
                    OnConflict::columns([log_record_id::Column::TableId, log_record_id::Column::RecordId])
                        .do_nothing()
                        .to_owned(),
                )
                .into_query();
            insert.returning_col(log_record_id::Column::RecordId);
            for row in txn.query_all(&insert).await? {
                inserted.insert(row.try_get_by_index::<String>(0)?);
            }
        }
        // The stored columns are moved out: rules only read `view` (which holds the fields too).
        let rows: Vec<log_record::ActiveModel> = chunk
            .iter_mut()
            .filter(|c| c.record_id.as_ref().is_none_or(|id| inserted.contains(id)))
            .map(|c| log_record::ActiveModel {
                table_id: Set(table_id),
                record_id: Set(c.record_id.clone()),
                time: Set(c.time),
                emp_key: Set(c.emp_key.clone()),
                fields: Set(Value::Object(std::mem::take(&mut c.fields))),
                search_text: Set(std::mem::take(&mut c.text)),
                received_at: Set(now),
                ..Default::default()
            })
            .collect();
        if !rows.is_empty() {
            log_record::Entity::insert_many(rows).exec_without_returning(txn).await?;
        }
    }
    Ok(batch.into_iter().filter(|c| c.record_id.as_ref().is_none_or(|id| inserted.contains(id))).collect())
}

async fn run_stream_rules(
    txn: &sea_orm::DatabaseTransaction,
    table_id: i64,
    fresh: &[Checked],
    filing: &Filing,
    result: &mut IngestResult,
) -> DomainResult<()> {
    let now = Utc::now();
    let models = rule::Entity::find()
        .filter(rule::Column::TableId.eq(table_id))
        .filter(rule::Column::Kind.eq(RuleKind::Stream.as_str()))
        .filter(rule::Column::Enabled.eq(true))
        .order_by_asc(rule::Column::Id)
        .all(txn)
        .await?;
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut suppressions = suppressions::active(txn, &ids, now).await?;
    let mut rules = Vec::with_capacity(models.len());
    for model in models {
        let id = model.id;
        match Loaded::from_model(model) {
            Ok(rule) => rules.push(rule),
            Err(e) => engine::failed(txn, id, &e.to_string(), now).await?,
        }
    }
    let mut items = Vec::new();
    for rule in &rules {
        let Some(condition) = &rule.condition else { continue };
        let active = suppressions.remove(&rule.model.id).unwrap_or_default();
        let mut matches = Matches::default();
        for record in fresh.iter().filter(|r| condition.matches(&r.view)) {
            let evidence = Evidence { log_record_id: None, time: record.time, view: record.view.clone() };
            matches.push_record(rule, &active, evidence);
        }
        result.matched += matches.matched as u64;
        result.suppressed += matches.suppressed.values().sum::<i64>() as u64;
        items.push((rule, matches));
    }
    let filed = engine::file_all(txn, items, filing, now).await?;
    for outcome in filed.into_iter().flatten() {
        result.created_ticket_ids.extend(outcome.created);
        result.updated_ticket_ids.extend(outcome.updated);
    }
    result.updated_ticket_ids.sort_unstable();
    result.updated_ticket_ids.dedup();
    Ok(())
}
