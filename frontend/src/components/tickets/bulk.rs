//! The bulk toolbar shown while tickets are ticked.

use leptos::prelude::*;

use super::use_tickets_screen;

/// How many tickets are ticked, the bulk actions, and Clear selection.
#[component]
pub fn BulkToolbar() -> impl IntoView {
    let screen = use_tickets_screen();
    let count = move || screen.selection.with(|s| s.len());
    view! {
        <Show when=move || { count() > 0 }>
            <div class="bulk-toolbar" role="toolbar" aria-label="Bulk actions">
                <span class="bulk-count">{move || format!("{} selected", count())}</span>
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| screen.selection.set(Default::default())>
                    "Clear selection"
                </button>
            </div>
        </Show>
    }
}
