//! Storing a batch of records and running the table's stream rules over them, all in one
//! transaction: when the answer leaves, the records and their tickets are committed together,
//! and a batch sent again stores nothing twice (records carry their `_id`) and opens nothing twice.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use serde_json::Value;
use socdesk_types::{
    logs::{IngestResult, RejectedLine},
    rules::RuleKind,
};

use crate::{
    DomainError, DomainResult,
    entities::{log_record, log_table, rule},
    logs::{
        catalog::{schema_fields, table_by_name},
        records::{self, Checked},
    },
    rules::{
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

/// Limits of ingest.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    /// Evidence records kept on one ticket.
    pub evidence_cap: i64,
}

/// Stores `lines` in table `table` and runs its stream rules. Every line ends up stored, a
/// duplicate or rejected (with its line number and reason); rejected lines do not stop the rest.
pub async fn ingest(
    db: &DatabaseConnection,
    table: &str,
    lines: Vec<Line>,
    options: IngestOptions,
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

    let txn = db.begin().await?;
    let checked = batch.len();
    let fresh = drop_stored(&txn, table.id, batch).await?;
    result.duplicates += (checked - fresh.len()) as u64;
    store(&txn, table.id, &fresh, now).await?;
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
        run_stream_rules(&txn, table.id, &fresh, options, &mut result).await?;
    }
    txn.commit().await?;
    Ok(result)
}

/// The records whose `_id` is not stored yet.
async fn drop_stored(
    txn: &impl sea_orm::ConnectionTrait,
    table_id: i64,
    batch: Vec<Checked>,
) -> DomainResult<Vec<Checked>> {
    let ids: Vec<&str> = batch.iter().filter_map(|c| c.record_id.as_deref()).collect();
    let mut stored: HashSet<String> = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<Option<String>> = log_record::Entity::find()
            .select_only()
            .column(log_record::Column::RecordId)
            .filter(log_record::Column::TableId.eq(table_id))
            .filter(log_record::Column::RecordId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        stored.extend(rows.into_iter().flatten());
    }
    Ok(batch.into_iter().filter(|c| c.record_id.as_ref().is_none_or(|id| !stored.contains(id))).collect())
}

async fn store(
    txn: &impl sea_orm::ConnectionTrait,
    table_id: i64,
    fresh: &[Checked],
    now: chrono::DateTime<Utc>,
) -> DomainResult<()> {
    let mut inserted = 0u64;
    for chunk in fresh.chunks(CHUNK) {
        let rows = chunk.iter().map(|c| log_record::ActiveModel {
            table_id: Set(table_id),
            record_id: Set(c.record_id.clone()),
            time: Set(c.time),
            emp_key: Set(c.emp_key.clone()),
            fields: Set(Value::Object(c.fields.clone())),
            search_text: Set(c.text.clone()),
            received_at: Set(now),
            ..Default::default()
        });
        // A concurrent request may have stored one of these ids since we looked.
        inserted += log_record::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([log_record::Column::TableId, log_record::Column::RecordId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    if inserted != fresh.len() as u64 {
        return Err(DomainError::Conflict(
            "another request stored some of these records at the same time; send the batch again \
             (records already stored are skipped)"
                .into(),
        ));
    }
    Ok(())
}

async fn run_stream_rules(
    txn: &sea_orm::DatabaseTransaction,
    table_id: i64,
    fresh: &[Checked],
    options: IngestOptions,
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
    for model in models {
        let id = model.id;
        let rule = match Loaded::from_model(model) {
            Ok(rule) => rule,
            Err(e) => {
                engine::failed(txn, id, &e.to_string(), now).await?;
                continue;
            }
        };
        let Some(condition) = &rule.condition else { continue };
        let active = suppressions.remove(&id).unwrap_or_default();
        let mut matches = Matches::default();
        for record in fresh.iter().filter(|r| condition.matches(&r.view)) {
            let evidence = Evidence { log_record_id: None, time: record.time, view: record.view.clone() };
            matches.push_record(&rule, &active, evidence);
        }
        if matches.matched == 0 {
            continue;
        }
        result.matched += matches.matched as u64;
        result.suppressed += matches.suppressed.values().sum::<i64>() as u64;
        if let Ok(outcome) = engine::file(txn, &rule, matches, options.evidence_cap, now).await? {
            result.created_ticket_ids.extend(outcome.created);
            result.updated_ticket_ids.extend(outcome.updated);
        }
    }
    result.updated_ticket_ids.sort_unstable();
    result.updated_ticket_ids.dedup();
    Ok(())
}
