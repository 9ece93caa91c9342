//! A detection ticket's structured fields: an ordered name/value list filled from a template
//! (Network, Endpoint, Email) or by hand, each row movable and removable.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{
    draft::{Draft, FieldRow, Spot},
    errors::FormErrors,
    form::clear_error,
};
use crate::{
    api,
    components::common::menu_button::{MenuButton, MenuItem},
    session::use_session,
};

/// The `id` of a row's name input.
pub fn name_input_id(key: u64) -> String {
    format!("add-field-{key}-name")
}

/// The `id` of a row's value input.
pub fn value_input_id(key: u64) -> String {
    format!("add-field-{key}-value")
}

fn focus_by_id(id: String) {
    request_animation_frame(move || {
        if let Some(el) =
            document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Apply Template, Add Field, and the rows.
#[component]
pub fn FieldsEditor(draft: Draft, errors: RwSignal<FormErrors>) -> impl IntoView {
    let session = use_session();
    let templates = LocalResource::new(move || session.call(api::tickets::templates));
    let template_menu = move || match templates.get() {
        Some(Ok(list)) => {
            let items = list
                .into_iter()
                .map(|t| {
                    let names = t.fields.clone();
                    MenuItem::new(t.name, move || {
                        draft.apply_template(&names);
                        clear_error(errors, Spot::Fields);
                        if let Some(first) = draft.fields.with_untracked(|f| f.first().map(|r| r.key)) {
                            focus_by_id(value_input_id(first));
                        }
                    })
                })
                .collect::<Vec<_>>();
            view! { <MenuButton label="Apply Template".to_string() items=items test_id="apply-template" /> }
                .into_any()
        }
        Some(Err(e)) => view! { <span class="field-error" role="alert">{e.message()}</span> }.into_any(),
        None => view! {
            <button type="button" class="btn btn-secondary btn-small" disabled aria-busy="true">
                "Apply Template"
            </button>
        }
        .into_any(),
    };
    let add_field = move |_| {
        let key = draft.add_field();
        clear_error(errors, Spot::Fields);
        focus_by_id(name_input_id(key));
    };
    let count = move || draft.fields.with(Vec::len);

    view! {
        <section class="add-field fields-editor" aria-labelledby="add-fields-label">
            <div class="fields-head">
                <h3 id="add-fields-label" class="add-label">"Ticket content *"</h3>
                <span class="muted small">{move || match count() {
                    0 => String::new(),
                    1 => "1 field".to_string(),
                    n => format!("{n} fields"),
                }}</span>
                <span class="spacer"></span>
                {template_menu}
                <button type="button" class="btn btn-secondary btn-small" on:click=add_field>
                    "Add Field"
                </button>
            </div>
            <p class="field-error" role="alert" data-testid="fields-error">
                {move || errors.with(|e| e.at(Spot::Fields))}
            </p>
            <Show
                when=move || { count() > 0 }
                fallback=|| view! { <p class="fields-empty muted">"No fields yet: apply a template or add a field."</p> }
            >
                <ol class="add-rows" aria-label="Fields">
                    <For each=move || draft.fields.get() key=|r| r.key let:row>
                        <FieldRowView row=row draft=draft errors=errors />
                    </For>
                </ol>
            </Show>
        </section>
    }
}

/// One field: its name and value, move up and down, remove.
#[component]
fn FieldRowView(row: FieldRow, draft: Draft, errors: RwSignal<FormErrors>) -> impl IntoView {
    let key = row.key;
    let (name, value) = (row.name, row.value);
    let position = move || draft.fields.with(|f| f.iter().position(|r| r.key == key).unwrap_or(0));
    let last = move || draft.fields.with(|f| f.last().map(|r| r.key)) == Some(key);
    let name_error = move || errors.with(|e| e.at(Spot::FieldName(key)));
    let value_error = move || errors.with(|e| e.at(Spot::FieldValue(key)));
    let label_of = move || {
        let n = name.get();
        if n.trim().is_empty() {
            format!("Value of field {}", position() + 1)
        } else {
            format!("Value of {}", n.trim())
        }
    };
    let remove = move |_| {
        // The focus goes to the next row's name (or the previous one's) rather than the page.
        let next = draft.fields.with_untracked(|f| {
            let at = f.iter().position(|r| r.key == key)?;
            f.get(at + 1).or_else(|| at.checked_sub(1).and_then(|p| f.get(p))).map(|r| r.key)
        });
        draft.remove_field(key);
        clear_error(errors, Spot::FieldName(key));
        clear_error(errors, Spot::FieldValue(key));
        if let Some(next) = next {
            focus_by_id(name_input_id(next));
        }
    };
    let shift = move |by: isize| {
        draft.move_field(key, by);
        // Keep the focus on the button pressed, which moved with its row; at an end that
        // button is disabled, so the other one takes it.
        let (at, len) = draft.fields.with_untracked(|f| (f.iter().position(|r| r.key == key), f.len()));
        let up = match at {
            Some(0) => false,
            Some(i) if i + 1 == len => true,
            _ => by < 0,
        };
        focus_by_id(format!("add-field-{key}-{}", if up { "up" } else { "down" }));
    };
    view! {
        <li class="add-row" data-field-key=key>
            <span class="field-index" aria-hidden="true">{move || position() + 1}</span>
            <input
                id=name_input_id(key)
                class="input field-name"
                type="text"
                placeholder="Name"
                aria-label=move || format!("Name of field {}", position() + 1)
                class:invalid=move || name_error().is_some()
                prop:value=move || name.get()
                on:input=move |ev| {
                    name.set(event_target_value(&ev));
                    clear_error(errors, Spot::FieldName(key));
                }
            />
            <input
                id=value_input_id(key)
                class="input field-value"
                type="text"
                placeholder="Value"
                aria-label=label_of
                class:invalid=move || value_error().is_some()
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    clear_error(errors, Spot::FieldValue(key));
                }
            />
            <span class="field-actions">
                <button
                    id=format!("add-field-{key}-up")
                    type="button"
                    class="icon-btn"
                    aria-label=move || format!("Move field {} up", position() + 1)
                    disabled=move || position() == 0
                    on:click=move |_| shift(-1)
                >
                    "↑"
                </button>
                <button
                    id=format!("add-field-{key}-down")
                    type="button"
                    class="icon-btn"
                    aria-label=move || format!("Move field {} down", position() + 1)
                    disabled=last
                    on:click=move |_| shift(1)
                >
                    "↓"
                </button>
                <button
                    type="button"
                    class="icon-btn"
                    aria-label=move || format!("Remove field {}", position() + 1)
                    on:click=remove
                >
                    "✕"
                </button>
            </span>
            <span class="field-error add-row-error" role="alert">
                {move || match (name_error(), value_error()) {
                    (Some(n), Some(v)) => Some(format!("Name: {n} Value: {v}")),
                    (Some(n), None) => Some(format!("Name: {n}")),
                    (None, Some(v)) => Some(format!("Value: {v}")),
                    (None, None) => None,
                }}
            </span>
        </li>
    }
}
