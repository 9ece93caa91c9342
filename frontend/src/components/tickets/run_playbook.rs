//! Run Playbook, from the bulk toolbar and from a ticket's panel: a dialog choosing one of the
//! enabled playbooks, then the per-ticket results of starting it (the steps themselves run in
//! the background; their tasks show in each ticket's Tasks tab).

use leptos::prelude::*;
use socdesk_types::playbooks::{Playbook, RunStarted};

use crate::{
    api::{self, ApiError, Params},
    components::common::{
        bulk_results::{BulkLine, BulkOutcome},
        dialog::Dialog,
    },
    labels,
    session::{Session, use_session},
};

/// The dialog: the enabled playbooks to choose from, and Run.
#[component]
pub fn RunPlaybookDialog(
    /// `3 tickets`, `ticket #12`: what it will run on.
    #[prop(into)]
    target: String,
    /// The chosen playbook's id and name.
    #[prop(into)]
    on_confirm: Callback<(i64, String)>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let books = LocalResource::new(move || async move {
        let params = Params::new().set("enabled", true).set("limit", 500);
        session.call(move |t| api::playbooks::list(t, params.clone())).await
    });
    let chosen = RwSignal::new(None::<(i64, String)>);
    let list = move || {
        match books.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the playbooks…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => view! {
            <p class="muted empty-note">"No playbook is enabled. An administrator adds them in Settings > Playbooks."</p>
        }
        .into_any(),
        Some(Ok(page)) => view! {
            <ul class="playbook-choices" role="radiogroup" aria-label="Playbooks" data-testid="playbook-choices">
                {page.items.into_iter().map(|b| choice(b, chosen)).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    let confirm = move |_| {
        if let Some(c) = chosen.get_untracked() {
            on_confirm.run(c);
        }
    };
    view! {
        <Dialog title="Run Playbook" on_close=on_close test_id="run-playbook-dialog">
            <p class="muted">{format!("Runs the chosen playbook on {target}, step by step, in the background. Each step is recorded as a task in the ticket's Tasks tab.")}</p>
            {list}
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button
                    type="button"
                    class="btn btn-primary"
                    disabled=move || chosen.with(Option::is_none)
                    on:click=confirm
                >
                    "Run"
                </button>
            </footer>
        </Dialog>
    }
}

fn choice(book: Playbook, chosen: RwSignal<Option<(i64, String)>>) -> impl IntoView {
    let id = book.id;
    let name = book.name.clone();
    let steps: Vec<&str> = book.steps.iter().map(|s| labels::step_kind(s.kind())).collect();
    let input_id = format!("playbook-choice-{id}");
    view! {
        <li class="playbook-choice">
            <input
                type="radio"
                name="playbook"
                id=input_id.clone()
                prop:checked=move || chosen.with(|c| c.as_ref().is_some_and(|(c, _)| *c == id))
                on:change=move |_| chosen.set(Some((id, name.clone())))
            />
            <label for=input_id>
                <strong>{book.name.clone()}</strong>
                {book.description.clone().map(|d| view! { <span class="muted small">{format!(" — {d}")}</span> })}
                <span class="muted small playbook-steps">{steps.join(" → ")}</span>
            </label>
        </li>
    }
}

/// A result line per ticket.
fn lines(started: RunStarted) -> Vec<BulkLine> {
    started
        .results
        .into_iter()
        .map(|r| BulkLine {
            id: r.ticket_id,
            ok: r.ok,
            now: None,
            error_status: r.error_status,
            error: r.error,
        })
        .collect()
}

/// A refused request in one line, with the fields it names.
fn refusal(e: &ApiError) -> String {
    let mut message = e.message();
    for f in e.field_errors() {
        message.push_str(&format!(" {}: {}", f.field, f.message));
    }
    message
}

/// Starts playbook `id` on `ticket_ids` and answers the outcome for the results dialog.
pub async fn start(session: Session, id: i64, name: String, ticket_ids: Vec<i64>) -> BulkOutcome {
    let sent = ticket_ids.len();
    let answer = session.call(move |t| api::playbooks::run(t, id, ticket_ids.clone())).await;
    BulkOutcome {
        what: format!("Run playbook {name}"),
        noun: ("ticket", "tickets"),
        verb: "started",
        sent,
        answer: answer.map(lines).map_err(|e| refusal(&e)),
    }
}
