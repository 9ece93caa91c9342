//! Reputation: the IP addresses, domains, URLs and file hashes found in the ticket's fields and
//! evidence, each with a control that asks VirusTotal (through the server, which caches answers
//! and keeps to the key's quota) only when clicked.

use std::net::IpAddr;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::reputation::{IndicatorKind, ReputationSummary};

use super::details::EvidenceFeed;
use crate::{api, components::tickets::detail::state::use_detail, session::use_session};

/// Most indicators listed.
const MAX: usize = 30;

/// Endings that make a file name look like a domain (`report.pdf`).
const FILE_ENDINGS: &[&str] = &[
    "bat", "csv", "dll", "doc", "docx", "exe", "gif", "htm", "html", "jpg", "js", "json", "log", "pdf",
    "png", "ps1", "sh", "txt", "xls", "xlsx", "xml",
];

/// What a value is, if it is one of the indicators VirusTotal knows. Private and loopback
/// addresses are left out: nobody outside knows them.
pub fn classify(raw: &str) -> Option<(IndicatorKind, String)> {
    let v = raw.trim();
    if v.is_empty() || v.len() > 2048 {
        return None;
    }
    if let Ok(ip) = v.parse::<IpAddr>() {
        let public = match ip {
            IpAddr::V4(a) => {
                !(a.is_private()
                    || a.is_loopback()
                    || a.is_link_local()
                    || a.is_unspecified()
                    || a.is_broadcast())
            }
            IpAddr::V6(a) => !(a.is_loopback() || a.is_unspecified() || (a.segments()[0] & 0xfe00) == 0xfc00),
        };
        return public.then(|| (IndicatorKind::Ip, ip.to_string()));
    }
    if matches!(v.len(), 32 | 40 | 64) && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some((IndicatorKind::File, v.to_ascii_lowercase()));
    }
    let lower = v.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://")) && !v.contains(char::is_whitespace) {
        return Some((IndicatorKind::Url, v.to_owned()));
    }
    let d = lower.trim_end_matches('.');
    let labels: Vec<&str> = d.split('.').collect();
    let is_domain = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| {
            tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()) && !FILE_ENDINGS.contains(tld)
        });
    is_domain.then(|| (IndicatorKind::Domain, d.to_owned()))
}

/// The distinct indicators among `values`, in order of appearance.
pub fn indicators<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(IndicatorKind, String)> {
    let mut out: Vec<(IndicatorKind, String)> = Vec::new();
    for v in values {
        if let Some(found) = classify(v)
            && !out.contains(&found)
        {
            out.push(found);
            if out.len() == MAX {
                break;
            }
        }
    }
    out
}

fn strings_of(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

fn kind_label(k: IndicatorKind) -> &'static str {
    match k {
        IndicatorKind::Ip => "IP",
        IndicatorKind::Domain => "Domain",
        IndicatorKind::Url => "URL",
        IndicatorKind::File => "Hash",
    }
}

/// The Reputation section of the Details tab (shown when there is something to look up).
#[component]
pub fn ReputationSection(feed: EvidenceFeed) -> impl IntoView {
    let detail = use_detail();
    let found = Memo::new(move |_| {
        let mut values: Vec<String> =
            detail.ticket.with(|t| t.fields.iter().map(|f| f.value.clone()).collect());
        feed.records().with(|records| records.iter().for_each(|r| strings_of(&r.record, &mut values)));
        indicators(values.iter().map(String::as_str))
    });
    view! {
        <Show when=move || found.with(|f| !f.is_empty())>
            <section class="tab-section" aria-labelledby="reputation-heading">
                <header class="section-head">
                    <h4 id="reputation-heading">"Reputation"</h4>
                    <span class="muted small">"VirusTotal, asked when you click"</span>
                </header>
                <ul class="reputation-list" data-testid="reputation-list">
                    <For each=move || found.get() key=|i| i.clone() let:item>
                        <li class="reputation-item" data-testid="reputation-item">
                            <span class="chip">{kind_label(item.0)}</span>
                            <code class="mono">{item.1.clone()}</code>
                            <ReputationControl kind=item.0 value=item.1 />
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}

/// The "reputation" button, then the verdict (`3/94 malicious` with a link) or why there is none.
#[component]
pub fn ReputationControl(kind: IndicatorKind, value: String) -> impl IntoView {
    let session = use_session();
    let state = RwSignal::new(None::<Result<ReputationSummary, String>>);
    let busy = RwSignal::new(false);
    let value = StoredValue::new(value);
    let ask = move |_| {
        busy.set(true);
        let v = value.get_value();
        spawn_local(async move {
            let answer = session.call(move |t| api::reputation::lookup(t, kind, v.clone())).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            state.set(Some(answer.map_err(|e| e.message())));
        });
    };
    view! {
        {move || match state.get() {
            None => view! {
                <button type="button" class="btn btn-secondary btn-small" disabled=busy on:click=ask
                    aria-label=format!("Look up the reputation of {}", value.get_value())>
                    {move || if busy.get() { "Asking…" } else { "reputation" }}
                </button>
            }
            .into_any(),
            Some(Ok(s)) => {
                let bad = s.malicious > 0;
                let text = format!("{}/{} malicious", s.malicious, s.total);
                let title = format!(
                    "{} suspicious, {} harmless, {} undetected{}",
                    s.suspicious,
                    s.harmless,
                    s.undetected,
                    if s.cached { " (cached)" } else { "" }
                );
                view! {
                    <span class="reputation-verdict" class:malicious=bad data-testid="reputation-verdict" title=title>
                        {text}
                    </span>
                    <a href=s.link target="_blank" rel="noopener noreferrer" class="small">"VirusTotal ↗"</a>
                }
                .into_any()
            }
            Some(Err(message)) => view! {
                <span class="field-error small" role="alert" data-testid="reputation-error">{message}</span>
                <button type="button" class="link-btn small" on:click=move |_| state.set(None)>"Retry"</button>
            }
            .into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_domains_urls_and_hashes_are_found_and_the_rest_left_out() {
        let found = indicators([
            "203.0.113.9",
            "10.0.0.5",
            "127.0.0.1",
            "evil.example.com",
            "https://evil.example.com/x",
            "44D88612FEA8A8F36DE82E1278ABB02F",
            "tcp",
            "443",
            "1.2",
            "report.pdf",
            "203.0.113.9",
            "user@example.com",
        ]);
        assert_eq!(
            found,
            vec![
                (IndicatorKind::Ip, "203.0.113.9".to_owned()),
                (IndicatorKind::Domain, "evil.example.com".to_owned()),
                (IndicatorKind::Url, "https://evil.example.com/x".to_owned()),
                (IndicatorKind::File, "44d88612fea8a8f36de82e1278abb02f".to_owned()),
            ]
        );
    }
}
