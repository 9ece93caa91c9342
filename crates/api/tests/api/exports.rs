//! List exports over HTTP: every type × encoding parsed back and compared with the list, ranges,
//! filters, site scoping, refusals, the file name header, chunk boundaries, and LibreOffice
//! opening what was written.

use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app};

const TYPES: [&str; 5] = ["csv", "excel_xml", "word", "html", "json"];
const ENCODINGS: [&str; 4] = ["utf-8", "utf-8-bom", "utf-16le", "euc-kr"];
/// Titles that try every escape: formulas, quotes and separators, markup, Korean (EUC-KR holds
/// it) and an emoji (EUC-KR cannot). Titles are one line; the writer's unit tests cover breaks.
const TITLES: [&str; 7] = [
    "=HYPERLINK(\"http://evil\",\"x\")",
    "Quote \"x\", comma; semi",
    "<script>alert(1)</script> & more",
    "100% _under_ back\\slash 'apostrophe'",
    "보안 이벤트 탐지",
    "emoji 😀 here",
    "-2+3 @ minus",
];

/// Tickets with the titles above on one site, the first assigned to the admin and closed.
async fn tickets(app: &TestApp, site: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, title) in TITLES.iter().enumerate() {
        let priority = ["high", "medium", "low"][i % 3];
        let mut body = json!({"site_id": site, "kind": "analysis", "title": title, "priority": priority});
        if i == 0 {
            body["assignee_ids"] = json!([1]);
        }
        let res = app.post("/api/tickets", &app.admin_token, body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{title:?}");
        ids.push(res.json::<Value>().await.expect("json")["id"].as_i64().expect("id"));
    }
    ids
}

/// The file's text: its byte order mark checked and removed, its encoding decoded.
fn decode(bytes: &[u8], encoding: &str) -> String {
    let (text, bom) = match encoding {
        "utf-8" => (encoding_rs::UTF_8.decode_without_bom_handling(bytes).0, false),
        "utf-8-bom" => {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 BOM");
            (encoding_rs::UTF_8.decode_without_bom_handling(&bytes[3..]).0, true)
        }
        "utf-16le" => {
            assert!(bytes.starts_with(b"\xFF\xFE"), "a UTF-16LE BOM");
            (encoding_rs::UTF_16LE.decode_without_bom_handling(&bytes[2..]).0, true)
        }
        "euc-kr" => {
            let (text, had_errors) = encoding_rs::EUC_KR.decode_without_bom_handling(bytes);
            assert!(!had_errors, "valid EUC-KR");
            (text, false)
        }
        other => panic!("no decoder for {other}"),
    };
    assert!(bom || !text.starts_with('\u{FEFF}'), "no BOM in {encoding}");
    text.into_owned()
}

/// Each row's cells as text, headings first, read with a parser of the format.
fn parse(text: &str, format: &str) -> Vec<Vec<String>> {
    match format {
        "csv" => {
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
            reader.records().map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect()).collect()
        }
        "json" => {
            let rows: Vec<serde_json::Map<String, Value>> = serde_json::from_str(text).expect("a JSON array");
            let mut out = Vec::new();
            if let Some(first) = rows.first() {
                out.push(first.keys().cloned().collect());
            }
            for row in &rows {
                out.push(
                    row.values()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            Value::Null => String::new(),
                            other => other.to_string(),
                        })
                        .collect(),
                );
            }
            out
        }
        "excel_xml" | "word" | "html" => {
            let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
            let doc = roxmltree::Document::parse_with_options(text, options).expect("well-formed markup");
            let (row_tag, cell_tags): (&str, &[&str]) =
                if format == "excel_xml" { ("Row", &["Cell"]) } else { ("tr", &["th", "td"]) };
            doc.descendants()
                .filter(|n| n.has_tag_name(row_tag))
                .map(|row| {
                    row.children()
                        .filter(|c| cell_tags.iter().any(|t| c.has_tag_name(*t)))
                        .map(|cell| {
                            cell.descendants()
                                .filter_map(|n| {
                                    if n.has_tag_name("br") {
                                        Some("\n")
                                    } else {
                                        n.is_text().then(|| n.text()).flatten()
                                    }
                                })
                                .collect::<String>()
                        })
                        .collect()
                })
                .collect()
        }
        other => panic!("no parser for {other}"),
    }
}

