//! Checks shared by the scorecard's property tests and the fuzz targets in `fuzz/` (which include
//! this file by path): an exported cell read back by a real parser, and rendered Markdown read
//! by a browser's HTML parser. Each returns what went wrong, so a caller can count or panic.

use chrono_tz::Tz;
use socdesk_domain::export::{Cell, Writer, writer::looks_like_formula};
use socdesk_types::export::{ExportColumn, ExportEncoding, ExportFormat};

pub const FORMATS: [ExportFormat; 5] =
    [ExportFormat::Csv, ExportFormat::ExcelXml, ExportFormat::Word, ExportFormat::Html, ExportFormat::Json];

const COLUMNS: [ExportColumn; 2] =
    [ExportColumn { key: "id", label: "ID" }, ExportColumn { key: "title", label: "Title" }];

/// A whole file holding one row: `7` and `text`.
pub fn export_one(format: ExportFormat, text: &str) -> Vec<u8> {
    let mut writer = Writer::new(format, ExportEncoding::Utf8, COLUMNS.to_vec(), Tz::UTC, "Tickets");
    let mut out = writer.head();
    out.extend(writer.chunk(&[vec![Cell::Int(7), Cell::Text(text.to_owned())]]));
    out.extend(writer.tail());
    out
}

/// What XML 1.0 can carry of `text` (the writer drops the rest: most C0 controls, U+FFFE/F).
fn xml_chars(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'))
        .collect()
}

/// Exports `text` as `format`, parses the file back, and checks the cell holds exactly what a
/// reader should see and that no spreadsheet would evaluate it.
pub fn export_round_trip(format: ExportFormat, text: &str) -> Result<(), String> {
    let bytes = export_one(format, text);
    let file = std::str::from_utf8(&bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    match format {
        ExportFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(file.as_bytes());
            let records: Vec<csv::StringRecord> =
                reader.records().collect::<Result<_, _>>().map_err(|e| format!("CSV parse: {e}"))?;
            let [record] = records.as_slice() else {
                return Err(format!("{} records, not 1", records.len()));
            };
            let cell = record.get(1).ok_or("no second cell")?;
            if looks_like_formula(cell) {
                return Err(format!("live formula {cell:?}"));
            }
            let expected = if looks_like_formula(text) { format!("'{text}") } else { text.to_owned() };
            if cell != expected || record.get(0) != Some("7") {
                return Err(format!("read back {record:?}, expected {expected:?}"));
            }
        }
        ExportFormat::Json => {
            let value: serde_json::Value =
                serde_json::from_str(file).map_err(|e| format!("JSON parse: {e}"))?;
            if value != serde_json::json!([{ "id": 7, "title": text }]) {
                return Err(format!("read back {value}"));
            }
        }
        ExportFormat::ExcelXml => {
            let doc = roxmltree::Document::parse(file).map_err(|e| format!("XML parse: {e}"))?;
            if doc.descendants().any(|n| n.attributes().any(|a| a.name().eq_ignore_ascii_case("Formula"))) {
                return Err("a cell carries a formula".into());
            }
            let data: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("Data")).collect();
            let [.., id, cell] = data.as_slice() else { return Err(format!("{} Data cells", data.len())) };
            let kind = cell.attributes().find(|a| a.name() == "Type").map(|a| a.value());
            let read = cell.text().unwrap_or_default();
            if kind != Some("String") || read != xml_chars(text) || id.text() != Some("7") {
                return Err(format!("read back {kind:?} {read:?}"));
            }
        }
        ExportFormat::Word | ExportFormat::Html => {
            let doc = roxmltree::Document::parse_with_options(
                file,
                roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
            )
            .map_err(|e| format!("XHTML parse: {e}"))?;
            let cells: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("td")).collect();
            let [id, cell] = cells.as_slice() else { return Err(format!("{} cells", cells.len())) };
            let mut read = String::new();
            for child in cell.children() {
                if child.is_text() {
                    read.push_str(child.text().unwrap_or_default());
                } else if child.has_tag_name("br") && child.attributes().len() == 0 {
                    read.push('\n');
                } else {
                    return Err(format!("markup inside the cell: {:?}", child.tag_name()));
                }
            }
            // A line break is `<br/>`; a carriage return before it is dropped with it.
            let expected: Vec<String> =
                text.split('\n').map(|line| xml_chars(line.trim_end_matches('\r'))).collect();
            if read != expected.join("\n") || id.text() != Some("7") {
                return Err(format!("read back {read:?}"));
            }
        }
    }
    Ok(())
}

/// URL schemes a rendered body may link to.
const SAFE_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Elements a sanitised body must never hold.
const FORBIDDEN: [&str; 15] = [
    "script", "iframe", "frame", "object", "embed", "style", "link", "meta", "base", "form", "button", "svg",
    "math", "template", "noscript",
];

/// The scheme a browser reads in `url` (WHATWG URL parsing: leading and trailing controls and
/// spaces trimmed, tabs and line breaks removed anywhere, then letters, digits, `+`, `-` or `.`
/// up to a colon), lower-cased; `None` for a relative URL.
fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String =
        url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Parses `html` the way a browser does and looks for anything that could run: a forbidden
/// element, an event handler or `style` attribute, or a URL attribute whose scheme (after the
/// whitespace and controls a browser strips) is not http, https or mailto.
pub fn html_is_inert(html: &str) -> Result<(), String> {
    let fragment = scraper::Html::parse_fragment(html);
    for node in fragment.tree.nodes() {
        let Some(element) = node.value().as_element() else { continue };
        let name = element.name().to_ascii_lowercase();
        if FORBIDDEN.contains(&name.as_str()) {
            return Err(format!("<{name}> survived"));
        }
        for (attr, value) in element.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") || attr == "style" || attr == "srcdoc" {
                return Err(format!("{attr}= survived on <{name}>"));
            }
            if matches!(
                attr.as_str(),
                "href"
                    | "src"
                    | "action"
                    | "formaction"
                    | "xlink:href"
                    | "background"
                    | "poster"
                    | "cite"
                    | "srcset"
            ) && let Some(scheme) = url_scheme(value)
                && !SAFE_SCHEMES.contains(&scheme.as_str())
            {
                return Err(format!("{attr}={value:?} on <{name}>"));
            }
        }
    }
    Ok(())
}
