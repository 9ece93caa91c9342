//! Small controls the panel's properties share.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use super::state::{SaveNote, Saving};

/// A value and its label in a [`ChoiceSelect`].
pub type Choice = (String, String);

/// A `<select>` that shows `value` and reports a pick. While the pick is being saved it keeps
/// showing it; afterwards it shows `value` again, so a refused change snaps back.
#[component]
pub fn ChoiceSelect(
    #[prop(into)] id: String,
    #[prop(into)] options: Signal<Vec<Choice>>,
    #[prop(into)] value: Signal<String>,
    saving: Saving,
    #[prop(into)] disabled: Signal<bool>,
    #[prop(into)] on_pick: Callback<String>,
) -> impl IntoView {
    let node = NodeRef::<html::Select>::new();
    Effect::new(move || {
        let shown = value.get();
        options.track();
        if !saving.pending.get()
            && let Some(el) = node.get()
        {
            el.set_value(&shown);
        }
    });
    let note_id = format!("{id}-note");
    view! {
        <select
            id=id
            class="select prop-control"
            node_ref=node
            aria-describedby=note_id.clone()
            aria-busy=move || saving.pending.get().to_string()
            disabled=move || disabled.get() || saving.pending.get()
            on:change=move |ev| on_pick.run(event_target_value(&ev))
        >
            <For each=move || options.get() key=|(v, l)| (v.clone(), l.clone()) let:choice>
                <option value=choice.0>{choice.1}</option>
            </For>
        </select>
        <SaveNote saving=saving id=note_id />
    }
}

/// A property of the sidebar: its label, then its control or value.
#[component]
pub fn Property(
    #[prop(into)] label: String,
    /// The control the label names, if there is one to focus.
    #[prop(optional, into)]
    control: Option<String>,
    /// A button beside the label (edit).
    #[prop(optional, into)]
    action: ViewFn,
    #[prop(optional, into)] test_id: String,
    children: Children,
) -> impl IntoView {
    let head = match control {
        Some(id) => view! { <label class="prop-label" for=id>{label}</label> }.into_any(),
        None => view! { <span class="prop-label">{label}</span> }.into_any(),
    };
    view! {
        <div class="prop" data-testid=test_id>
            // Reactive: whether the button shows can hang on the account, which a page opened
            // straight on a ticket learns after the panel is drawn.
            <div class="prop-head">{head} {move || action.run()}</div>
            {children()}
        </div>
    }
}

/// The small pencil button that opens an editor.
#[component]
pub fn EditButton(
    #[prop(into)] label: String,
    node_ref: NodeRef<html::Button>,
    #[prop(into)] on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="icon-btn edit-btn"
            aria-label=label.clone()
            title=label
            node_ref=node_ref
            on:click=move |_| on_click.run(())
        >
            "✎"
        </button>
    }
}

/// Gives the focus back to `button` (after a dialog it opened closes).
pub fn refocus(button: NodeRef<html::Button>) {
    request_animation_frame(move || {
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    });
}

/// Gives the focus to the element with this id, once the page is drawn.
pub fn focus_id(id: &'static str) {
    request_animation_frame(move || {
        let el = document().get_element_by_id(id).and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = el {
            let _ = el.focus();
        }
    });
}
