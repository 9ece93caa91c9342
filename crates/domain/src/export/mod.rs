//! Exports of the ticket and explanation lists: the list's filters and sort, a range of its
//! rows, chosen columns in a chosen order, five file types and four encodings. An export is
//! read in keyset chunks and written piece by piece, so memory stays flat whatever the row
//! count and the first bytes leave before the last row is read.

pub mod cells;
pub mod encode;
pub mod writer;

use chrono_tz::Tz;
use sea_orm::ConnectionTrait;
use socdesk_types::export::{ExportColumn, ExportEncoding, ExportFormat};

use crate::{
    Actor, DomainError, DomainResult,
    error::Violations,
    explanations::list::{self as explanation_list, ExplanationFilter, ExplanationSort},
    pagination::PageRequest,
    tickets::list::{self as ticket_list, TicketFilter, TicketSort},
};
use cells::{explanation_cells, ticket_cells};
pub use writer::{Cell, Writer};

/// Rows read per query.
pub const CHUNK_ROWS: u64 = 2000;

/// Which rows of the filtered, sorted list: `first..=last`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRange {
    pub first: u64,
    pub last: Option<u64>,
}

impl RowRange {
    /// Every row.
    pub const ALL: RowRange = RowRange { first: 1, last: None };

    /// Parses `10..=20`, `10..` or `..=20` (absent: every row).
    pub fn parse(raw: Option<&str>) -> DomainResult<RowRange> {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(RowRange::ALL) };
        let bad = || {
            DomainError::invalid("range", "must be FROM..=TO, FROM.. or ..=TO with 1 ≤ FROM ≤ TO (1-based)")
        };
        let (from, to) = match raw.split_once("..=") {
            Some((from, to)) => (from, Some(to)),
            None => (raw.strip_suffix("..").ok_or_else(bad)?, None),
        };
        let first = if from.is_empty() { 1 } else { from.parse::<u64>().map_err(|_| bad())? };
        let last = match to {
            Some(to) => Some(to.parse::<u64>().map_err(|_| bad())?),
            None => None,
        };
        // Row numbers travel to the database as 64-bit signed integers (the start as OFFSET).
        let too_big = |n: u64| n > i64::MAX as u64;
        if first == 0 || too_big(first) || last.is_some_and(|l| l < first || too_big(l)) {
            return Err(bad());
        }
        Ok(RowRange { first, last })
    }

    /// How many rows the range holds at most.
    fn len(self) -> Option<u64> {
        self.last.map(|l| l - self.first + 1)
    }
}

