//! The five file types, written piece by piece: a head (with the column headings), chunks of
//! rows, a tail. Each piece is text in the chosen encoding, so a file of any length streams.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use socdesk_types::export::{ExportColumn, ExportEncoding, ExportFormat};

use super::encode::{Unmappable, bom, encode_into};

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Empty,
}

/// Writes one export's pieces.
pub struct Writer {
    format: ExportFormat,
    encoding: ExportEncoding,
    columns: Vec<ExportColumn>,
    tz: Tz,
    /// The sheet name, page title and document heading ("Tickets").
    title: String,
    rows: u64,
}

/// Whether a spreadsheet would take this text for a formula (or a command): it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text a spreadsheet shows as typed: a would-be formula gets a leading `'`.
pub fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(text) { format!("'{text}").into() } else { text.into() }
}

/// Characters XML 1.0 cannot carry at all (most C0 controls) are dropped; markup is escaped;
/// line breaks become references so spreadsheets keep them inside the cell.
fn xml_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// HTML text: as XML, but line breaks are `<br/>` (a table cell shows them).
fn html_text(text: &str, out: &mut String) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br/>");
        }
        xml_text(line.trim_end_matches('\r'), out);
    }
}

impl Writer {
    pub fn new(
        format: ExportFormat,
        encoding: ExportEncoding,
        columns: Vec<ExportColumn>,
        tz: Tz,
        title: &str,
    ) -> Writer {
        Writer { format, encoding, columns, tz, title: title.to_owned(), rows: 0 }
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn time(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    fn unmappable(&self) -> Unmappable {
        match self.format {
            ExportFormat::Csv => Unmappable::Question,
            ExportFormat::Json => Unmappable::JsonEscape,
            ExportFormat::ExcelXml | ExportFormat::Word | ExportFormat::Html => {
                Unmappable::CharacterReference
            }
        }
    }

    fn encoded(&self, text: &str, with_bom: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if with_bom {
            out.extend_from_slice(bom(self.encoding));
        }
        let utf8 = matches!(self.encoding, ExportEncoding::Utf8 | ExportEncoding::Utf8Bom);
        if self.format == ExportFormat::ExcelXml && !utf8 {
            // LibreOffice's SpreadsheetML import misreads non-ASCII characters in any encoding
            // but UTF-8 (Excel does not): written as character references, every character
            // reads back in both, and the file is still valid in the declared encoding.
            let mut ascii = String::with_capacity(text.len());
            for c in text.chars() {
                if c.is_ascii() {
                    ascii.push(c);
                } else {
                    ascii.push_str(&format!("&#{};", u32::from(c)));
                }
            }
            encode_into(self.encoding, &ascii, self.unmappable(), &mut out);
        } else {
            encode_into(self.encoding, text, self.unmappable(), &mut out);
        }
        out
    }

    /// The start of the file: byte order mark, prologue, headings.
    pub fn head(&self) -> Vec<u8> {
        let charset = self.encoding.charset();
        let mut s = String::new();
        match self.format {
            ExportFormat::Csv => {
                let labels: Vec<&str> = self.columns.iter().map(|c| c.label).collect();
                s = csv_line(&labels);
            }
            ExportFormat::ExcelXml => {
                s.push_str(&format!("<?xml version=\"1.0\" encoding=\"{charset}\"?>\r\n"));
                s.push_str("<?mso-application progid=\"Excel.Sheet\"?>\r\n");
                s.push_str(
                    "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" \
                     xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
                     xmlns:x=\"urn:schemas-microsoft-com:office:excel\" \
                     xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\r\n",
                );
                s.push_str(
                    "<Styles><Style ss:ID=\"h\"><Font ss:Bold=\"1\"/></Style>\
                     <Style ss:ID=\"t\"><NumberFormat ss:Format=\"yyyy\\-mm\\-dd\\ hh:mm:ss\"/></Style></Styles>\r\n",
                );
                s.push_str("<Worksheet ss:Name=\"");
                // Sheet names are at most 31 characters and cannot hold []:*?/\ in Excel.
                let name: String = self.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
                xml_text(&name, &mut s);
                s.push_str("\"><Table>\r\n<Row>");
                for c in &self.columns {
                    s.push_str("<Cell ss:StyleID=\"h\"><Data ss:Type=\"String\">");
                    xml_text(c.label, &mut s);
                    s.push_str("</Data></Cell>");
                }
                s.push_str("</Row>\r\n");
            }
            ExportFormat::Word | ExportFormat::Html => {
                let word = self.format == ExportFormat::Word;
                if word {
                    s.push_str(
                        "<html xmlns=\"http://www.w3.org/1999/xhtml\" \
                         xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
                         xmlns:w=\"urn:schemas-microsoft-com:office:word\">\r\n<head>\
                         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=",
                    );
                    s.push_str(charset);
                    s.push_str("\"/>");
                } else {
                    s.push_str("<!DOCTYPE html>\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\r\n<head><meta charset=\"");
                    s.push_str(charset);
                    s.push_str(
                        "\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
                    );
                }
                s.push_str("<title>");
                xml_text(&self.title, &mut s);
                s.push_str("</title><style>");
                s.push_str(if word {
                    "@page{size:landscape;margin:1.5cm}body{font-family:Calibri,sans-serif}\
                     table{border-collapse:collapse}th,td{border:1px solid #999;padding:2pt 4pt;\
                     font-size:9pt;vertical-align:top}th{background:#eee}"
                } else {
                    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}\
                     table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .5rem;\
                     text-align:left;vertical-align:top}th{background:#f3f4f6;position:sticky;top:0}\
                     tbody tr:nth-child(even){background:#fafafa}"
                });
                s.push_str("</style></head>\r\n<body><h1>");
                xml_text(&self.title, &mut s);
                s.push_str("</h1>\r\n<table><thead><tr>");
                for c in &self.columns {
                    s.push_str("<th>");
                    xml_text(c.label, &mut s);
                    s.push_str("</th>");
                }
                s.push_str("</tr></thead>\r\n<tbody>\r\n");
            }
            ExportFormat::Json => s.push('['),
        }
        self.encoded(&s, true)
    }

    /// A chunk of rows, each holding one cell per column in order.
    pub fn chunk(&mut self, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut s = String::new();
        for row in rows {
            match self.format {
                ExportFormat::Csv => {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|cell| match cell {
                            Cell::Text(t) => neutralised(t).into_owned(),
                            Cell::Int(n) => n.to_string(),
                            Cell::Time(t) => self.time(*t),
                            Cell::Empty => String::new(),
                        })
                        .collect();
                    s.push_str(&csv_line(&cells));
                }
                ExportFormat::ExcelXml => {
                    s.push_str("<Row>");
                    for cell in row {
                        match cell {
                            // String cells are never evaluated, so text is written as it is.
                            Cell::Text(t) => {
                                s.push_str("<Cell><Data ss:Type=\"String\">");
                                xml_text(t, &mut s);
                                s.push_str("</Data></Cell>");
                            }
                            Cell::Int(n) => {
                                s.push_str(&format!("<Cell><Data ss:Type=\"Number\">{n}</Data></Cell>"))
                            }
                            Cell::Time(t) => s.push_str(&format!(
                                "<Cell ss:StyleID=\"t\"><Data ss:Type=\"DateTime\">{}</Data></Cell>",
                                t.with_timezone(&self.tz).format("%Y-%m-%dT%H:%M:%S%.3f")
                            )),
                            Cell::Empty => s.push_str("<Cell/>"),
                        }
                    }
                    s.push_str("</Row>\r\n");
                }
                ExportFormat::Word | ExportFormat::Html => {
                    s.push_str("<tr>");
                    for cell in row {
                        s.push_str("<td>");
                        match cell {
                            Cell::Text(t) => html_text(t, &mut s),
                            Cell::Int(n) => s.push_str(&n.to_string()),
                            Cell::Time(t) => s.push_str(&self.time(*t)),
                            Cell::Empty => {}
                        }
                        s.push_str("</td>");
                    }
                    s.push_str("</tr>\r\n");
                }
                ExportFormat::Json => {
                    s.push_str(if self.rows == 0 { "\n" } else { ",\n" });
                    let object: serde_json::Map<String, serde_json::Value> = self
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, cell)| {
                            let value = match cell {
                                Cell::Text(t) => serde_json::Value::String(t.clone()),
                                Cell::Int(n) => (*n).into(),
                                Cell::Time(t) => t.with_timezone(&self.tz).to_rfc3339().into(),
                                Cell::Empty => serde_json::Value::Null,
                            };
                            (c.key.to_owned(), value)
                        })
                        .collect();
                    s.push_str(&serde_json::Value::Object(object).to_string());
                }
            }
            self.rows += 1;
        }
        self.encoded(&s, false)
    }

    /// The end of the file.
    pub fn tail(&self) -> Vec<u8> {
        let s = match self.format {
            ExportFormat::Csv => "",
            ExportFormat::ExcelXml => "</Table></Worksheet></Workbook>\r\n",
            ExportFormat::Word | ExportFormat::Html => "</tbody></table>\r\n</body></html>\r\n",
            ExportFormat::Json => {
                if self.rows == 0 {
                    "]\n"
                } else {
                    "\n]\n"
                }
            }
        };
        self.encoded(s, false)
    }
}

