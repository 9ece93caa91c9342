//! The reliability and security scorecard: tests that attack the server, each reporting one row
//! (what was tried, the threshold, what happened) before it asserts. CI runs them with the rest
//! of the suite in their quick form; `scripts/scorecard.sh` runs them in full on both databases
//! (`SCORECARD_FULL=1`) with `SCORECARD_OUT` naming the file the rows are appended to, and
//! prints one table.

mod audit_log;
mod auth_attacks;
mod authz_matrix;
mod concurrency;
mod db_outage;
mod export_escaping;
mod headers;
mod kill_ingest;
mod limits;
mod mail_headers;
mod markdown_xss;
mod mass_assignment;
mod raw;
pub mod roundtrip;
mod smtp_down;
mod ssrf;
mod token_page;
mod uploads;

use std::io::Write;

/// One line of the scorecard.
pub struct Row<'a> {
    /// The test's number in the scorecard.
    pub number: u32,
    pub test: &'a str,
    pub tried: String,
    pub threshold: &'a str,
    pub result: String,
    pub pass: bool,
}

/// Whether the full rounds run (`SCORECARD_FULL=1`) instead of CI's quick ones.
pub fn full() -> bool {
    std::env::var("SCORECARD_FULL").is_ok_and(|v| v == "1")
}

/// `quick` rounds in CI, `full` ones in the scorecard run.
pub fn rounds(quick: usize, full_rounds: usize) -> usize {
    if full() { full_rounds } else { quick }
}

/// Appends the row to `SCORECARD_OUT` when set, then fails the test if it did not pass.
pub fn report(row: Row<'_>) {
    if let Ok(path) = std::env::var("SCORECARD_OUT") {
        let db = std::env::var("SOCDESK_TEST_DB").unwrap_or_else(|_| "sqlite".into());
        let line = serde_json::json!({
            "number": row.number, "test": row.test, "tried": row.tried, "threshold": row.threshold,
            "result": row.result, "pass": row.pass, "db": db,
        });
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(&path).expect("scorecard file opens");
        writeln!(file, "{line}").expect("scorecard row written");
    }
    assert!(
        row.pass,
        "scorecard #{} {}: {} (threshold: {})",
        row.number, row.test, row.result, row.threshold
    );
}
