//! The employee CSV import: decode (UTF-8 or EUC-KR), parse and check every row, then upsert the
//! good rows by employee id in one transaction. A row with any error changes nothing (each row
//! runs in its own savepoint) and is reported with its number and column.
//!
//! Columns (header names ignore case and order): `employee_id`, `name`, `email`, `department`
//! (a name, or a path from the top such as `HQ/Security/SOC`; missing departments are created;
//! empty: no department), `manager` and `admin` (`true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`;
//! empty is false) and optionally `language` (`ko`, `en`, or empty). The file is the truth for
//! the employees it names: `manager` false ends a management, `admin` false ends the privilege.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    FieldError,
    people::{ImportResult, ImportRowError, Language},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{department, employee},
    people::{departments, employees::sync_manager},
    services::audit,
    values::{BoundedName, DepartmentName, Email, EmployeeId},
};

/// The character encoding of an uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    Utf8,
    /// EUC-KR as browsers read it (the Windows code page 949 superset Korean Excel writes).
    EucKr,
}

impl CsvEncoding {
    /// `utf-8` or `euc-kr` (ignoring case; `utf8`, `euckr` and `cp949` too).
    pub fn parse(raw: &str) -> Option<CsvEncoding> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(CsvEncoding::Utf8),
            "euc-kr" | "euckr" | "cp949" => Some(CsvEncoding::EucKr),
            _ => None,
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file as text. Without an `encoding`, UTF-8 (with or without a byte-order mark) when the
/// bytes are valid UTF-8, else EUC-KR. Fails with `Validation` naming `body` when the bytes are
/// not in the encoding.
pub fn decode(bytes: &[u8], encoding: Option<CsvEncoding>) -> DomainResult<String> {
    let utf8 = || std::str::from_utf8(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)).ok().map(str::to_owned);
    let euc_kr = || {
        encoding_rs::EUC_KR
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
    };
    let decoded = match encoding {
        Some(CsvEncoding::Utf8) => {
            utf8().ok_or("is not valid UTF-8 (send encoding=euc-kr for an EUC-KR file)")
        }
        Some(CsvEncoding::EucKr) => euc_kr().ok_or("is not valid EUC-KR"),
        None => utf8().or_else(euc_kr).ok_or("is neither UTF-8 nor EUC-KR"),
    };
    decoded.map_err(|reason| DomainError::invalid("body", reason))
}

/// A column of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Column {
    EmployeeId,
    Name,
    Email,
    Department,
    Manager,
    Admin,
    Language,
}

impl Column {
    const ALL: [Column; 7] = [
        Column::EmployeeId,
        Column::Name,
        Column::Email,
        Column::Department,
        Column::Manager,
        Column::Admin,
        Column::Language,
    ];

    fn name(self) -> &'static str {
        match self {
            Column::EmployeeId => "employee_id",
            Column::Name => "name",
            Column::Email => "email",
            Column::Department => "department",
            Column::Manager => "manager",
            Column::Admin => "admin",
            Column::Language => "language",
        }
    }

    fn required(self) -> bool {
        self != Column::Language
    }
}

/// Where each column is in the file.
#[derive(Debug)]
struct Header {
    positions: BTreeMap<Column, usize>,
    width: usize,
}

impl Header {
    /// Reads the header row. Fails with `Validation` naming `header` for a missing, repeated or
    /// unknown column.
    fn parse(record: &csv::StringRecord) -> DomainResult<Header> {
        let mut positions = BTreeMap::new();
        let mut errors = Vec::new();
        for (i, raw) in record.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            match Column::ALL.into_iter().find(|c| c.name() == name) {
                Some(col) => {
                    if positions.insert(col, i).is_some() {
                        errors.push(FieldError::new("header", format!("column '{name}' appears twice")));
                    }
                }
                None => errors.push(FieldError::new(
                    "header",
                    format!(
                        "unknown column '{}' (expected {})",
                        raw.trim(),
                        Column::ALL.map(Column::name).join(", ")
                    ),
                )),
            }
        }
        for col in Column::ALL.into_iter().filter(|c| c.required() && !positions.contains_key(c)) {
            errors.push(FieldError::new("header", format!("column '{}' is missing", col.name())));
        }
        if errors.is_empty() {
            Ok(Header { positions, width: record.len() })
        } else {
            Err(DomainError::Validation(errors))
        }
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, col: Column) -> Option<&'r str> {
        self.positions.get(&col).and_then(|i| record.get(*i)).map(str::trim)
    }
}