/// One CSV record (RFC 4180: quoted where needed, CRLF).
fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(cells.iter().map(|c| c.as_ref().as_bytes()));
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use socdesk_types::export::ExportColumn;

    const COLUMNS: &[ExportColumn] =
        &[ExportColumn { key: "id", label: "ID" }, ExportColumn { key: "title", label: "Title" }];

    fn file(format: ExportFormat, encoding: ExportEncoding, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut w = Writer::new(format, encoding, COLUMNS.to_vec(), Tz::Asia__Seoul, "Tickets");
        let mut out = w.head();
        out.extend(w.chunk(rows));
        out.extend(w.tail());
        out
    }

    fn rows() -> Vec<Vec<Cell>> {
        vec![
            vec![Cell::Int(1), Cell::Text("=HYPERLINK(\"x\")".into())],
            vec![Cell::Int(2), Cell::Text("a, \"b\"\nc <d> & 보안".into())],
        ]
    }

    #[test]
    fn formulas_are_neutralised_in_csv() {
        for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(looks_like_formula(text), "{text:?}");
            assert!(neutralised(text).starts_with('\''));
        }
        assert_eq!(neutralised("plain"), "plain");
        let text = String::from_utf8(file(ExportFormat::Csv, ExportEncoding::Utf8, &rows())).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&records[0][1], "'=HYPERLINK(\"x\")");
        assert_eq!(&records[1][1], "a, \"b\"\nc <d> & 보안");
        assert!(text.starts_with("ID,Title\r\n"));
    }

    #[test]
    fn json_is_an_array_of_objects_keyed_by_column() {
        let bytes = file(ExportFormat::Json, ExportEncoding::EucKr, &rows());
        let (text, _, _) = encoding_rs::EUC_KR.decode(&bytes);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value[1]["title"], "a, \"b\"\nc <d> & 보안");
        assert_eq!(value[0]["id"], 1);
        let empty = file(ExportFormat::Json, ExportEncoding::Utf8, &[]);
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&empty).unwrap(), serde_json::json!([]));
    }

    #[test]
    fn markup_escapes_and_times_use_the_zone() {
        let when = DateTime::parse_from_rfc3339("2026-12-02T00:30:00Z").unwrap().with_timezone(&Utc);
        let rows = vec![vec![Cell::Time(when), Cell::Text("<b>&\u{1}".into())]];
        let xml = String::from_utf8(file(ExportFormat::ExcelXml, ExportEncoding::Utf8, &rows)).unwrap();
        assert!(xml.contains("<Data ss:Type=\"DateTime\">2026-12-02T09:30:00.000</Data>"), "{xml}");
        assert!(xml.contains("&lt;b&gt;&amp;</Data>"), "{xml}");
        let korean = vec![vec![Cell::Int(1), Cell::Text("보안".into())]];
        let kr = file(ExportFormat::ExcelXml, ExportEncoding::EucKr, &korean);
        assert!(kr.is_ascii(), "Excel XML outside UTF-8 is ASCII with character references");
        assert!(String::from_utf8(kr).unwrap().contains("&#48372;&#50504;"));
        let html = String::from_utf8(file(ExportFormat::Html, ExportEncoding::Utf8, &rows)).unwrap();
        assert!(html.contains("<td>2026-12-02 09:30:00</td><td>&lt;b&gt;&amp;</td>"), "{html}");
        assert!(html.starts_with("<!DOCTYPE html>"));
    }
}
