//! Scorecard 9: export escaping. Random strings, weighted towards what breaks files (formula
//! starters, quotes, separators, markup, line breaks, controls, any Unicode), are exported in
//! each of the five formats and read back by real parsers (csv, roxmltree, serde_json); then the
//! same texts go through the real export endpoint. The fuzz targets in `fuzz/` run the same check
//! on arbitrary bytes.

use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use serde_json::json;

use super::{
    Row, report, rounds,
    roundtrip::{FORMATS, export_round_trip},
};
use crate::helpers::spawn_app;

/// Texts built from the pieces that break files, or any Unicode at all.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "\"", "'", ",", ";", "<", ">", "&", "]]>",
            "<!--", "&amp;", "&#10;", "=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "@SUM(1)",
            "\u{0}", "\u{1}", "\u{b}", "\u{7f}", "\u{feff}", "\u{fffe}", "\u{ffff}", "보안", "\u{1F512}",
            " ", "\u{a0}", "\u{2028}",
        ])
        .prop_map(str::to_owned),
        2 => any::<char>().prop_map(String::from),
        1 => "[a-z0-9 ]{1,8}",
    ];
    prop_oneof![
        4 => prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat()),
        1 => any::<String>(),
    ]
}

#[tokio::test]
async fn scorecard_09_exports_round_trip_through_real_parsers_with_no_live_formula() {
    let cases = rounds(2_000, 100_000);
    let mut checked = 0u64;
    let mut failure = None;
    for format in FORMATS {
        let mut runner =
            TestRunner::new(Config { cases: cases as u32, failure_persistence: None, ..Config::default() });
        let outcome = runner.run(&hostile_text(), |text| {
            export_round_trip(format, &text)
                .map_err(|e| TestCaseError::fail(format!("{format:?} {text:?}: {e}")))
        });
        checked += cases as u64;
        if let Err(e) = outcome {
            failure.get_or_insert(e.to_string());
        }
    }

    // The endpoint writes the same cells: a handful of hostile titles through every format.
    let app = spawn_app().await;
    let site = app.site("Export site").await;
    let titles = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "a,\"b\";c", "<script>x</script>", "]]>&"];
    for title in titles {
        let res = app
            .post(
                "/api/tickets",
                &app.admin_token,
                json!({"site_id": site, "kind": "analysis", "title": title, "priority": "high"}),
            )
            .await;
        assert!(res.status().is_success(), "ticket {title:?}: {}", res.status());
    }
    let mut http_failures = Vec::new();
    for format in FORMATS {
        let path = format!("/api/tickets/export?type={}&encoding=utf-8&columns=id,title", format.as_str());
        let res = app.get(&path, &app.admin_token).await;
        let text = res.text().await.expect("export body");
        let live = match format {
            socdesk_types::export::ExportFormat::Csv => {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                reader
                    .records()
                    .filter_map(Result::ok)
                    .filter(|r| r.get(1).is_some_and(socdesk_domain::export::writer::looks_like_formula))
                    .count()
            }
            // JSON values are strings, never evaluated.
            socdesk_types::export::ExportFormat::Json => 0,
            _ => usize::from(text.contains("ss:Formula") || text.contains("<script>")),
        };
        let readable = match format {
            socdesk_types::export::ExportFormat::Json => serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| v.as_array().is_some_and(|rows| rows.len() == titles.len())),
            socdesk_types::export::ExportFormat::Csv => {
                csv::Reader::from_reader(text.as_bytes()).records().count() == titles.len()
            }
            _ => roxmltree::Document::parse_with_options(
                &text,
                roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
            )
            .is_ok(),
        };
        if live > 0 || !readable {
            http_failures.push(format!("{format:?}: {live} live formulas, readable {readable}"));
        }
    }

    report(Row {
        number: 9,
        test: "export escaping",
        tried: format!(
            "{cases} hostile strings × 5 formats through the writer ({checked} files) read back by csv, \
             roxmltree and serde_json; {} hostile titles through GET /api/tickets/export in each format",
            titles.len()
        ),
        threshold: "round-trips through real parsers; 0 live formulas; 0 crashes",
        result: match (&failure, http_failures.is_empty()) {
            (None, true) => format!("{checked} of {checked} round-trip, 0 live formulas, 0 panics"),
            (Some(e), _) => format!("failed: {e}"),
            (None, false) => format!("endpoint: {}", http_failures.join("; ")),
        },
        pass: failure.is_none() && http_failures.is_empty(),
    });
}