/// A yes/no cell: `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0` (ignoring case); empty is false.
pub fn parse_flag(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" => Some(false),
        "true" | "yes" | "y" | "1" => Some(true),
        _ => None,
    }
}

/// A `department` cell as its levels from the top (`HQ/Security` → `["HQ", "Security"]`); empty
/// for no department.
pub fn parse_department_path(raw: &str) -> Result<Vec<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    raw.split('/')
        .map(|level| {
            if level.trim().is_empty() {
                return Err(format!("'{raw}' has an empty level"));
            }
            DepartmentName::parse("department", level)
                .map_err(|e| format!("'{}' {}", level.trim(), e.message))
        })
        .collect()
}

/// One checked row, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// 1-based data row (the header is row 0).
    pub row: u64,
    pub employee_id: String,
    pub name: String,
    pub email: String,
    /// Levels from the top; empty for no department.
    pub department: Vec<String>,
    pub manager: bool,
    pub admin: bool,
    /// `None` when the file has no `language` column (the stored one is kept).
    pub language: Option<Option<Language>>,
}

/// The rows of a file that passed every check, and the errors of the others.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<ImportRowError>,
}

fn row_error(row: u64, field: Option<&str>, reason: impl Into<String>) -> ImportRowError {
    ImportRowError { row, field: field.map(str::to_owned), reason: reason.into() }
}

/// Checks one data row; every bad cell is reported.
fn parse_row(
    header: &Header,
    row: u64,
    record: &csv::StringRecord,
) -> Result<ImportRow, Vec<ImportRowError>> {
    if record.len() != header.width {
        return Err(vec![row_error(
            row,
            None,
            format!("has {} fields; the header has {}", record.len(), header.width),
        )]);
    }
    let cell = |col| header.get(record, col).unwrap_or("");
    let mut errors = Vec::new();
    let mut check = |col: Column, result: Result<String, String>| match result {
        Ok(v) => Some(v),
        Err(reason) => {
            errors.push(row_error(row, Some(col.name()), reason));
            None
        }
    };
    let id = check(
        Column::EmployeeId,
        EmployeeId::parse("employee_id", cell(Column::EmployeeId))
            .map(EmployeeId::into_inner)
            .map_err(|e| e.message),
    );
    let name = check(
        Column::Name,
        BoundedName::<100>::parse("name", cell(Column::Name))
            .map(BoundedName::into_inner)
            .map_err(|e| e.message),
    );
    let email = check(
        Column::Email,
        Email::parse("email", cell(Column::Email)).map(Email::into_inner).map_err(|e| e.message),
    );
    let department = parse_department_path(cell(Column::Department))
        .map_err(|reason| errors.push(row_error(row, Some("department"), reason)))
        .ok();
    let mut flag = |col: Column| {
        let raw = cell(col);
        parse_flag(raw)
            .ok_or_else(|| {
                errors.push(row_error(
                    row,
                    Some(col.name()),
                    format!("'{raw}' is not one of true/false, yes/no, y/n, 1/0"),
                ))
            })
            .ok()
    };
    let manager = flag(Column::Manager);
    let admin = flag(Column::Admin);
    let language = match header.get(record, Column::Language) {
        None => Some(None),
        Some("") => Some(Some(None)),
        Some(raw) => match Language::parse(&raw.to_ascii_lowercase()) {
            Some(l) => Some(Some(Some(l))),
            None => {
                errors.push(row_error(row, Some("language"), format!("'{raw}' is not one of ko, en")));
                None
            }
        },
    };
    if manager == Some(true) && department.as_ref().is_some_and(Vec::is_empty) {
        errors.push(row_error(row, Some("manager"), "a manager needs a department"));
    }
    match (id, name, email, department, manager, admin, language) {
        (
            Some(employee_id),
            Some(name),
            Some(email),
            Some(department),
            Some(manager),
            Some(admin),
            Some(language),
        ) if errors.is_empty() => {
            Ok(ImportRow { row, employee_id, name, email, department, manager, admin, language })
        }
        _ => Err(errors),
    }
}

