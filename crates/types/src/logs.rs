//! Log schemas, log tables, ingested records and their search.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// The type of a schema field; ingest refuses a value of another type.
    pub enum FieldType {
        String = "string",
        Integer = "integer",
        Number = "number",
        Boolean = "boolean",
        /// An IPv4 or IPv6 address, as text.
        Ip = "ip",
        /// An RFC 3339 date-time, as text.
        Timestamp = "timestamp",
    }
}

/// One field of a schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchemaField {
    /// Letters, digits, `_`, `-` and `.`, 1..=64 characters, not starting with `_`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
}

/// A named field list that records are written under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogSchema {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<SchemaField>,
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /api/log-schemas`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLogSchema {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// 1..=200 fields with distinct names.
    pub fields: Vec<SchemaField>,
}

/// A named table of records written under one schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogTable {
    pub id: i64,
    /// Used in `/api/logs/{table}`.
    pub name: String,
    pub description: Option<String>,
    pub schema_id: i64,
    pub schema: String,
    /// Records stored.
    pub record_count: i64,
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /api/log-tables`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLogTable {
    /// Lower-case letters, digits, `_` and `-`, 1..=64 characters, starting with a letter.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64, pattern = "^[a-z][a-z0-9_-]*$"))]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub schema_id: i64,
}

/// One stored record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogRecord {
    /// socdesk's own id of the record.
    pub id: i64,
    /// The client's id of the record, if it sent one.
    #[serde(rename = "_id")]
    pub record_id: Option<String>,
    #[serde(rename = "_time")]
    pub time: DateTime<Utc>,
    pub emp_key: Option<String>,
    /// The schema's fields as sent.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// One refused line of an ingest batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedLine {
    /// 1-based: the array element, or the NDJSON line.
    pub line: u64,
    /// The offending field, when one is to blame.
    pub field: Option<String>,
    pub reason: String,
}

/// The answer to `POST /api/logs/{table}`: every line is stored, a duplicate, or rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestResult {
    pub received: u64,
    pub stored: u64,
    /// Lines whose `_id` was stored before (or earlier in the batch): ignored.
    pub duplicates: u64,
    pub rejected: u64,
    pub rejections: Vec<RejectedLine>,
    /// Rule matches among the stored records.
    pub matched: u64,
    pub created_ticket_ids: Vec<i64>,
    /// Open tickets the batch added occurrences to.
    pub updated_ticket_ids: Vec<i64>,
    /// Matches that a suppression swallowed.
    pub suppressed: u64,
}

crate::wire_enum! {
    /// How keywords combine.
    pub enum KeywordMode {
        And = "and",
        Or = "or",
    }
}

/// Body of `POST /api/logs/{table}/search`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LogSearch {
    /// Only records of this schema (the table's schema; a different one finds nothing).
    #[serde(default)]
    pub schema_id: Option<i64>,
    /// `_time` from (inclusive); default 24 hours before `to`.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// `_time` to (exclusive); default now.
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// Space-separated words, each matched anywhere in the record without regard to case.
    #[serde(default)]
    pub keywords: Option<String>,
    /// Default `and`.
    #[serde(default)]
    pub keyword_mode: Option<KeywordMode>,
    /// A query expression: `AND`, `OR`, `NOT`, parentheses, `"phrases"`, `field:value`,
    /// `field:10.0.0.0/8`; juxtaposed terms mean AND.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub query: Option<String>,
    #[serde(default)]
    pub emp_key: Option<String>,
    /// The most records the search returns over all pages, 1..=10000; default 1000.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub max_records: Option<u32>,
    /// 1..=500; default 50.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub page_size: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One hour of a ticket's occurrence timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccurrenceBucket {
    /// Start of the hour (UTC).
    pub at: DateTime<Utc>,
    pub count: i64,
}

/// `GET /api/tickets/{id}/occurrences`: how often the attack behind a rule ticket was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occurrences {
    pub ticket_id: i64,
    /// Every occurrence, including the first (equals the ticket's `duplicate_count`).
    pub count: i64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// Evidence records kept (at most the configured cap) while `count` keeps counting.
    pub evidence_kept: i64,
    /// Hourly counts, oldest first; hours without an occurrence are left out.
    pub timeline: Vec<OccurrenceBucket>,
}
