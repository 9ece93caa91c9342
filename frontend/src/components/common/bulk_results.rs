//! What a bulk action did, item by item: changed or refused, and why. Tickets and explanations
//! share it.

use leptos::prelude::*;

use super::dialog::Dialog;

/// One item's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkLine {
    pub id: i64,
    pub ok: bool,
    /// Its status afterwards, as a badge: (label, colour).
    pub now: Option<(&'static str, &'static str)>,
    /// The HTTP status a single request would have got, and the server's reason.
    pub error_status: Option<u16>,
    pub error: Option<String>,
}

/// The answer to one bulk request.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOutcome {
    /// What was applied (`Close`, `Review`, ...).
    pub what: String,
    /// One item and several (`ticket`, `tickets`).
    pub noun: (&'static str, &'static str),
    /// What a success did (`changed`, `deleted`).
    pub verb: &'static str,
    /// How many items it was sent for.
    pub sent: usize,
    /// The per-item results, or why the whole request was refused (nothing changed then).
    pub answer: Result<Vec<BulkLine>, String>,
}

impl BulkOutcome {
    fn count(&self, n: usize) -> String {
        if n == 1 { format!("1 {}", self.noun.0) } else { format!("{n} {}", self.noun.1) }
    }

    /// The summary line: `3 tickets changed.`, `2 changed, 1 refused.`
    pub fn summary(&self, lines: &[BulkLine]) -> String {
        let done = lines.iter().filter(|l| l.ok).count();
        let refused = lines.len() - done;
        match (done, refused) {
            (d, 0) => format!("{} {}.", self.count(d), self.verb),
            (0, r) => format!("Nothing {}: {} refused.", self.verb, self.count(r)),
            (d, r) => format!("{d} {}, {r} refused.", self.verb),
        }
    }
}

/// What a refusal's HTTP status means, before the server's own words.
fn refusal_kind(status: Option<u16>) -> &'static str {
    match status {
        Some(404) => "Not found (or not visible to you)",
        Some(403) => "Not allowed",
        Some(409) => "Not possible now",
        Some(412) => "Changed meanwhile",
        _ => "Refused",
    }
}

/// The dialog. `on_keep` narrows the selection to the refused items (to try them again),
/// `on_clear` clears it, `on_open` opens an item.
#[component]
pub fn BulkResults(
    outcome: BulkOutcome,
    #[prop(into)] on_close: Callback<()>,
    #[prop(optional, into)] on_keep: Option<Callback<Vec<i64>>>,
    #[prop(optional, into)] on_clear: Option<Callback<()>>,
    #[prop(optional, into)] on_open: Option<Callback<i64>>,
) -> impl IntoView {
    let title = format!("{}: results", outcome.what);
    let sent = format!("Sent for {}.", outcome.count(outcome.sent));
    let noun = outcome.noun.0;
    let body = match outcome.answer.clone() {
        Err(message) => view! {
            <p class="banner banner-error" role="alert" data-testid="bulk-summary">
                {format!("Nothing was changed: {message}")}
            </p>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-primary" on:click=move |_| on_close.run(())>"Close"</button>
            </footer>
        }
        .into_any(),
        Ok(lines) => {
            let summary = outcome.summary(&lines);
            let refused: Vec<i64> = lines.iter().filter(|l| !l.ok).map(|l| l.id).collect();
            let partly = !refused.is_empty() && refused.len() < lines.len();
            let any_refused = !refused.is_empty();
            let rows = lines.into_iter().map(|l| view! { <ResultRow line=l on_open=on_open /> }).collect_view();
            let keep = on_keep.filter(|_| partly).map(|keep| {
                view! {
                    <button type="button" class="btn btn-secondary" on:click=move |_| keep.run(refused.clone())>
                        "Select only the refused"
                    </button>
                }
            });
            let clear = on_clear.map(|clear| {
                view! {
                    <button type="button" class="btn btn-secondary" on:click=move |_| clear.run(())>
                        "Clear selection"
                    </button>
                }
            });
            view! {
                <p class="bulk-summary" class:bulk-summary-refused=any_refused role="status" data-testid="bulk-summary">
                    {summary}
                </p>
                <div class="bulk-results-scroll">
                    <table class="table bulk-results" aria-label=format!("Result per {noun}")>
                        <thead>
                            <tr>
                                <th scope="col">{capitalised(noun)}</th>
                                <th scope="col">"Result"</th>
                                <th scope="col">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <footer class="dialog-foot">
                    <span class="muted">{on_clear.is_some().then_some("The selection is kept.")}</span>
                    {keep}
                    {clear}
                    <button type="button" class="btn btn-primary" on:click=move |_| on_close.run(())>"Close"</button>
                </footer>
            }
            .into_any()
        }
    };
    view! {
        <Dialog title=title on_close=on_close test_id="bulk-results" wide=true>
            <p class="visually-hidden">{sent}</p>
            {body}
        </Dialog>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One item's line: its id (opens it), OK or Refused, and its status now or the reason.
#[component]
fn ResultRow(line: BulkLine, on_open: Option<Callback<i64>>) -> impl IntoView {
    let id = line.id;
    let (badge, details) = if line.ok {
        let details = match line.now {
            Some((label, color)) => view! {
                <span class="muted">"Status now "</span>
                <span class="badge status" style=format!("--badge: {color}")>{label}</span>
            }
            .into_any(),
            None => ().into_any(),
        };
        (view! { <span class="result result-ok">"OK"</span> }, details)
    } else {
        let reason = line.error.clone().unwrap_or_default();
        let details = view! {
            <span class="result-reason">
                <strong>{refusal_kind(line.error_status)}</strong>
                {(!reason.is_empty()).then(|| format!(": {reason}"))}
            </span>
        }
        .into_any();
        (view! { <span class="result result-refused">"Refused"</span> }, details)
    };
    let number = match on_open {
        Some(open) => view! {
            <button type="button" class="link-btn" title="Open it" on:click=move |_| open.run(id)>{format!("#{id}")}</button>
        }
        .into_any(),
        None => format!("#{id}").into_any(),
    };
    view! {
        <tr data-result-id=id class:refused=!line.ok>
            <td>{number}</td>
            <td>{badge}</td>
            <td>{details}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ok: bool) -> BulkLine {
        BulkLine { id: 1, ok, now: None, error_status: None, error: None }
    }

    fn outcome(verb: &'static str) -> BulkOutcome {
        BulkOutcome {
            what: "Close".into(),
            noun: ("ticket", "tickets"),
            verb,
            sent: 3,
            answer: Ok(Vec::new()),
        }
    }

    #[test]
    fn the_summary_says_what_changed_and_what_was_refused() {
        let o = outcome("changed");
        assert_eq!(o.summary(&[line(true), line(true), line(true)]), "3 tickets changed.");
        assert_eq!(o.summary(&[line(true)]), "1 ticket changed.");
        assert_eq!(o.summary(&[line(true), line(true), line(false)]), "2 changed, 1 refused.");
        assert_eq!(o.summary(&[line(false), line(false)]), "Nothing changed: 2 tickets refused.");
        assert_eq!(outcome("deleted").summary(&[line(true)]), "1 ticket deleted.");
    }
}
