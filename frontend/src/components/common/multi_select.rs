//! A dropdown of checkboxes for filters that take several values (status, priority).

use leptos::prelude::*;

/// The indexes into `all` of the values in `chosen` (what [`MultiSelect`] shows ticked).
pub fn indexes<T: PartialEq>(all: &[T], chosen: &[T]) -> Vec<usize> {
    all.iter().enumerate().filter(|(_, v)| chosen.contains(v)).map(|(i, _)| i).collect()
}

/// The values of `all` at `picked` (what [`MultiSelect`] reports).
pub fn picked<T: Copy>(all: &[T], picked: &[usize]) -> Vec<T> {
    picked.iter().filter_map(|i| all.get(*i).copied()).collect()
}

/// A button that opens a list of checkboxes. `chosen` holds the picked values' indexes into
/// `options`; `on_change` gets the new set.
#[component]
pub fn MultiSelect(
    #[prop(into)] label: String,
    options: Vec<String>,
    #[prop(into)] chosen: Signal<Vec<usize>>,
    #[prop(into)] on_change: Callback<Vec<usize>>,
) -> impl IntoView {
    let options = StoredValue::new(options);
    let summary = {
        let label = label.clone();
        move || {
            let picked = chosen.get();
            match picked.len() {
                0 => format!("{label}: all"),
                1 => format!(
                    "{label}: {}",
                    options.with_value(|o| o.get(picked[0]).cloned().unwrap_or_default())
                ),
                n => format!("{label}: {n}"),
            }
        }
    };
    let items = move || {
        options.with_value(|o| {
            o.iter()
                .enumerate()
                .map(|(i, name)| {
                    let on = move || chosen.with(|c| c.contains(&i));
                    view! {
                        <li>
                            <label class="pick-row">
                                <input
                                    type="checkbox"
                                    prop:checked=on
                                    on:change=move |ev| {
                                        let mut picked = chosen.get_untracked();
                                        picked.retain(|p| *p != i);
                                        if event_target_checked(&ev) {
                                            picked.push(i);
                                            picked.sort_unstable();
                                        }
                                        on_change.run(picked);
                                    }
                                />
                                {name.clone()}
                            </label>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <details class="multi-select">
            <summary class="select select-summary" aria-label=label.clone()>{summary}</summary>
            <ul class="multi-select-menu" aria-label=label>
                {items}
                <li class="multi-select-foot">
                    <button type="button" class="link-btn" on:click=move |_| on_change.run(Vec::new())>
                        "All"
                    </button>
                </li>
            </ul>
        </details>
    }
}
