//! What a bulk action did: each ticket changed or refused, and why.

use leptos::prelude::*;
use socdesk_types::tickets::{BulkItemResult, BulkResponse};

use super::plural;
use crate::components::common::{badges::StatusBadge, dialog::Dialog};

/// The answer to one bulk request.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What was applied (`Close`, `Change Assignee`, ...).
    pub what: String,
    /// The tickets it was sent for.
    pub ids: Vec<i64>,
    /// The per-ticket results, or why the whole request was refused (nothing changed then).
    pub answer: Result<BulkResponse, String>,
}

/// The summary line: `3 tickets changed.`, `2 changed, 1 refused.`
pub fn summary(r: &BulkResponse) -> String {
    match (r.succeeded, r.failed) {
        (s, 0) => format!("{} changed.", plural(s as usize)),
        (0, f) => format!("Nothing changed: {} refused.", plural(f as usize)),
        (s, f) => format!("{s} changed, {f} refused."),
    }
}

/// What a refusal's HTTP status means, before the server's own words.
fn refusal_kind(status: Option<u16>) -> &'static str {
    match status {
        Some(404) => "Not found (or not on your sites)",
        Some(403) => "Not allowed",
        Some(409) => "Not possible now",
        Some(412) => "Changed meanwhile",
        _ => "Refused",
    }
}

/// The dialog. `on_keep` narrows the selection to the refused tickets (to try them again).
#[component]
pub fn ResultsDialog(
    outcome: Outcome,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_keep: Callback<Vec<i64>>,
    #[prop(into)] on_clear: Callback<()>,
    #[prop(into)] on_open: Callback<i64>,
) -> impl IntoView {
    let title = format!("{}: results", outcome.what);
    let body = match outcome.answer {
        Err(message) => view! {
            <p class="banner banner-error" role="alert" data-testid="bulk-summary">
                {format!("Nothing was changed: {message}")}
            </p>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-primary" on:click=move |_| on_close.run(())>
                    "Close"
                </button>
            </footer>
        }
        .into_any(),
        Ok(response) => {
            let refused: Vec<i64> = response.results.iter().filter(|r| !r.ok).map(|r| r.id).collect();
            let partly = response.succeeded > 0 && response.failed > 0;
            let any_refused = response.failed > 0;
            let rows = response
                .results
                .iter()
                .cloned()
                .map(|r| view! { <ResultRow result=r on_open=on_open /> })
                .collect_view();
            view! {
                <p
                    class="bulk-summary"
                    class:bulk-summary-refused=any_refused
                    role="status"
                    data-testid="bulk-summary"
                >
                    {summary(&response)}
                </p>
                <div class="bulk-results-scroll">
                    <table class="table bulk-results" aria-label="Result per ticket">
                        <thead>
                            <tr>
                                <th scope="col">"Ticket"</th>
                                <th scope="col">"Result"</th>
                                <th scope="col">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <footer class="dialog-foot">
                    <span class="muted">"The selection is kept."</span>
                    <Show when=move || partly>
                        <button
                            type="button"
                            class="btn btn-secondary"
                            on:click={
                                let refused = refused.clone();
                                move |_| on_keep.run(refused.clone())
                            }
                        >
                            "Select only the refused"
                        </button>
                    </Show>
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_clear.run(())>
                        "Clear selection"
                    </button>
                    <button type="button" class="btn btn-primary" on:click=move |_| on_close.run(())>
                        "Close"
                    </button>
                </footer>
            }
            .into_any()
        }
    };
    view! {
        <Dialog title=title on_close=on_close test_id="bulk-results" wide=true>
            <p class="visually-hidden">{format!("Sent for {}.", plural(outcome.ids.len()))}</p>
            {body}
        </Dialog>
    }
}

/// One ticket's line: its id (opens it), ok or refused, and the status now or the reason.
#[component]
fn ResultRow(result: BulkItemResult, #[prop(into)] on_open: Callback<i64>) -> impl IntoView {
    let id = result.id;
    let (badge, details) = if result.ok {
        let details = match result.status {
            Some(s) => view! { <span class="muted">"Status now "</span> <StatusBadge status=s /> }.into_any(),
            None => ().into_any(),
        };
        (view! { <span class="result result-ok">"OK"</span> }, details)
    } else {
        let reason = result.error.clone().unwrap_or_default();
        let details = view! {
            <span class="result-reason">
                <strong>{refusal_kind(result.error_status)}</strong>
                {(!reason.is_empty()).then(|| format!(": {reason}"))}
            </span>
        }
        .into_any();
        (view! { <span class="result result-refused">"Refused"</span> }, details)
    };
    view! {
        <tr data-ticket-id=id class:refused=!result.ok>
            <td>
                <button type="button" class="link-btn" title="Open this ticket" on:click=move |_| on_open.run(id)>
                    {format!("#{id}")}
                </button>
            </td>
            <td>{badge}</td>
            <td>{details}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(succeeded: u32, failed: u32) -> BulkResponse {
        BulkResponse { succeeded, failed, results: Vec::new() }
    }

    #[test]
    fn the_summary_says_what_changed_and_what_was_refused() {
        assert_eq!(summary(&response(3, 0)), "3 tickets changed.");
        assert_eq!(summary(&response(1, 0)), "1 ticket changed.");
        assert_eq!(summary(&response(2, 1)), "2 changed, 1 refused.");
        assert_eq!(summary(&response(0, 2)), "Nothing changed: 2 tickets refused.");
    }
}