/// Parses a decoded file: the header, then every data row. A repeated employee id is an error
/// of its later rows. Rows whose every cell is empty are skipped (spreadsheets leave them).
/// Fails with `Validation` naming `body` for an empty file, or `header` for a bad header.
pub fn parse(text: &str) -> DomainResult<ParsedFile> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(DomainError::invalid("body", "is empty; the first row must be the header")),
        Some(Err(e)) => return Err(DomainError::invalid("header", format!("cannot be read: {e}"))),
        Some(Ok(record)) => Header::parse(&record)?,
    };
    let mut out = ParsedFile::default();
    let mut first_row_of: BTreeMap<String, u64> = BTreeMap::new();
    for (i, record) in records.enumerate() {
        let row = i as u64 + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(row_error(row, None, format!("cannot be read: {e}")));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // The id counts as seen even when another cell of its row is wrong.
        let id = header.get(&record, Column::EmployeeId).unwrap_or("").to_owned();
        let earlier = if id.is_empty() { None } else { first_row_of.get(&id).copied() };
        if earlier.is_none() && !id.is_empty() {
            first_row_of.insert(id.clone(), row);
        }
        match (parse_row(&header, row, &record), earlier) {
            (Ok(parsed), None) => out.rows.push(parsed),
            (result, earlier) => {
                if let Some(first) = earlier {
                    out.errors.push(row_error(
                        row,
                        Some("employee_id"),
                        format!("'{id}' already appears in row {first}"),
                    ));
                }
                if let Err(errors) = result {
                    out.errors.extend(errors);
                }
            }
        }
    }
    Ok(out)
}

/// What applying the rows so far has settled (only rows that committed count).
#[derive(Default)]
struct Progress {
    /// Department paths resolved, to their ids.
    paths: BTreeMap<Vec<String>, i64>,
    /// Departments whose manager a row of this file named, and that row.
    managed: BTreeMap<i64, u64>,
    result: ImportResult,
}

/// What one applied row did.
struct Applied {
    created: bool,
    new_paths: Vec<(Vec<String>, i64)>,
    department_id: Option<i64>,
}

/// The department a row names, creating missing levels. A single name is looked up anywhere in
/// the tree (created at the top when absent); a path is followed from the top.
async fn resolve_department(
    db: &impl ConnectionTrait,
    path: &[String],
    known: &BTreeMap<Vec<String>, i64>,
    new_paths: &mut Vec<(Vec<String>, i64)>,
) -> DomainResult<Option<i64>> {
    if path.is_empty() {
        return Ok(None);
    }
    if let Some(id) = known.get(path) {
        return Ok(Some(*id));
    }
    if let [name] = path {
        let matches: Vec<i64> = department::Entity::find()
            .select_only()
            .column(department::Column::Id)
            .filter(department::Column::Name.eq(name.as_str()))
            .limit(2)
            .into_tuple()
            .all(db)
            .await?;
        match matches.as_slice() {
            [id] => return Ok(Some(*id)),
            [] => {}
            _ => {
                return Err(DomainError::invalid(
                    "department",
                    format!(
                        "several departments are named '{name}'; write its path from the top, e.g. Parent/{name}"
                    ),
                ));
            }
        }
    }
    let mut parent: Option<i64> = None;
    for depth in 1..=path.len() {
        let prefix = &path[..depth];
        if let Some(id) = known.get(prefix) {
            parent = Some(*id);
            continue;
        }
        let name = &path[depth - 1];
        let id = match departments::find_child(db, parent, name).await? {
            Some(d) => d.id,
            None => {
                let d = departments::insert(db, name.clone(), parent).await?;
                new_paths.push((prefix.to_vec(), d.id));
                d.id
            }
        };
        parent = Some(id);
    }
    Ok(parent)
}

async fn apply_row(db: &impl ConnectionTrait, row: &ImportRow, progress: &Progress) -> DomainResult<Applied> {
    let mut new_paths = Vec::new();
    let department_id = resolve_department(db, &row.department, &progress.paths, &mut new_paths).await?;
    if row.manager
        && let Some(d) = department_id
        && let Some(first) = progress.managed.get(&d)
    {
        return Err(DomainError::invalid(
            "manager",
            format!("row {first} already names the manager of this department"),
        ));
    }
    let now = Utc::now();
    let existing = employee::Entity::find_by_id(row.employee_id.as_str()).one(db).await?;
    let created = existing.is_none();
    let old_department = existing.as_ref().and_then(|e| e.department_id);
    let mut model: employee::ActiveModel = match existing {
        Some(e) => e.into(),
        None => employee::ActiveModel {
            id: Set(row.employee_id.clone()),
            created_at: Set(now),
            language: Set(None),
            ..Default::default()
        },
    };
    model.name = Set(row.name.clone());
    model.email = Set(row.email.clone());
    model.department_id = Set(department_id);
    model.is_admin = Set(row.admin);
    if let Some(language) = row.language {
        model.language = Set(language.map(|l| l.as_str().to_owned()));
    }
    model.modified_at = Set(now);
    if created {
        model.insert(db).await?;
    } else {
        model.update(db).await?;
    }
    sync_manager(db, &row.employee_id, old_department, department_id, Some(row.manager)).await?;
    Ok(Applied { created, new_paths, department_id })
}