/// What a cell of `column` should read for the list's `ticket` in `format` and `encoding`.
fn expected(ticket: &Value, column: &str, format: &str, encoding: &str) -> String {
    let time = |v: &Value| {
        let Some(raw) = v.as_str() else { return String::new() };
        let t = chrono::DateTime::parse_from_rfc3339(raw).expect("a time");
        match format {
            "json" => t.to_rfc3339(),
            "excel_xml" => t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            _ => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    };
    match column {
        "id" => ticket["id"].to_string(),
        "title" => {
            let title = ticket["title"].as_str().expect("title");
            let mut text = if format == "csv" && title.starts_with(['=', '+', '-', '@']) {
                format!("'{title}")
            } else {
                title.to_owned()
            };
            if format == "csv" && encoding == "euc-kr" {
                text = text.replace('😀', "?");
            }
            text
        }
        "priority" => {
            let p = ticket["priority"].as_str().expect("priority");
            format!("{}{}", p[..1].to_uppercase(), &p[1..])
        }
        "assignees" => ticket["assignees"]
            .as_array()
            .expect("assignees")
            .iter()
            .map(|a| a["display_name"].as_str().expect("name"))
            .collect::<Vec<_>>()
            .join(", "),
        "created" => time(&ticket["created_at"]),
        "closed" => time(&ticket["closed_at"]),
        other => panic!("no expectation for {other}"),
    }
}

#[tokio::test]
async fn every_type_and_encoding_reads_back_as_the_list() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    tickets(&app, site).await;
    let list: Value =
        app.get("/api/tickets?sort=title&limit=500", &app.admin_token).await.json().await.expect("json");
    let list = list["items"].as_array().expect("items").clone();
    assert_eq!(list.len(), TITLES.len());
    let columns = ["title", "id", "priority", "assignees", "created", "closed"];
    for format in TYPES {
        for encoding in ENCODINGS {
            let res = app
                .get(
                    &format!(
                        "/api/tickets/export?sort=title&type={format}&encoding={encoding}&columns={}",
                        columns.join(",")
                    ),
                    &app.admin_token,
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{format} {encoding}");
            let content_type = res.headers()[header::CONTENT_TYPE].to_str().expect("ascii").to_owned();
            assert!(content_type.contains("charset="), "{content_type}");
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            assert!(res.content_length().is_none(), "streamed, not sized up front ({format})");
            let bytes = res.bytes().await.expect("body");
            let text = decode(&bytes, encoding);
            let rows = parse(&text, format);
            let what = format!("{format} in {encoding}");
            let headings: Vec<&str> = rows[0].iter().map(String::as_str).collect();
            if format == "json" {
                let mut keys = columns.to_vec();
                keys.sort_unstable();
                assert_eq!(headings, keys, "{what}: JSON objects are keyed by column");
            } else {
                assert_eq!(headings, ["Title", "ID", "Priority", "Assignees", "Created", "Closed"], "{what}");
            }
            assert_eq!(rows.len(), list.len() + 1, "{what}: one row per ticket");
            for (row, ticket) in rows[1..].iter().zip(&list) {
                for column in columns {
                    let index = if format == "json" {
                        rows[0].iter().position(|h| h == column).expect("key")
                    } else {
                        columns.iter().position(|c| *c == column).expect("column")
                    };
                    assert_eq!(row[index], expected(ticket, column, format, encoding), "{what}: {column}");
                }
            }
        }
    }
}

#[tokio::test]
async fn ranges_filters_and_sites_choose_the_rows() {
    let app = spawn_app().await;
    let seoul = app.site("Seoul").await;
    let busan = app.site("Busan").await;
    let ids = tickets(&app, seoul).await;
    let other = tickets(&app, busan).await;
    let (_, analyst) = app.account_with("analyst", &["TICKET_VIEW"], &[seoul]).await;
    let ids_of = |text: &str| -> Vec<i64> {
        let rows: Vec<Value> = serde_json::from_str(text).expect("json");
        rows.iter().map(|r| r["id"].as_i64().expect("id")).collect()
    };
    let get = |path: String, token: String| {
        let app = &app;
        async move {
            let res = app.get(&path, &token).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            res.text().await.expect("text")
        }
    };
    let all = ids_of(&get("/api/tickets/export?type=json&columns=id&sort=id".into(), analyst.clone()).await);
    assert_eq!(all, ids, "another site's tickets never appear");
    let some = ids_of(
        &get("/api/tickets/export?type=json&columns=id&sort=id&range=2..=4".into(), analyst.clone()).await,
    );
    assert_eq!(some, ids[1..4]);
    let tail = ids_of(
        &get("/api/tickets/export?type=json&columns=id&sort=id&range=6..".into(), analyst.clone()).await,
    );
    assert_eq!(tail, ids[5..]);
    let past = ids_of(
        &get("/api/tickets/export?type=json&columns=id&sort=id&range=50..=60".into(), analyst.clone()).await,
    );
    assert!(past.is_empty());
    let high = ids_of(
        &get(
            "/api/tickets/export?type=json&columns=id&sort=id&priority=high".into(),
            app.admin_token.clone(),
        )
        .await,
    );
    let expected: Vec<i64> = ids
        .iter()
        .chain(&other)
        .copied()
        .enumerate()
        .filter(|(i, _)| i % 7 % 3 == 0)
        .map(|(_, id)| id)
        .collect();
    assert_eq!(high, expected, "the list's filters apply");
    let csv = get("/api/tickets/export".into(), analyst.clone()).await;
    assert!(
        csv.starts_with(
            "ID,Category,Priority,Status,Title,Assignees,Attack,Incident,Created,Explanation status\r\n"
        ),
        "{csv}"
    );

    let (_, nobody) = app.account_with("nobody", &[], &[seoul]).await;
    assert_problem(app.get("/api/tickets/export", &nobody).await, StatusCode::FORBIDDEN).await;
    for (query, field) in [
        ("type=pdf", "type"),
        ("encoding=latin1", "encoding"),
        ("columns=id,password", "columns"),
        ("columns=id,id", "columns"),
        ("range=0..=3", "range"),
        ("range=5..=2", "range"),
        ("cursor=abc", "cursor"),
        ("limit=10", "limit"),
        ("priority=urgent", "priority"),
        ("sort=password", "sort"),
        ("colour=red", "query"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/api/tickets/export?{query}"), &analyst).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let fields = error_fields(&problem);
        assert!(fields.iter().any(|f| f == field) || field == "query", "{query}: {problem}");
    }
}

#[tokio::test]
async fn the_file_name_travels_in_content_disposition() {
    let app = spawn_app().await;
    let res = app.get("/api/tickets/export?type=excel_xml&file_name=보고서%2012월", &app.admin_token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().expect("ascii").to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%2012%EC%9B%94.xml"),
        "{disposition}"
    );
    assert!(disposition.contains("filename=\"___ 12_.xml\""), "an ASCII stand-in: {disposition}");
    let res = app.get("/api/tickets/export?file_name=../../etc/passwd", &app.admin_token).await;
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().expect("ascii").to_owned();
    assert!(disposition.contains("filename=\"_.._etc_passwd.csv\""), "no path survives: {disposition}");
    let res = app.get("/api/tickets/export?type=json", &app.admin_token).await;
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().expect("ascii").to_owned();
    let today = chrono::Utc::now().format("%Y-%m-%d");
    assert!(disposition.contains(&format!("filename=\"tickets-{today}.json\"")), "{disposition}");
    let audit: Value =
        app.get("/api/audit-log?action=tickets.export", &app.admin_token).await.json().await.expect("json");
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(3), "each export is audited: {audit}");
}

#[tokio::test]
async fn exports_longer_than_a_chunk_hold_every_row_once_in_order() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    crate::ticket_lists::seed(&app, site, 1_234).await;
    let text = app
        .get("/api/tickets/export?type=json&columns=id,title&sort=title", &app.admin_token)
        .await
        .text()
        .await
        .expect("text");
    let rows: Vec<Value> = serde_json::from_str(&text).expect("json");
    let mut titles: Vec<String> = (0..1_234).map(|i| format!("seeded {i}")).collect();
    titles.sort();
    let got: Vec<&str> = rows.iter().map(|r| r["title"].as_str().expect("title")).collect();
    assert_eq!(got, titles);
    let text = app
        .get("/api/tickets/export?type=json&columns=id&sort=-id&range=499..=1002", &app.admin_token)
        .await
        .text()
        .await
        .expect("text");
    let rows: Vec<Value> = serde_json::from_str(&text).expect("json");
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().expect("id")).collect();
    assert_eq!(ids.len(), 504);
    assert!(ids.windows(2).all(|w| w[0] == w[1] + 1), "consecutive across chunk boundaries");
    assert_eq!(ids[0], 1_234 - 498);
}

