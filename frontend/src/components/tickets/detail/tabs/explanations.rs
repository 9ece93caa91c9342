//! Explanations: the explanation requests asked from this ticket, newest first.

use leptos::prelude::*;
use socdesk_types::explanations::Explanation;

use crate::{
    api,
    components::{
        common::badges::ExplanationStatusBadge,
        tickets::detail::{request::ExplanationRequestButton, state::use_detail},
    },
    format, labels,
    session::use_session,
};

/// The Explanations tab.
#[component]
pub fn ExplanationsTab() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    let found = LocalResource::new(move || {
        detail.changes.track();
        async move { session.call(move |t| api::tickets::explanations(t, id)).await }
    });
    let list = move || match found.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the explanations…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted empty-note">"No explanation has been requested for this ticket."</p> }
                .into_any()
        }
        Some(Ok(list)) => {
            let rows = list.into_iter().map(explanation_row).collect_view();
            view! {
                <div class="history-scroll">
                    <table class="table explanations-table" data-testid="explanations-table">
                        <thead>
                            <tr>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Violator"</th>
                                <th scope="col">"Manager"</th>
                                <th scope="col">"Category"</th>
                                <th scope="col">"Deadline"</th>
                                <th scope="col">"Result"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <ExplanationRequestButton />
        {list}
    }
}

fn explanation_row(e: Explanation) -> impl IntoView {
    let result = e.result.map(labels::explanation_result).unwrap_or("—");
    view! {
        <tr>
            <td><ExplanationStatusBadge status=e.status /></td>
            <td><a href=format!("/explanations/{}/review", e.id)>{e.violator.name}</a></td>
            <td>{e.manager.name}</td>
            <td>{e.category.name}</td>
            <td class="nowrap">{format::datetime(e.deadline)}</td>
            <td>{result}</td>
        </tr>
    }
}
