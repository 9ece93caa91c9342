//! The side panel that opens over the right of a list (ticket detail, Add ticket, ...).

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

/// Whether a key event comes from inside a `<dialog>`.
fn in_dialog(ev: &leptos::ev::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("dialog").ok().flatten())
        .is_some()
}

/// A panel on the right: a close button, the content, Esc to close. It takes the focus when
/// it opens so the keyboard is in it.
#[component]
pub fn SidePanel(
    /// What the panel is, for screen readers (`Ticket #12`, `Create analysis ticket`).
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] on_close: Callback<()>,
    /// `data-testid` of the panel.
    #[prop(optional, into)]
    test_id: String,
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<html::Aside>::new();
    Effect::new(move || {
        if let Some(p) = panel.get() {
            let _ = p.focus();
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Esc in a dialog opened from the panel closes that dialog, not the panel.
        if ev.key() == "Escape" && !in_dialog(&ev) {
            ev.stop_propagation();
            // Otherwise the browser's own Esc handling closes at once any dialog that closing
            // opens (the "discard what you typed?" question).
            ev.prevent_default();
            on_close.run(());
        }
    };
    view! {
        <aside
            class="side-panel"
            role="complementary"
            aria-label=move || label.get()
            tabindex="-1"
            node_ref=panel
            data-testid=test_id
            on:keydown=on_keydown
        >
            <button
                class="icon-btn side-panel-close"
                type="button"
                aria-label="Close panel"
                title="Close (Esc)"
                on:click=move |_| on_close.run(())
            >
                "✕"
            </button>
            {children()}
        </aside>
    }
}
