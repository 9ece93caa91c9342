//! Any text in a cell of a ExcelXml export reads back unchanged (as far as the format can hold it)
//! and is never a live formula. The check is the scorecard's (roundtrip.rs).
#![no_main]

#[expect(dead_code, reason = "shared with the other targets and the scorecard")]
#[path = "../../crates/api/tests/api/scorecard/roundtrip.rs"]
mod roundtrip;

use libfuzzer_sys::fuzz_target;
use socdesk_types::export::ExportFormat;

fuzz_target!(|text: &str| {
    if let Err(e) = roundtrip::export_round_trip(ExportFormat::ExcelXml, text) {
        panic!("{text:?}: {e}");
    }
});
