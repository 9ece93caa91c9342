//! Scorecard 10: Markdown XSS. An evasion corpus (each way of spelling `javascript:`, every
//! element and attribute that runs code, in raw HTML, Markdown links, images, autolinks and
//! reference definitions) goes through the real preview endpoint; random soups of the same
//! pieces go through the renderer. Every answer is parsed the way a browser parses it and
//! searched for anything that could run. The `markdown` fuzz target in `fuzz/` does the same on
//! arbitrary bytes.

use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use serde_json::{Value, json};
use socdesk_domain::markdown::render;
use socdesk_types::tickets::BodyFormat;

use super::{Row, report, rounds, roundtrip::html_is_inert};
use crate::helpers::spawn_app;

/// Spellings of a `javascript:`, `data:` or `vbscript:` URL a careless filter lets through.
fn dangerous_urls() -> Vec<String> {
    let mut urls: Vec<String> = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java&#x09;script:alert(1)",
        "java&#10;script:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
        "javascript&#58;alert(1)",
        "javascript&colon;alert(1)",
        "\u{1}javascript:alert(1)",
        "javascript://%0aalert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:text/html,<script>alert(1)</script>",
        "DATA:image/svg+xml,<svg onload=alert(1)>",
        "vbscript:msgbox(1)",
        "livescript:alert(1)",
    ]
    .map(str::to_owned)
    .to_vec();
    // Markdown's own escapes of the colon and the scheme.
    urls.push("javascript\\:alert(1)".into());
    urls.push("<javascript:alert(1)>".into());
    urls
}

/// The corpus: every dangerous URL in every place a URL can go, plus the elements and
/// attributes that run code without one.
fn corpus() -> Vec<String> {
    let mut corpus = Vec::new();
    for url in dangerous_urls() {
        corpus.push(format!("[click]({url})"));
        corpus.push(format!("![img]({url})"));
        corpus.push(format!("[click][r]\n\n[r]: {url}"));
        corpus.push(format!("<{url}>"));
        corpus.push(format!("<a href=\"{url}\">x</a>"));
        corpus.push(format!("<a href='{url}'>x</a>"));
        corpus.push(format!("<a href={url}>x</a>"));
        corpus.push(format!("<img src=\"{url}\">"));
        corpus.push(format!("<iframe src=\"{url}\"></iframe>"));
        corpus.push(format!("<form action=\"{url}\"><button>x</button></form>"));
        corpus.push(format!("<button formaction=\"{url}\">x</button>"));
        corpus.push(format!("<object data=\"{url}\"></object>"));
        corpus.push(format!("<embed src=\"{url}\">"));
        corpus.push(format!("<base href=\"{url}\">"));
        corpus.push(format!("<svg><a xlink:href=\"{url}\"><text>x</text></a></svg>"));
        corpus.push(format!("<math href=\"{url}\">x</math>"));
        corpus.push(format!("<meta http-equiv=\"refresh\" content=\"0;url={url}\">"));
        corpus.push(format!("| a |\n| - |\n| [x]({url}) |"));
        corpus.push(format!("- [ ] [x]({url})"));
        corpus.push(format!("> [x]({url})"));
    }
    for handler in
        ["onerror", "onload", "onclick", "onmouseover", "ONFOCUS", "onanimationstart", "onpointerenter"]
    {
        corpus.push(format!("<img src=x {handler}=alert(1)>"));
        corpus.push(format!("<img/src=x/{handler}=alert(1)>"));
        corpus.push(format!("<img src=x {handler}=\"alert(1)\"//"));
        corpus.push(format!("<p {handler}=alert(1)>x</p>"));
        corpus.push(format!("<body {handler}=alert(1)>"));
        corpus.push(format!("<svg {handler}=alert(1)>"));
        corpus.push(format!("<details open {handler}=alert(1)>"));
        corpus.push(format!("<input autofocus {handler}=alert(1)>"));
        corpus.push(format!("<div\n{handler}=alert(1)>x</div>"));
        corpus.push(format!("![x](x.png \"\\\" {handler}=alert(1) x=\\\"\")"));
    }
    for raw in [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<script/x>alert(1)</script>",
        "<<script>alert(1);//<</script>",
        "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
        "<style>@import 'javascript:alert(1)';</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<div style=\"width:expression(alert(1))\">x</div>",
        "<link rel=stylesheet href=//evil.example/x.css>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<template><script>alert(1)</script></template>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<textarea><img src=x onerror=alert(1)></textarea>",
        "<title><img src=x onerror=alert(1)></title>",
        "<plaintext><img src=x onerror=alert(1)>",
        "```html\n<script>alert(1)</script>\n```",
        "`<img src=x onerror=alert(1)>`",
        "<a href=\"https://example.com\" target=\"_blank\" onclick=\"alert(1)\">x</a>",
        "<video poster=javascript:alert(1)>",
        "<img srcset=\"javascript:alert(1) 1x\">",
        "<blockquote cite=\"javascript:alert(1)\">x</blockquote>",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "\\<script>alert(1)\\</script>",
        "<img src=\"x` `<script>alert(1)</script>\"` `>",
    ] {
        corpus.push(raw.to_owned());
    }
    corpus
}

/// Random soups of the corpus's pieces, for the renderer.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<",
        ">",
        "</",
        "/>",
        "script",
        "img",
        "svg",
        "a",
        "iframe",
        " src=",
        " href=",
        " onerror=",
        " onload=",
        "=",
        "\"",
        "'",
        "`",
        "javascript:",
        "java\tscript:",
        "&#106;",
        "&#x3A;",
        "data:",
        "alert(1)",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "\n",
        "\n\n",
        " ",
        "<!--",
        "-->",
        "\\",
        "|",
        "- ",
        "> ",
        "```",
        "*",
        "_",
        "x",
        "&",
        ";",
        "#",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

#[tokio::test]
async fn scorecard_10_markdown_keeps_no_script_handler_or_dangerous_url() {
    let app = spawn_app().await;
    let corpus = corpus();
    let mut survived = Vec::new();
    for body in &corpus {
        let res = app.post("/api/markdown/preview", &app.admin_token, json!({"body": body})).await;
        assert!(res.status().is_success(), "preview {body:?}: {}", res.status());
        let html = res.json::<Value>().await.expect("json")["html"].as_str().expect("html").to_owned();
        if let Err(e) = html_is_inert(&html) {
            survived.push(format!("{body:?} → {e}"));
        }
    }

    let cases = rounds(5_000, 100_000);
    let mut runner =
        TestRunner::new(Config { cases: cases as u32, failure_persistence: None, ..Config::default() });
    let soup_outcome = runner.run(&soup(), |body| {
        html_is_inert(&render(BodyFormat::Markdown, &body))
            .map_err(|e| TestCaseError::fail(format!("{body:?}: {e}")))
    });

    let pass = survived.is_empty() && soup_outcome.is_ok();
    report(Row {
        number: 10,
        test: "Markdown XSS",
        tried: format!(
            "{} evasion vectors through POST /api/markdown/preview, {cases} random soups of their pieces \
             through the renderer, each answer parsed by html5ever",
            corpus.len()
        ),
        threshold: "0 script, event handler, javascript:/data: URL survives",
        result: if pass {
            format!("0 of {} survived", corpus.len() + cases)
        } else {
            let soup = soup_outcome.err().map(|e| e.to_string()).unwrap_or_default();
            format!("{} vectors survived: {} {soup}", survived.len(), survived.join("; "))
        },
        pass,
    });
}