/// The columns `raw` names (comma-separated keys, in order), or `defaults`. Unknown and
/// repeated keys are refused, naming them.
pub fn columns(
    catalogue: &'static [ExportColumn],
    defaults: &[&str],
    raw: Option<&str>,
) -> DomainResult<Vec<ExportColumn>> {
    let keys: Vec<&str> = match raw.map(str::trim).filter(|r| !r.is_empty()) {
        Some(raw) => raw.split(',').map(str::trim).collect(),
        None => defaults.to_vec(),
    };
    let mut v = Violations::new();
    let mut out: Vec<ExportColumn> = Vec::with_capacity(keys.len());
    for key in keys {
        match socdesk_types::export::find_column(catalogue, key) {
            Some(c) if out.contains(&c) => v.push("columns", format!("{key:?} is named twice")),
            Some(c) => out.push(c),
            None => v.push(
                "columns",
                format!(
                    "unknown column {key:?}; known: {}",
                    catalogue.iter().map(|c| c.key).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
    v.finish()?;
    Ok(out)
}

/// The file name to send: what was asked for without path separators or control characters,
/// at most 150 characters, ending in the type's extension; `default_stem` when none was given.
pub fn file_name(raw: Option<&str>, default_stem: &str, format: ExportFormat) -> String {
    let cleaned: String = raw
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .take(150)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.');
    let stem = if cleaned.is_empty() { default_stem } else { cleaned };
    let extension = format!(".{}", format.extension());
    if stem.to_lowercase().ends_with(&extension) { stem.to_owned() } else { format!("{stem}{extension}") }
}

/// The list an export reads.
#[derive(Debug, Clone)]
pub enum Source {
    Tickets { filter: TicketFilter, sort: (TicketSort, bool) },
    Explanations { filter: ExplanationFilter, sort: (ExplanationSort, bool) },
}

impl Source {
    /// The document title ("Tickets").
    pub fn title(&self) -> &'static str {
        match self {
            Source::Tickets { .. } => "Tickets",
            Source::Explanations { .. } => "Explanations",
        }
    }

    /// One chunk of rows as cells, with the cursor of the next.
    async fn read(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        columns: &[ExportColumn],
        page: &PageRequest,
    ) -> DomainResult<(Vec<Vec<Cell>>, Option<String>)> {
        Ok(match self {
            Source::Tickets { filter, sort } => {
                let page = ticket_list::list(db, actor, filter, *sort, page).await?;
                (page.items.iter().map(|t| ticket_cells(columns, t)).collect(), page.next_cursor)
            }
            Source::Explanations { filter, sort } => {
                let page = explanation_list::list(db, actor, filter, *sort, page).await?;
                (page.items.iter().map(|e| explanation_cells(columns, e)).collect(), page.next_cursor)
            }
        })
    }
}

enum Stage {
    Head,
    Rows { cursor: Option<String> },
    Tail,
    Done,
}

/// One export in progress: call [`Export::next_piece`] until it answers `None`.
pub struct Export {
    source: Source,
    actor: Actor,
    columns: Vec<ExportColumn>,
    range: RowRange,
    writer: Writer,
    stage: Stage,
}

impl Export {
    pub fn new(
        source: Source,
        actor: Actor,
        columns: Vec<ExportColumn>,
        range: RowRange,
        format: ExportFormat,
        encoding: ExportEncoding,
        tz: Tz,
    ) -> Export {
        let writer = Writer::new(format, encoding, columns.clone(), tz, source.title());
        Export { source, actor, columns, range, writer, stage: Stage::Head }
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.writer.rows()
    }

    /// The next piece of the file (the head, a chunk of rows, the tail), or `None` at the end.
    pub async fn next_piece(&mut self, db: &impl ConnectionTrait) -> DomainResult<Option<Vec<u8>>> {
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Head => {
                self.stage = Stage::Rows { cursor: None };
                Ok(Some(self.writer.head()))
            }
            Stage::Rows { cursor } => {
                let left = self.range.len().map(|n| n - self.writer.rows());
                let limit = left.map_or(CHUNK_ROWS, |l| l.min(CHUNK_ROWS));
                if limit == 0 {
                    self.stage = Stage::Tail;
                    return Ok(Some(Vec::new()));
                }
                let page = PageRequest::chunk(cursor.as_deref(), limit, self.range.first - 1)?;
                let (rows, next) = self.source.read(db, &self.actor, &self.columns, &page).await?;
                self.stage = match next {
                    Some(cursor) if rows.len() as u64 == limit => Stage::Rows { cursor: Some(cursor) },
                    _ => Stage::Tail,
                };
                Ok(Some(self.writer.chunk(&rows)))
            }
            Stage::Tail => Ok(Some(self.writer.tail())),
            Stage::Done => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socdesk_types::export::{TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS};

    #[test]
    fn ranges_parse_one_based_and_inclusive() {
        assert_eq!(RowRange::parse(None).ok(), Some(RowRange::ALL));
        assert_eq!(RowRange::parse(Some("3..=7")).ok(), Some(RowRange { first: 3, last: Some(7) }));
        assert_eq!(RowRange::parse(Some("3..=7")).ok().and_then(|r| r.len()), Some(5));
        assert_eq!(RowRange::parse(Some("10..")).ok(), Some(RowRange { first: 10, last: None }));
        assert_eq!(RowRange::parse(Some("..=5")).ok(), Some(RowRange { first: 1, last: Some(5) }));
        for bad in ["0..=3", "5..=4", "a..=b", "3", "3..5", "-1..", "9223372036854775808.."] {
            assert!(RowRange::parse(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn columns_keep_the_asked_order_and_refuse_unknown_keys() {
        let cols = columns(TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS, Some("title, id")).unwrap();
        assert_eq!(cols.iter().map(|c| c.key).collect::<Vec<_>>(), ["title", "id"]);
        assert_eq!(columns(TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS, None).unwrap().len(), 10);
        assert!(columns(TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS, Some("id,password")).is_err());
        assert!(columns(TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS, Some("id,id")).is_err());
    }

    #[test]
    fn file_names_lose_paths_and_gain_the_extension() {
        assert_eq!(file_name(None, "tickets", ExportFormat::Csv), "tickets.csv");
        assert_eq!(file_name(Some("../../etc/passwd"), "t", ExportFormat::Json), "_.._etc_passwd.json");
        assert_eq!(file_name(Some("보고서.CSV"), "t", ExportFormat::Csv), "보고서.CSV");
        assert_eq!(file_name(Some("a\r\nb"), "t", ExportFormat::Html), "a__b.html");
        assert_eq!(file_name(Some(" . "), "t", ExportFormat::Word), "t.doc");
    }
}
