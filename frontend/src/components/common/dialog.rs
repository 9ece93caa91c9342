//! Modal dialogs on the browser's own `<dialog>`: focus stays inside, Esc closes, the page
//! behind is inert.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

/// A modal dialog with a title, its content and (optionally) a footer of buttons.
#[component]
pub fn Dialog(
    #[prop(into)] title: String,
    #[prop(into)] on_close: Callback<()>,
    /// `data-testid` of the dialog.
    #[prop(optional, into)]
    test_id: String,
    /// Wider dialogs for tables (column settings stay narrow).
    #[prop(optional)]
    wide: bool,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    // The dialog leaves the page without `close()`, so the browser does not give the focus back
    // to what opened it: this does (Esc then reaches the panel the dialog was opened from),
    // unless the owner has put the focus somewhere itself.
    let opener = StoredValue::new_local(document().active_element());
    on_cleanup(move || {
        if let Some(Some(el)) = opener.try_get_value() {
            request_animation_frame(move || {
                let body = document().body().map(web_sys::Element::from);
                let unplaced = document().active_element().is_none_or(|a| Some(&a) == body.as_ref());
                if unplaced
                    && el.is_connected()
                    && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
                {
                    let _ = el.focus();
                }
            });
        }
    });
    Effect::new(move || {
        if let Some(d) = dialog.get()
            && !d.open()
        {
            let _ = d.show_modal();
        }
    });
    let aria_label = title.clone();
    view! {
        <dialog
            class="dialog"
            class:dialog-wide=wide
            node_ref=dialog
            aria-label=aria_label
            data-testid=test_id
            // Esc: the browser would close it by itself; the owner decides instead.
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
            // Esc closes this dialog only, not the side panel it was opened from.
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.stop_propagation();
                }
            }
        >
            <header class="dialog-head">
                <h2>{title}</h2>
                <button
                    class="icon-btn"
                    type="button"
                    aria-label="Close dialog"
                    on:click=move |_| on_close.run(())
                >
                    "✕"
                </button>
            </header>
            <div class="dialog-body">{children()}</div>
        </dialog>
    }
}
