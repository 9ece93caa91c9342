//! Downloads of the ticket and explanation lists (`GET /api/tickets/export`,
//! `GET /api/explanations/export`): file types, text encodings and the columns a file may hold.

use crate::wire_enum;

wire_enum! {
    /// The kind of file an export writes.
    pub enum ExportFormat {
        Csv = "csv",
        /// SpreadsheetML 2003, which Excel and LibreOffice Calc open as a workbook.
        ExcelXml = "excel_xml",
        /// An HTML document Word and LibreOffice Writer open as a document with a table.
        Word = "word",
        Html = "html",
        /// An array of objects keyed by column.
        Json = "json",
    }
}

impl ExportFormat {
    /// As the Download dialog names it.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV",
            ExportFormat::ExcelXml => "Excel XML",
            ExportFormat::Word => "MS Word",
            ExportFormat::Html => "HTML",
            ExportFormat::Json => "JSON",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::ExcelXml => "xml",
            ExportFormat::Word => "doc",
            ExportFormat::Html => "html",
            ExportFormat::Json => "json",
        }
    }

    /// The media type, without the charset.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv",
            ExportFormat::ExcelXml => "application/vnd.ms-excel",
            ExportFormat::Word => "application/msword",
            ExportFormat::Html => "text/html",
            ExportFormat::Json => "application/json",
        }
    }
}

wire_enum! {
    /// The text encoding of an exported file.
    pub enum ExportEncoding {
        Utf8 = "utf-8",
        /// UTF-8 preceded by a byte order mark, which older Excel needs to read UTF-8 CSV.
        Utf8Bom = "utf-8-bom",
        /// UTF-16, little-endian, with a byte order mark.
        Utf16Le = "utf-16le",
        /// EUC-KR as Windows extends it (code page 949), for Korean spreadsheets.
        EucKr = "euc-kr",
    }
}

impl ExportEncoding {
    /// As the Download dialog names it.
    pub fn label(self) -> &'static str {
        match self {
            ExportEncoding::Utf8 => "UTF-8",
            ExportEncoding::Utf8Bom => "UTF-8 with BOM",
            ExportEncoding::Utf16Le => "UTF-16LE",
            ExportEncoding::EucKr => "EUC-KR (CP949)",
        }
    }

    /// The charset name a document declares (`<meta charset>`, `<?xml encoding?>`, HTTP).
    pub fn charset(self) -> &'static str {
        match self {
            ExportEncoding::Utf8 | ExportEncoding::Utf8Bom => "utf-8",
            ExportEncoding::Utf16Le => "utf-16",
            ExportEncoding::EucKr => "euc-kr",
        }
    }
}

/// A column a file may hold: its `columns` key and its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportColumn {
    pub key: &'static str,
    pub label: &'static str,
}

const fn col(key: &'static str, label: &'static str) -> ExportColumn {
    ExportColumn { key, label }
}

/// Every column of a ticket export: the id, the list's columns in its order, then those only
/// files carry.
pub const TICKET_COLUMNS: &[ExportColumn] = &[
    col("id", "ID"),
    col("category", "Category"),
    col("priority", "Priority"),
    col("status", "Status"),
    col("title", "Title"),
    col("assignees", "Assignees"),
    col("attack", "Attack"),
    col("incident", "Incident"),
    col("created", "Created"),
    col("explanation_status", "Explanation status"),
    col("site", "Site"),
    col("approvers", "Approvers"),
    col("registered_by", "Registered by"),
    col("duplicate_count", "Duplicate attack count"),
    col("format", "Format"),
    col("closed", "Closed"),
    col("modified", "Modified"),
    col("kind", "Type"),
    col("tags", "Tags"),
    col("created_by", "Created by"),
    col("risk_score", "Risk score"),
];

/// The columns of a ticket export that names none: the list's default columns, after the id.
pub const TICKET_DEFAULT_COLUMNS: &[&str] = &[
    "id",
    "category",
    "priority",
    "status",
    "title",
    "assignees",
    "attack",
    "incident",
    "created",
    "explanation_status",
];

/// Every column of an explanation export: the id, the list's columns in its order, then those
/// only files carry.
pub const EXPLANATION_COLUMNS: &[ExportColumn] = &[
    col("id", "ID"),
    col("priority", "Priority"),
    col("status", "Status"),
    col("violator", "Violator"),
    col("manager", "Manager Name"),
    col("auditor", "Auditor Name"),
    col("owner", "Owner Name"),
    col("category", "Category"),
    col("ticket", "Ticket Title"),
    col("result", "Result"),
    col("created", "Request Date"),
    col("deadline", "Deadline"),
    col("violator_id", "Employee ID"),
    col("ticket_id", "Ticket ID"),
    col("submitted", "Submitted"),
    col("closed", "Closed"),
    col("evidence_count", "Evidence"),
];

/// The columns of an explanation export that names none: the list's default columns, after
/// the id.
pub const EXPLANATION_DEFAULT_COLUMNS: &[&str] =
    &["id", "priority", "status", "violator", "manager", "category", "result", "deadline"];

/// The column of `catalogue` with this key.
pub fn find_column(catalogue: &'static [ExportColumn], key: &str) -> Option<ExportColumn> {
    catalogue.iter().copied().find(|c| c.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_columns_exist_and_keys_are_unique() {
        for (all, defaults) in
            [(TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS), (EXPLANATION_COLUMNS, EXPLANATION_DEFAULT_COLUMNS)]
        {
            for key in defaults {
                assert!(find_column(all, key).is_some(), "{key}");
            }
            let mut keys: Vec<_> = all.iter().map(|c| c.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), all.len());
        }
    }
}