/// Imports a CSV file of employees (see the module documentation for its columns). Fails as a
/// whole with `Validation` for an undecodable or empty file or a bad header; row errors are in
/// the answer.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    bytes: &[u8],
    encoding: Option<CsvEncoding>,
) -> DomainResult<ImportResult> {
    let parsed = parse(&decode(bytes, encoding)?)?;
    let mut progress = Progress::default();
    progress.result.errors = parsed.errors;
    let txn = db.begin().await?;
    for row in &parsed.rows {
        let savepoint = txn.begin().await?;
        match apply_row(&savepoint, row, &progress).await {
            Ok(applied) => {
                savepoint.commit().await?;
                if applied.created {
                    progress.result.created += 1;
                } else {
                    progress.result.updated += 1;
                }
                progress.result.departments_created += applied.new_paths.len() as u64;
                progress.paths.extend(applied.new_paths);
                if row.manager
                    && let Some(d) = applied.department_id
                {
                    progress.managed.insert(d, row.row);
                }
            }
            Err(DomainError::Validation(errors)) => {
                savepoint.rollback().await?;
                progress
                    .result
                    .errors
                    .extend(errors.into_iter().map(|e| row_error(row.row, Some(&e.field), e.message)));
            }
            Err(DomainError::Conflict(reason)) => {
                savepoint.rollback().await?;
                progress.result.errors.push(row_error(row.row, None, reason));
            }
            Err(other) => return Err(other),
        }
    }
    progress.result.errors.sort_by_key(|e| e.row);
    let result = progress.result;
    audit::record(
        &txn,
        actor.into(),
        "employee.import",
        None,
        json!({
            "created": result.created,
            "updated": result.updated,
            "departments_created": result.departments_created,
            "errors": result.errors.len(),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "employee_id,name,email,department,manager,admin";

    fn file(rows: &[&str]) -> String {
        std::iter::once(HEADER).chain(rows.iter().copied()).collect::<Vec<_>>().join("\n")
    }

    fn fields(errors: &[ImportRowError]) -> Vec<(u64, Option<&str>)> {
        errors.iter().map(|e| (e.row, e.field.as_deref())).collect()
    }

    #[test]
    fn flags_accept_every_spelling_and_refuse_the_rest() {
        for yes in ["true", "TRUE", "yes", "Y", "y", "1", " True "] {
            assert_eq!(parse_flag(yes), Some(true), "{yes:?}");
        }
        for no in ["", "  ", "false", "No", "n", "N", "0"] {
            assert_eq!(parse_flag(no), Some(false), "{no:?}");
        }
        for bad in ["2", "maybe", "t", "o"] {
            assert_eq!(parse_flag(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn department_cells_become_levels() {
        assert_eq!(parse_department_path(""), Ok(vec![]));
        assert_eq!(
            parse_department_path(" HQ / Security/SOC "),
            Ok(vec!["HQ".into(), "Security".into(), "SOC".into()])
        );
        assert_eq!(parse_department_path("보안팀"), Ok(vec!["보안팀".into()]));
        assert!(parse_department_path("HQ//SOC").is_err());
        assert!(parse_department_path("/HQ").is_err());
        assert!(parse_department_path(&"x".repeat(101)).is_err());
    }

    #[test]
    fn headers_ignore_case_order_and_spaces_and_language_is_optional() {
        let parsed = parse(
            "ADMIN, Manager ,Department,EMAIL,Name,Employee_ID,Language\n\
             y,1,HQ/SOC,kim@example.com,Kim,E1,KO\n\
             ,,,lee@example.com,Lee,E2,",
        )
        .unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(
            parsed.rows[0],
            ImportRow {
                row: 1,
                employee_id: "E1".into(),
                name: "Kim".into(),
                email: "kim@example.com".into(),
                department: vec!["HQ".into(), "SOC".into()],
                manager: true,
                admin: true,
                language: Some(Some(Language::Ko)),
            }
        );
        let second = &parsed.rows[1];
        assert_eq!((second.manager, second.admin, second.language), (false, false, Some(None)));
        assert!(second.department.is_empty());
        // Without the column, the stored language is kept.
        let rows = parse(&file(&["E1,Kim,kim@example.com,,,"])).unwrap().rows;
        assert_eq!(rows[0].language, None);
    }

    #[test]
    fn a_bad_header_names_every_problem() {
        let Err(DomainError::Validation(errors)) = parse("employee_id,name,name,mail,admin\n") else {
            panic!("accepted")
        };
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(errors.iter().all(|e| e.field == "header"));
        assert!(messages.iter().any(|m| m.contains("'name' appears twice")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("unknown column 'mail'")), "{messages:?}");
        for missing in ["email", "department", "manager"] {
            assert!(messages.iter().any(|m| m.contains(&format!("'{missing}' is missing"))), "{missing}");
        }
        assert!(matches!(parse(""), Err(DomainError::Validation(e)) if e[0].field == "body"));
    }

    #[test]
    fn bad_rows_are_reported_by_row_and_column_and_good_rows_kept() {
        let parsed = parse(&file(&[
            "E1,Kim,kim@example.com,HQ,yes,no",
            "E2,,not-an-email,HQ,maybe,no",
            "E 3,Park,park@example.com,,yes,",
            "E1,Kim again,kim2@example.com,HQ,no,no",
            ",,,,,",
            "E4,Choi,choi@example.com,HQ",
            "E5,Jung,jung@example.com,HQ//SOC,no,2",
        ]))
        .unwrap();
        assert_eq!(parsed.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [1]);
        assert_eq!(
            fields(&parsed.errors),
            [
                (2, Some("name")),
                (2, Some("email")),
                (2, Some("manager")),
                (3, Some("employee_id")),
                (3, Some("manager")),
                (4, Some("employee_id")),
                (6, None),
                (7, Some("department")),
                (7, Some("admin")),
            ]
        );
        assert!(parsed.errors[5].reason.contains("row 1"), "{:?}", parsed.errors[5]);
    }

    #[test]
    fn quoted_cells_may_hold_commas() {
        let parsed = parse(&file(&["E1,\"Kim, Chulsoo\",kim@example.com,\"HQ/R&D, Seoul\",N,N"])).unwrap();
        assert_eq!(parsed.rows[0].name, "Kim, Chulsoo");
        assert_eq!(parsed.rows[0].department, ["HQ", "R&D, Seoul"]);
    }

    #[test]
    fn files_decode_as_utf8_with_or_without_bom_else_euc_kr() {
        let text = "employee_id,name\nE1,김철수\n";
        let (euc_kr, _, unmappable) = encoding_rs::EUC_KR.encode(text);
        assert!(!unmappable);
        assert_ne!(euc_kr.as_ref(), text.as_bytes());
        let with_bom = [UTF8_BOM, text.as_bytes()].concat();
        for (bytes, encoding) in [
            (text.as_bytes(), None),
            (&with_bom[..], None),
            (&with_bom[..], Some(CsvEncoding::Utf8)),
            (euc_kr.as_ref(), None),
            (euc_kr.as_ref(), Some(CsvEncoding::EucKr)),
        ] {
            assert_eq!(decode(bytes, encoding).ok().as_deref(), Some(text), "{encoding:?}");
        }
        assert!(
            matches!(decode(&euc_kr, Some(CsvEncoding::Utf8)), Err(DomainError::Validation(e)) if e[0].field == "body")
        );
        assert!(decode(b"\xff\xff\xff", None).is_err());
        assert_eq!(CsvEncoding::parse("EUC-KR"), Some(CsvEncoding::EucKr));
        assert_eq!(CsvEncoding::parse("utf-8"), Some(CsvEncoding::Utf8));
        assert_eq!(CsvEncoding::parse("latin1"), None);
    }

    #[test]
    fn an_euc_kr_file_parses_into_korean_names_and_departments() {
        let text = file(&["E1,김철수,kim@example.com,본사/보안팀,Y,N"]);
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
        let parsed = parse(&decode(&bytes, None).unwrap()).unwrap();
        assert_eq!(parsed.rows[0].name, "김철수");
        assert_eq!(parsed.rows[0].department, ["본사", "보안팀"]);
    }
}
