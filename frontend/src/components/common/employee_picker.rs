//! Picks one employee by typing part of a name, id or email: a combobox with its list of
//! matches (arrow keys and Enter, or a click).

use std::time::Duration;

use leptos::prelude::*;
use socdesk_types::explanations::EmployeeRef;

use crate::{api, session::use_session};

/// The picker. `chosen` holds the employee picked (or `None`); `error` is shown under it.
#[component]
pub fn EmployeePicker(
    #[prop(into)] label: String,
    /// `id` of the input (for the label and tests).
    #[prop(into)]
    id: String,
    chosen: RwSignal<Option<EmployeeRef>>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let asked = RwSignal::new(None::<String>);
    let active = RwSignal::new(0usize);
    let debounce = StoredValue::new_local(None::<TimeoutHandle>);
    let matches = LocalResource::new(move || {
        let q = asked.get();
        async move {
            match q {
                None => None,
                Some(q) => Some(session.call(move |t| api::people::search(t, q.clone())).await),
            }
        }
    });
    let found = move || -> Vec<EmployeeRef> {
        matches
            .get()
            .flatten()
            .and_then(Result::ok)
            .map(|p| p.items.into_iter().map(|e| EmployeeRef { id: e.id, name: e.name }).collect())
            .unwrap_or_default()
    };
    let pick = move |e: EmployeeRef| {
        chosen.set(Some(e));
        text.set(String::new());
        asked.set(None);
    };
    let on_input = move |ev| {
        text.set(event_target_value(&ev));
        active.set(0);
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(
            move || {
                let q = text.get_untracked();
                asked.set((!q.trim().is_empty()).then_some(q));
            },
            Duration::from_millis(250),
        );
        debounce.set_value(h.ok());
    };
    // A timer left running would touch this widget after it is gone.
    on_cleanup(move || {
        if let Some(Some(h)) = debounce.try_get_value() {
            h.clear();
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let list = found();
        match ev.key().as_str() {
            "ArrowDown" if !list.is_empty() => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1).min(list.len() - 1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = a.saturating_sub(1));
            }
            "Enter" => {
                ev.prevent_default();
                if let Some(e) = list.get(active.get_untracked()).cloned() {
                    pick(e);
                }
            }
            "Escape" if asked.get_untracked().is_some() => {
                ev.stop_propagation();
                asked.set(None);
            }
            _ => {}
        }
    };
    let list_id = format!("{id}-matches");
    let listbox = {
        let list_id = list_id.clone();
        move || {
            asked.get().map(|_| {
                let body = match matches.get().flatten() {
                    None => view! { <li class="muted option-state" aria-busy="true">"Searching…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="field-error option-state">{e.message()}</li> }.into_any(),
                    Some(Ok(page)) if page.items.is_empty() => {
                        view! { <li class="muted option-state">"No employee matches."</li> }.into_any()
                    }
                    Some(Ok(page)) => page
                        .items
                        .into_iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let r = EmployeeRef { id: e.id.clone(), name: e.name.clone() };
                            view! {
                                <li
                                    role="option"
                                    class="option"
                                    class:active=move || active.get() == i
                                    aria-selected=move || (active.get() == i).to_string()
                                    on:mousedown=move |ev| {
                                        // Before the input loses the focus.
                                        ev.prevent_default();
                                        pick(r.clone());
                                    }
                                >
                                    <strong>{e.name.clone()}</strong>
                                    <span class="muted small">
                                        {format!(" {} · {}{}", e.id, e.email, e.department_name.map(|d| format!(" · {d}")).unwrap_or_default())}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                };
                view! { <ul class="options" role="listbox" id=list_id.clone()>{body}</ul> }
            })
        }
    };
    let input_id = id.clone();
    view! {
        <div class="field picker">
            <label for=input_id.clone()>{label}{required.then_some(" *")}</label>
            {move || match chosen.get() {
                Some(e) => view! {
                    <div class="picked-one" data-testid=format!("{input_id}-chosen")>
                        <span>
                            <strong>{e.name.clone()}</strong>
                            <span class="muted small">{format!(" {}", e.id)}</span>
                        </span>
                        <button
                            type="button"
                            class="link-btn"
                            aria-label=format!("Change {}", e.name)
                            on:click=move |_| chosen.set(None)
                        >
                            "Change"
                        </button>
                    </div>
                }
                .into_any(),
                None => view! {
                    <input
                        id=input_id.clone()
                        class="input"
                        class:invalid=move || error.get().is_some()
                        role="combobox"
                        autocomplete="off"
                        aria-expanded=move || asked.get().is_some().to_string()
                        aria-controls=list_id.clone()
                        placeholder="Type a name, employee id or email"
                        prop:value=move || text.get()
                        on:input=on_input
                        on:keydown=on_keydown
                        on:blur=move |_| asked.set(None)
                    />
                }
                .into_any(),
            }}
            {listbox}
            <span class="field-error" role="alert">{move || error.get()}</span>
        </div>
    }
}
