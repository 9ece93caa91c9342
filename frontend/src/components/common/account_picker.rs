//! The user search dialog: find accounts by login or name and pick one or several.

use leptos::prelude::*;
use socdesk_types::tickets::AccountRef;

use super::dialog::Dialog;
use crate::{api, session::use_session};

/// Search as you type, tick accounts, Confirm. `multiple: false` keeps at most one.
#[component]
pub fn AccountPicker(
    #[prop(into)] title: String,
    /// The accounts ticked when the dialog opens.
    initial: Vec<AccountRef>,
    #[prop(default = true)] multiple: bool,
    /// Only accounts that may see this site.
    #[prop(default = None, into)]
    site_id: Option<i64>,
    /// The label of the confirm button.
    #[prop(default = "Confirm".into(), into)]
    confirm_label: String,
    #[prop(into)] on_confirm: Callback<Vec<AccountRef>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let query = RwSignal::new(String::new());
    // What the search asks for, a moment after the last key stroke.
    let asked = RwSignal::new(String::new());
    let chosen = RwSignal::new(initial);
    let debounce = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    // A search still waiting when the dialog closes must not run against its disposed state.
    on_cleanup(move || {
        if let Some(Some(h)) = debounce.try_get_value() {
            h.clear();
        }
    });
    let on_input = move |ev| {
        query.set(event_target_value(&ev));
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        // The dialog may be gone when the timer fires (typed, then confirmed at once).
        let ask = move || {
            if let Some(q) = query.try_get_untracked() {
                let _ = asked.try_set(q);
            }
        };
        let h = set_timeout_with_handle(ask, std::time::Duration::from_millis(250));
        debounce.set_value(h.ok());
    };
    on_cleanup(move || {
        if let Some(Some(h)) = debounce.try_get_value() {
            h.clear();
        }
    });
    let results = LocalResource::new(move || {
        let q = asked.get();
        async move { session.call(move |t| api::directory::accounts(t, q.clone(), site_id)).await }
    });
    let toggle = move |account: AccountRef| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|a| a.id == account.id) {
                c.remove(i);
            } else if multiple {
                c.push(account);
            } else {
                *c = vec![account];
            }
        })
    };
    let is_chosen = move |id: i64| chosen.with(|c| c.iter().any(|a| a.id == id));

    let list = move || match results.get() {
        None => view! { <p class="muted" aria-busy="true">"Searching…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => {
            view! { <p class="muted">"No account matches."</p> }.into_any()
        }
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|a| {
                let id = a.id;
                let label = format!("{} ({})", a.display_name, a.login);
                let input_type = if multiple { "checkbox" } else { "radio" };
                view! {
                    <li>
                        <label class="pick-row">
                            <input
                                type=input_type
                                name="account-pick"
                                prop:checked=move || is_chosen(id)
                                on:change={
                                    let a = a.clone();
                                    move |_| toggle(a.clone())
                                }
                            />
                            <span>{label}</span>
                        </label>
                    </li>
                }
            })
            .collect_view()
            .into_any(),
    };
    let chips = move || {
        chosen
            .get()
            .into_iter()
            .map(|a| {
                let name = a.display_name.clone();
                view! {
                    <li class="chip chip-removable">
                        {name.clone()}
                        <button
                            type="button"
                            class="chip-x"
                            aria-label=format!("Remove {name}")
                            on:click=move |_| toggle(a.clone())
                        >
                            "✕"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <Dialog title=title on_close=on_close test_id="account-picker">
            <input
                class="input search"
                type="search"
                placeholder="Search by login or name"
                aria-label="Search accounts"
                autofocus
                prop:value=move || query.get()
                on:input=on_input
            />
            <ul class="chips picked" aria-label="Chosen accounts">{chips}</ul>
            <ul class="pick-list" aria-label="Accounts">{list}</ul>
            <footer class="dialog-foot">
                <span class="muted">
                    {move || match chosen.with(Vec::len) {
                        0 => "Nobody chosen (confirming clears)".to_string(),
                        1 => "1 chosen".to_string(),
                        n => format!("{n} chosen"),
                    }}
                </span>
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    on:click=move |_| on_confirm.run(chosen.get_untracked())
                >
                    {confirm_label}
                </button>
            </footer>
        </Dialog>
    }
}
