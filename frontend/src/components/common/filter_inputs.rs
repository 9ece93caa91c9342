//! Filter controls both list screens use: the period's From / To and the keyword box (which
//! reports a moment after the last key stroke, so typing does not fetch per letter).

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::format;

/// From and To as `datetime-local` inputs in the reader's time zone. `from` is always shown
/// (the default period's start when none is chosen); an empty To means "until now".
#[component]
pub fn PeriodInputs(
    #[prop(into)] from: Signal<DateTime<Utc>>,
    #[prop(into)] to: Signal<Option<DateTime<Utc>>>,
    #[prop(into)] on_from: Callback<Option<DateTime<Utc>>>,
    #[prop(into)] on_to: Callback<Option<DateTime<Utc>>>,
) -> impl IntoView {
    view! {
        <label class="filter">
            <span>"From"</span>
            <input
                class="input"
                type="datetime-local"
                name="from"
                aria-label="From"
                prop:value=move || format::to_local_input(from.get())
                on:change=move |ev| on_from.run(format::from_local_input(&event_target_value(&ev)))
            />
        </label>
        <label class="filter">
            <span>"To"</span>
            <input
                class="input"
                type="datetime-local"
                name="to"
                aria-label="To"
                prop:value=move || to.get().map(format::to_local_input).unwrap_or_default()
                on:change=move |ev| on_to.run(format::from_local_input(&event_target_value(&ev)))
            />
        </label>
    }
}

/// The keyword box: `on_change` gets the text 350 ms after the last key stroke, when it differs
/// from `value` (the filter in use).
#[component]
pub fn KeywordBox(
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(into)] placeholder: String,
) -> impl IntoView {
    let text = RwSignal::new(value.get_untracked());
    // The filter changed elsewhere (Clear, Back): show it.
    Effect::new(move || text.set(value.get()));
    let debounce = StoredValue::new_local(None::<TimeoutHandle>);
    let on_input = move |ev| {
        text.set(event_target_value(&ev));
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(
            move || {
                let q = text.get_untracked();
                if q.trim() != value.get_untracked().trim() {
                    on_change.run(q);
                }
            },
            Duration::from_millis(350),
        );
        debounce.set_value(h.ok());
    };
    // A timer left running would touch this widget after it is gone.
    on_cleanup(move || {
        if let Some(Some(h)) = debounce.try_get_value() {
            h.clear();
        }
    });
    view! {
        <label class="filter filter-grow">
            <span>"Keywords"</span>
            <input
                class="input"
                type="search"
                name="q"
                aria-label="Keywords"
                placeholder=placeholder
                prop:value=move || text.get()
                on:input=on_input
            />
        </label>
    }
}
