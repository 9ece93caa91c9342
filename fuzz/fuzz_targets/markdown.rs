//! Whatever a user writes, the rendered Markdown holds no script, event handler or dangerous URL
//! once a browser parses it. The check is the scorecard's (roundtrip.rs).
#![no_main]

#[expect(dead_code, reason = "shared with the export targets and the scorecard")]
#[path = "../../crates/api/tests/api/scorecard/roundtrip.rs"]
mod roundtrip;

use libfuzzer_sys::fuzz_target;
use socdesk_domain::markdown::render;
use socdesk_types::tickets::BodyFormat;

fuzz_target!(|body: &str| {
    if let Err(e) = roundtrip::html_is_inert(&render(BodyFormat::Markdown, body)) {
        panic!("{body:?}: {e}");
    }
});
