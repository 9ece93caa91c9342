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

/// A filter that picks one item by id (site, category, assignee, ...), or all of them.
#[component]
pub fn IdSelect(
    /// The filter's name, shown above it and read by screen readers.
    #[prop(into)]
    label: String,
    /// What the empty choice reads (`All sites`, `Anyone`).
    all: &'static str,
    /// The items offered: (id, name).
    #[prop(into)]
    items: Signal<Vec<(i64, String)>>,
    #[prop(into)] chosen: Signal<Option<i64>>,
    #[prop(into)] on_pick: Callback<Option<i64>>,
) -> impl IntoView {
    let options = move || {
        let items = items.get();
        let chosen = chosen.get();
        // A value from a shared link that this account cannot list still shows as chosen.
        let unknown = chosen.filter(|c| !items.iter().any(|(id, _)| id == c));
        view! {
            <option value="" selected=chosen.is_none()>{all}</option>
            {items
                .into_iter()
                .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(id)>{name}</option> })
                .collect_view()}
            {unknown.map(|id| view! { <option value=id.to_string() selected=true>{format!("#{id}")}</option> })}
        }
    };
    let aria = label.clone();
    view! {
        <label class="filter">
            <span>{label}</span>
            <select
                class="select"
                aria-label=aria
                on:change=move |ev| on_pick.run(event_target_value(&ev).parse().ok())
            >
                {options}
            </select>
        </label>
    }
}

/// Clear filters, at the end of a filter bar (disabled while nothing is filtered).
#[component]
pub fn ClearFilters(
    #[prop(into)] disabled: Signal<bool>,
    #[prop(into)] on_clear: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="filter filter-end">
            <span aria-hidden="true">" "</span>
            <button type="button" class="btn btn-secondary btn-small" disabled=disabled on:click=move |_| on_clear.run(())>
                "Clear filters"
            </button>
        </div>
    }
}
