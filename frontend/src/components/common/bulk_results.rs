//! The answer of a bulk action, item by item: what was done and what was refused, and why.

use leptos::prelude::*;

use super::dialog::Dialog;

/// One item's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkLine {
    pub id: i64,
    pub ok: bool,
    /// What happened (the new status), or why it was refused.
    pub message: String,
}

/// A dialog listing each item (`#id`) with its outcome, refusals first.
#[component]
pub fn BulkResults(
    #[prop(into)] title: String,
    mut lines: Vec<BulkLine>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let refused = lines.iter().filter(|l| !l.ok).count();
    let done = lines.len() - refused;
    lines.sort_by_key(|l| (l.ok, l.id));
    let summary = match refused {
        0 => format!("All {done} done."),
        _ => format!("{done} done, {refused} refused."),
    };
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr class:refused=!l.ok data-result-id=l.id>
                    <td class="nowrap">{format!("#{}", l.id)}</td>
                    <td>
                        <span class=if l.ok { "badge-ok" } else { "badge-refused" }>
                            {if l.ok { "Done" } else { "Refused" }}
                        </span>
                    </td>
                    <td>{l.message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Dialog title=title on_close=on_close test_id="bulk-results" wide=true>
            <p role="status" class="bulk-summary">{summary}</p>
            <div class="table-scroll results-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">"Result"</th>
                            <th scope="col">"Details"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-primary" on:click=move |_| on_close.run(())>"Close"</button>
            </footer>
        </Dialog>
    }
}
