//! Log retention. On PostgreSQL `log_records` is partitioned by month of the record's time
//! (migration m0015): a month wholly older than the retention is dropped as one partition, and
//! the rest of the cut-off — the older part of the month it falls in — is deleted in batches, as
//! everything is on SQLite. Each batch is one short transaction that also corrects its table's
//! `record_count`, so ingest is never held up for long.
//!
//! Evidence on tickets and explanations is a copy of the record: retention leaves it alone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    DomainResult,
    entities::{log_record, log_record_id, log_table},
};

/// Rows deleted per transaction.
const BATCH: u64 = 5_000;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Records removed, by dropped partitions and batched deletes together.
    pub records: u64,
    /// Month partitions dropped (PostgreSQL).
    pub partitions: u64,
}

/// PostgreSQL: makes sure a partition exists for the month of each of `times`, before records of
/// a new month are stored. Runs outside the caller's transaction: creating a partition locks the
/// whole table, which must not last as long as an ingest transaction. SQLite: nothing to do.
pub async fn ensure_partitions(
    db: &DatabaseConnection,
    times: impl Iterator<Item = DateTime<Utc>>,
) -> DomainResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut months: Vec<(i32, u32)> = times.map(|t| (t.year(), t.month())).collect();
    months.sort_unstable();
    months.dedup();
    for (year, month) in months {
        let first = Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single().unwrap_or_else(Utc::now);
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT socdesk_log_partition($1)",
            [first.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Removes every record whose time is older than `keep` before `now`, with its `_id`. Several
/// processes may sweep at once: on PostgreSQL partitions are dropped under an advisory lock and
/// the batched deletes never count a row twice (each batch's count is what it deleted).
pub async fn sweep(db: &DatabaseConnection, keep: Duration, now: DateTime<Utc>) -> DomainResult<Swept> {
    let cutoff = now - keep;
    let mut swept = Swept::default();
    if db.get_database_backend() == DbBackend::Postgres {
        // Next month's partition ahead of time, so the first records of a month wait for nothing.
        ensure_partitions(db, [now, now + Duration::days(32)].into_iter()).await?;
        drop_old_partitions(db, cutoff, &mut swept).await?;
    }
    let tables: Vec<i64> =
        log_table::Entity::find().select_only().column(log_table::Column::Id).into_tuple().all(db).await?;
    for table in tables {
        loop {
            let (deleted, more) = delete_batch(db, table, cutoff).await?;
            swept.records += deleted;
            if !more {
                break;
            }
        }
    }
    loop {
        let txn = db.begin().await?;
        // A batch ends at the time of its last row (ties included, so it may be a little larger).
        let bound: Option<DateTime<Utc>> = log_record_id::Entity::find()
            .filter(log_record_id::Column::Time.lt(cutoff))
            .select_only()
            .column(log_record_id::Column::Time)
            .order_by_asc(log_record_id::Column::Time)
            .offset(BATCH - 1)
            .into_tuple()
            .one(&txn)
            .await?;
        let filter = match bound {
            Some(t) => log_record_id::Column::Time.lte(t),
            None => log_record_id::Column::Time.lt(cutoff),
        };
        let removed = log_record_id::Entity::delete_many().filter(filter).exec(&txn).await?.rows_affected;
        txn.commit().await?;
        if bound.is_none() || removed == 0 {
            break;
        }
    }
    Ok(swept)
}

/// Deletes about `BATCH` of `table`'s records older than `cutoff`, oldest first (a batch ends at
/// the time of its last row, ties included), and takes them off the table's count; returns how
/// many went and whether more may be left.
async fn delete_batch(
    db: &DatabaseConnection,
    table: i64,
    cutoff: DateTime<Utc>,
) -> DomainResult<(u64, bool)> {
    let txn = db.begin().await?;
    let old = || {
        log_record::Entity::find()
            .filter(log_record::Column::TableId.eq(table))
            .filter(log_record::Column::Time.lt(cutoff))
    };
    let bound: Option<DateTime<Utc>> = old()
        .select_only()
        .column(log_record::Column::Time)
        .order_by_asc(log_record::Column::Time)
        .offset(BATCH - 1)
        .into_tuple()
        .one(&txn)
        .await?;
    let mut delete = log_record::Entity::delete_many()
        .filter(log_record::Column::TableId.eq(table))
        .filter(log_record::Column::Time.lt(cutoff));
    if let Some(t) = bound {
        delete = delete.filter(log_record::Column::Time.lte(t));
    }
    let deleted = delete.exec(&txn).await?.rows_affected;
    if deleted > 0 {
        uncount(&txn, table, deleted).await?;
    }
    txn.commit().await?;
    Ok((deleted, bound.is_some()))
}

async fn uncount(txn: &impl ConnectionTrait, table: i64, n: u64) -> DomainResult<()> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    log_table::Entity::update_many()
        .col_expr(log_table::Column::RecordCount, Expr::col(log_table::Column::RecordCount).sub(n))
        .filter(log_table::Column::Id.eq(table))
        .exec(txn)
        .await?;
    Ok(())
}

/// The month a partition named `log_records_pYYYY_MM` holds, as its first day.
fn partition_month(name: &str) -> Option<NaiveDate> {
    let (year, month) = name.strip_prefix("log_records_p")?.split_once('_')?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// The first day of the month after `first`.
fn next_month(first: NaiveDate) -> Option<NaiveDate> {
    first.checked_add_months(chrono::Months::new(1))
}

async fn drop_old_partitions(
    db: &DatabaseConnection,
    cutoff: DateTime<Utc>,
    swept: &mut Swept,
) -> DomainResult<()> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'log_records'::regclass ORDER BY c.relname",
        ))
        .await?;
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        let Some(end) = partition_month(&name).and_then(next_month) else { continue };
        if end.and_time(chrono::NaiveTime::MIN).and_utc() > cutoff {
            continue;
        }
        let txn = db.begin().await?;
        let ours = txn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock(hashtext('socdesk_log_retention'))",
            ))
            .await?
            .map(|r| r.try_get_by_index::<bool>(0))
            .transpose()?
            .unwrap_or(false);
        if !ours {
            // Another process is sweeping; it will drop this partition.
            return Ok(());
        }
        // The name comes from the catalogue and matched `log_records_pYYYY_MM`: safe to quote.
        txn.execute_unprepared(&format!("LOCK TABLE \"{name}\" IN ACCESS EXCLUSIVE MODE")).await?;
        let counts = txn
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT table_id, count(*) FROM \"{name}\" GROUP BY table_id"),
            ))
            .await?;
        for count in counts {
            let table: i64 = count.try_get_by_index(0)?;
            let n: i64 = count.try_get_by_index(1)?;
            let n = u64::try_from(n).unwrap_or(0);
            uncount(&txn, table, n).await?;
            swept.records += n;
        }
        txn.execute_unprepared(&format!("DROP TABLE \"{name}\"")).await?;
        txn.commit().await?;
        swept.partitions += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_names_give_their_month() {
        assert_eq!(partition_month("log_records_p2026_11"), NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(
            partition_month("log_records_p2026_12").and_then(next_month),
            NaiveDate::from_ymd_opt(2027, 1, 1)
        );
        assert_eq!(partition_month("log_records_p2026_13"), None);
        assert_eq!(partition_month("log_records_default"), None);
        assert_eq!(partition_month("tickets"), None);
    }
}
