//! The refresh button and the auto-refresh dropdown beside it: 1 s, 10 s, 30 s, 1 min, Stop.

use std::time::Duration;

use leptos::prelude::*;

/// The intervals offered, in seconds (`0` is Stop).
pub const CHOICES: [(u32, &str); 5] = [(0, "Stop"), (1, "1 s"), (10, "10 s"), (30, "30 s"), (60, "1 min")];

/// Refresh now, and refresh every `every` seconds while it is not zero. The timer stops when the
/// component goes away.
#[component]
pub fn AutoRefresh(
    /// Seconds between refreshes; `0` stops.
    every: RwSignal<u32>,
    #[prop(into)] on_refresh: Callback<()>,
    /// Whether a refresh is under way (the icon spins, the button waits).
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    // `try_`: on cleanup the stored value may already be gone.
    let stop = move || {
        timer.try_update_value(|t| {
            if let Some(h) = t.take() {
                h.clear();
            }
        });
    };
    Effect::new(move || {
        let secs = every.get();
        stop();
        if secs > 0 {
            let h = set_interval_with_handle(
                move || {
                    // A slow answer is not stacked upon: skip a tick while one is out.
                    if !busy.get_untracked() {
                        on_refresh.run(());
                    }
                },
                Duration::from_secs(secs.into()),
            );
            timer.set_value(h.ok());
        }
    });
    on_cleanup(stop);

    view! {
        <div class="refresh">
            <span class="refresh-label small muted" aria-hidden="true">"Auto-refresh"</span>
            <button
                type="button"
                class="icon-btn refresh-now"
                class:spinning=move || busy.get()
                aria-label="Refresh"
                title="Refresh"
                on:click=move |_| on_refresh.run(())
            >
                "⟳"
            </button>
            <select
                class="select select-small"
                aria-label="Auto-refresh"
                title="Auto-refresh"
                on:change=move |ev| every.set(event_target_value(&ev).parse().unwrap_or(0))
            >
                {CHOICES
                    .iter()
                    .map(|(secs, label)| {
                        let secs = *secs;
                        view! {
                            <option value=secs.to_string() selected=move || every.get() == secs>
                                {*label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
