//! The ticket's Explanation Request: the explanation form with the ticket's evidence, in a
//! dialog over the panel.

use leptos::prelude::*;
use socdesk_types::{Permission, explanations::ExplanationDetail};

use super::state::use_detail;
use crate::components::{common::dialog::Dialog, explanations::form::ExplanationRequestForm, shell::can};

/// The Explanation Request button (for accounts with TICKET_EDIT) and its form.
#[component]
pub fn ExplanationRequestButton() -> impl IntoView {
    let detail = use_detail();
    let open = RwSignal::new(false);
    let asked = RwSignal::new(None::<i64>);
    let on_saved = Callback::new(move |made: ExplanationDetail| {
        open.set(false);
        asked.set(Some(made.summary.id));
        detail.explanation_requested();
    });
    view! {
        <Show when=move || can(Permission::TicketEdit)>
            <div class="request-row">
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(true)>
                    "Explanation Request"
                </button>
                {move || asked.get().map(|id| view! {
                    <span class="muted small" role="status">
                        {format!("Explanation #{id} requested; the violator has been mailed. ")}
                        <a href=format!("/explanations/{id}/review")>"Open it"</a>
                    </span>
                })}
            </div>
        </Show>
        <Show when=move || open.get()>
            <Dialog title="Explanation request" on_close=move |_| open.set(false) test_id="explanation-request" wide=true>
                <ExplanationRequestForm ticket_id=detail.id on_saved=on_saved on_cancel=move |_| open.set(false) />
            </Dialog>
        </Show>
    }
}
