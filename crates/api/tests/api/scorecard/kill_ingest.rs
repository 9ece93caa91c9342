//! Scorecard 16: `kill -9` in the middle of an ingest. Each round sends 10,000 records in 20
//! batches to the real binary, which is killed at a random moment and started again on the same
//! database; the client retries every batch it has no answer for, with the same ids, against
//! whichever process is up. Afterwards every record is stored once, every attack has one
//! ticket, and the tickets count every record exactly once.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use rand::RngExt;
use reqwest::StatusCode;
use sea_orm::Database;

use super::{Row, report, rounds};
use crate::{
    crash::{PER_BATCH, SOURCES, batch, scalar, start},
    helpers::fresh_database_url,
};

const BATCHES: usize = 20;

/// One round: answers what went wrong, if anything, and how far the ingest was when killed.
async fn round() -> Result<usize, String> {
    let url = fresh_database_url().await;
    let first = start(&url).await;
    first.setup().await;
    let target = Arc::new(Mutex::new((first.address.clone(), first.token.clone())));
    let acked = Arc::new(Mutex::new(0usize));
    let client = first.client.clone();
    let sender = {
        let (target, acked) = (target.clone(), acked.clone());
        tokio::spawn(async move {
            for k in 0..BATCHES {
                // Retry this batch, same ids, until some process acknowledges it.
                for _ in 0..600 {
                    let (address, token) = target.lock().expect("lock").clone();
                    let res = client
                        .post(format!("{address}/api/logs/fw"))
                        .bearer_auth(&token)
                        .json(&batch(k))
                        .send()
                        .await;
                    if res.is_ok_and(|r| r.status() == StatusCode::OK) {
                        *acked.lock().expect("lock") = k + 1;
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        })
    };
    // A random moment: after a random number of acknowledged batches, plus up to 40 ms, so the
    // kill lands between batches or in the middle of one.
    let (after, extra) = {
        let mut rng = rand::rng();
        (rng.random_range(0..BATCHES - 1), rng.random_range(0..40))
    };
    while *acked.lock().expect("lock") < after {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(extra)).await;
    let mut first = first;
    first.child.start_kill().map_err(|e| format!("kill: {e}"))?;
    first.child.wait().await.map_err(|e| format!("wait: {e}"))?;
    let killed_at = *acked.lock().expect("lock");
    let second = start(&url).await;
    *target.lock().expect("lock") = (second.address.clone(), second.token.clone());
    tokio::time::timeout(Duration::from_secs(120), sender)
        .await
        .map_err(|_| "the ingest did not finish".to_owned())?
        .map_err(|e| format!("sender: {e}"))?;
    if *acked.lock().expect("lock") != BATCHES {
        return Err(format!("{} of {BATCHES} batches acknowledged", acked.lock().expect("lock")));
    }

    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    let records = scalar(&db, "SELECT COUNT(*) FROM log_records").await;
    let ids = scalar(&db, "SELECT COUNT(*) FROM log_record_ids").await;
    let tickets = scalar(&db, "SELECT COUNT(*) FROM tickets").await;
    let counted = scalar(&db, "SELECT CAST(SUM(duplicate_count) AS BIGINT) FROM tickets").await;
    let total = (BATCHES * PER_BATCH) as i64;
    if records != total || ids != total || tickets != SOURCES as i64 || counted != total {
        return Err(format!(
            "killed after {killed_at} batches: {records} records, {ids} ids, {tickets} tickets, {counted} counted \
             (want {total}, {total}, {SOURCES}, {total})"
        ));
    }
    drop(second);
    Ok(killed_at)
}

#[tokio::test]
async fn scorecard_16_kill_9_during_ingest_loses_and_doubles_nothing() {
    let n = rounds(2, 20);
    let mut failures = Vec::new();
    let mut moments = Vec::new();
    for _ in 0..n {
        match round().await {
            Ok(at) => moments.push(at),
            Err(e) => failures.push(e),
        }
    }
    let pass = failures.is_empty();
    moments.sort_unstable();
    report(Row {
        number: 16,
        test: "kill -9 during ingest",
        tried: format!(
            "{n} rounds: {} records in {BATCHES} batches to the real binary, kill -9 at a random moment (after 0–18 acknowledged batches, plus 0–40 ms), \
             restarted on the same database, the client retrying each unanswered batch with the same ids",
            BATCHES * PER_BATCH
        ),
        threshold: "0 lost, 0 duplicate tickets, exact dedup counts",
        result: if pass {
            format!(
                "{n} of {n} rounds: {} records stored once, {SOURCES} tickets, duplicate counts summing to {}; killed after \
                 {:?} acknowledged batches",
                BATCHES * PER_BATCH,
                BATCHES * PER_BATCH,
                moments
            )
        } else {
            failures.join("; ")
        },
        pass,
    });
}