#[tokio::test]
async fn the_explanation_list_exports_what_each_caller_may_read() {
    let d = crate::explanations::desk().await;
    let app = &d.app;
    for (priority, message) in [("high", "USB copy"), ("low", "Mail to a rival")] {
        let res = app
            .post(
                "/api/explanations",
                &d.analyst,
                json!({"violator_id": "V1", "category_id": d.category,
                    "deadline": crate::explanations::deadline(2), "priority": priority, "message": message}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let list: Value =
        app.get("/api/explanations?sort=priority", &d.analyst).await.json().await.expect("json");
    for format in TYPES {
        let res = app
            .get(&format!("/api/explanations/export?sort=priority&type={format}&encoding=euc-kr"), &d.analyst)
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        let rows = parse(&decode(&res.bytes().await.expect("body"), "euc-kr"), format);
        assert_eq!(rows.len(), 3, "{format}: headings and two rows");
        let priority =
            if format == "json" { rows[0].iter().position(|h| h == "priority").expect("key") } else { 1 };
        assert_eq!(rows[1][priority], "High", "{format}");
        assert_eq!(rows[2][priority], "Low", "{format}");
        let violator =
            if format == "json" { rows[0].iter().position(|h| h == "violator").expect("key") } else { 3 };
        assert_eq!(rows[1][violator], list["items"][0]["violator"]["name"].as_str().expect("name"));
    }
    // The manager reviews these two, so sees them; an account with no part in them sees none.
    let text = app
        .get("/api/explanations/export?type=json&columns=id", &d.manager)
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(serde_json::from_str::<Vec<Value>>(&text).expect("json").len(), 2);
    let (_, stranger) = app.account_with("stranger", &[], &[]).await;
    let text =
        app.get("/api/explanations/export?type=json&columns=id", &stranger).await.text().await.expect("text");
    assert_eq!(text.trim(), "[]");
}

/// Runs `soffice --headless --convert-to <to>` on `file` and answers what it wrote.
fn libreoffice_convert(dir: &std::path::Path, file: &str, to: &str) -> String {
    let out = std::process::Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(dir.join("out"))
        .arg(dir.join(file))
        .env("HOME", dir)
        .output()
        .expect("LibreOffice runs (scripts/test.sh installs it: libreoffice-calc-nogui, libreoffice-writer-nogui)");
    assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let extension = to.split(':').next().expect("extension");
    let path = dir.join("out").join(format!("{stem}.{extension}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("no {} after conversion ({e}): {}", path.display(), String::from_utf8_lossy(&out.stderr))
    });
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn libreoffice_opens_the_spreadsheets_and_documents() {
    let app = spawn_app().await;
    let site = app.site("Seoul").await;
    tickets(&app, site).await;
    let dir = std::env::temp_dir().join(format!("socdesk-lo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // LibreOffice takes seconds per file, longer than the server keeps an idle connection: a
    // client without a pool of idle connections never sends on one the server is closing.
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client");
    let export = |format: &'static str, encoding: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let res = client
                .get(format!(
                    "{}/api/tickets/export?type={format}&encoding={encoding}&columns=id,title&sort=id",
                    app.address
                ))
                .bearer_auth(&app.admin_token)
                .send()
                .await
                .expect("sent");
            assert_eq!(res.status(), StatusCode::OK);
            res.bytes().await.expect("body").to_vec()
        }
    };
    // Calc reads the SpreadsheetML workbook (in UTF-16) and writes it back as CSV: the cells
    // are the titles, a would-be formula stays text.
    std::fs::write(dir.join("tickets.xml"), export("excel_xml", "utf-16le").await).expect("write");
    let csv = libreoffice_convert(&dir, "tickets.xml", "csv:Text - txt - csv (StarCalc):44,34,76");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv.as_bytes());
    let titles: Vec<String> = reader.records().map(|r| r.expect("record")[1].to_owned()).collect();
    assert_eq!(titles, TITLES, "Calc shows every title as written: {csv}");
    // Calc reads the CSV (UTF-8 with BOM) as a sheet of the same cells, formulas as text.
    std::fs::write(dir.join("tickets.csv"), export("csv", "utf-8-bom").await).expect("write");
    let round = libreoffice_convert(&dir, "tickets.csv", "xlsx");
    assert!(!round.is_empty());
    let html = libreoffice_convert(&dir, "tickets.csv", "html");
    assert!(html.contains("=HYPERLINK"), "the formula arrives as text: {html}");
    assert!(!html.to_lowercase().contains("href=\"http://evil"), "never as a live link");
    // Writer reads the Word file (EUC-KR) as a document with a table holding the titles.
    std::fs::write(dir.join("tickets.doc"), export("word", "euc-kr").await).expect("write");
    let text = libreoffice_convert(&dir, "tickets.doc", "txt:Text (encoded):UTF8");
    for title in ["Quote \"x\", comma; semi", "보안 이벤트 탐지", "emoji 😀 here"] {
        assert!(text.contains(title), "Writer shows {title:?}: {text}");
    }
    let odt = libreoffice_convert(&dir, "tickets.doc", "odt");
    assert!(!odt.is_empty());
    // And the HTML page as a standalone document.
    std::fs::write(dir.join("page.html"), export("html", "utf-8").await).expect("write");
    let text = libreoffice_convert(&dir, "page.html", "txt:Text (encoded):UTF8");
    assert!(text.contains("<script>alert(1)</script> & more"), "markup arrives as text: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}
