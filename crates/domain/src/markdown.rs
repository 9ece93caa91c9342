//! Rendering user-written bodies (tickets, memos) to HTML that is safe to insert in a page.
//!
//! Markdown goes through pulldown-cmark, then ammonia's allow-list sanitiser: no scripts, no
//! event handlers, no `javascript:` or `data:` URLs, links opened with `rel="noopener noreferrer"`.
//! Text and JSON are escaped, so no client ever renders raw HTML from a user.

use pulldown_cmark::{Options, Parser, html};
use socdesk_types::{
    markdown::{MarkdownPreview, MarkdownPreviewRequest},
    tickets::BodyFormat,
};

use crate::{DomainError, DomainResult, tickets::service::MAX_BODY_CHARS};

/// The sanitised HTML of `body` written in `format`.
pub fn render(format: BodyFormat, body: &str) -> String {
    match format {
        BodyFormat::Markdown => {
            let mut raw = String::with_capacity(body.len() * 3 / 2);
            let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
            html::push_html(&mut raw, Parser::new_ext(body, options));
            let mut sanitiser = ammonia::Builder::default();
            // `cite` is a URL ammonia does not check against the schemes, and no reader sees it.
            for tag in ["blockquote", "q", "del", "ins"] {
                sanitiser.rm_tag_attributes(tag, &["cite"]);
            }
            sanitiser
                .url_schemes(["http", "https", "mailto"].into_iter().collect())
                .link_rel(Some("noopener noreferrer"))
                .clean(&raw)
                .to_string()
        }
        BodyFormat::Text => format!("<pre class=\"text\">{}</pre>", escape(body)),
        BodyFormat::Json => {
            let pretty = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| body.to_owned());
            format!("<pre class=\"json\"><code>{}</code></pre>", escape(&pretty))
        }
    }
}

/// What an editor's preview shows: `req.body` rendered by [`render`], exactly as a ticket body
/// or memo holding it would be (Markdown unless `req.format` says otherwise). Fails with
/// `Validation` naming `body` when it is longer than a ticket body may be.
pub fn preview(req: &MarkdownPreviewRequest) -> DomainResult<MarkdownPreview> {
    if req.body.chars().count() > MAX_BODY_CHARS {
        return Err(DomainError::invalid("body", format!("must be at most {MAX_BODY_CHARS} characters")));
    }
    Ok(MarkdownPreview { html: render(req.format.unwrap_or(BodyFormat::Markdown), &req.body) })
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_keeps_safe_markup() {
        let html = render(BodyFormat::Markdown, "# Phishing\n\n**bold** [site](https://example.com)");
        assert!(html.contains("<h1>Phishing</h1>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("href=\"https://example.com\""));
        assert!(html.contains("rel=\"noopener noreferrer\""));
    }

    #[test]
    fn scripts_handlers_and_dangerous_urls_are_removed() {
        let attacks = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg><script>alert(1)</script></svg>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<blockquote cite=\"javascript:alert(1)\">x</blockquote>",
        ];
        for attack in attacks {
            let html = render(BodyFormat::Markdown, attack).to_ascii_lowercase();
            for bad in ["<script", "onerror", "javascript:", "<iframe", "data:text", "style="] {
                assert!(!html.contains(bad), "{attack:?} rendered as {html:?}");
            }
        }
    }

    #[test]
    fn text_and_json_are_escaped() {
        assert_eq!(render(BodyFormat::Text, "<b>hi</b>"), "<pre class=\"text\">&lt;b&gt;hi&lt;/b&gt;</pre>");
        let json = render(BodyFormat::Json, r#"{"a":"<x>"}"#);
        assert!(json.contains("&lt;x&gt;") && json.contains("\n"));
    }
}
