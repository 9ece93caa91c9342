//! A button that opens a short menu of actions (Add, Change Status, Apply Template, ...).
//!
//! It follows the WAI-ARIA menu button pattern: opening moves the focus to the first item, the
//! arrow keys, Home and End move between items, Enter or a click picks one, and Esc closes the
//! menu and gives the focus back to the button. Picking an item, Tab, or the focus leaving the
//! menu (a click elsewhere) closes it.

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;

/// One entry of a [`MenuButton`].
#[derive(Clone)]
pub struct MenuItem {
    pub label: String,
    pub on_pick: Callback<()>,
}

impl MenuItem {
    /// An item that runs `on_pick` when chosen.
    pub fn new(label: impl Into<String>, on_pick: impl Fn() + Send + Sync + 'static) -> Self {
        MenuItem { label: label.into(), on_pick: Callback::new(move |()| on_pick()) }
    }
}

/// The button and its menu. `align_right` opens the menu towards the left (for buttons at the
/// right end of a toolbar).
#[component]
pub fn MenuButton(
    /// The button's text.
    #[prop(into)]
    label: Signal<String>,
    items: Vec<MenuItem>,
    /// The button's classes.
    #[prop(default = "btn btn-secondary btn-small".into(), into)]
    class: String,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] align_right: bool,
    /// `data-testid` of the button.
    #[prop(optional, into)]
    test_id: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    // Picks run under this component's owner, not the menu's: whatever they create (signals,
    // rows) outlives the menu closing.
    let owner = StoredValue::new(Owner::current().unwrap_or_default());
    let container = NodeRef::<html::Div>::new();
    let button = NodeRef::<html::Button>::new();
    let count = items.len();
    let refs = StoredValue::new((0..count).map(|_| NodeRef::<html::Button>::new()).collect::<Vec<_>>());
    // The item that has the focus, for the arrow keys.
    let current = StoredValue::new(0usize);

    let focus_item = move |i: usize| {
        if let Some(el) = refs.with_value(|r| r.get(i).and_then(|n| n.get_untracked())) {
            let _ = el.focus();
        }
    };
    let focus_button = move || {
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let show = move |first: usize| {
        open.set(true);
        // The items exist once the menu has rendered.
        request_animation_frame(move || focus_item(first));
    };
    let close = move |give_focus_back: bool| {
        open.set(false);
        if give_focus_back {
            focus_button();
        }
    };

    let on_button_keydown = move |ev: ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            show(0);
        }
        "ArrowUp" => {
            ev.prevent_default();
            show(count.saturating_sub(1));
        }
        _ => {}
    };
    let on_menu_keydown = move |ev: ev::KeyboardEvent| {
        if count == 0 {
            return;
        }
        let at = current.get_value();
        match ev.key().as_str() {
            "ArrowDown" => focus_item((at + 1) % count),
            "ArrowUp" => focus_item((at + count - 1) % count),
            "Home" => focus_item(0),
            "End" => focus_item(count - 1),
            "Escape" => {
                // The menu is what Esc closes, not the panel or dialog around it.
                ev.stop_propagation();
                close(true);
            }
            "Tab" => {
                open.set(false);
                return;
            }
            _ => return,
        }
        ev.prevent_default();
    };
    let on_focusout = move |ev: ev::FocusEvent| {
        let to = ev.related_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = match (to, container.get_untracked()) {
            (Some(node), Some(c)) => c.contains(Some(&node)),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    };

    let items = StoredValue::new(items);
    let menu = move || {
        items.with_value(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let pick = item.on_pick;
                    let node = refs.with_value(|r| r[i]);
                    view! {
                        <li role="none">
                            <button
                                type="button"
                                role="menuitem"
                                class="menu-item"
                                tabindex="-1"
                                node_ref=node
                                on:focus=move |_| current.set_value(i)
                                on:click=move |_| {
                                    close(true);
                                    owner.with_value(|o| o.with(|| pick.run(())));
                                }
                            >
                                {item.label.clone()}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <div class="menu menu-button" node_ref=container on:focusout=on_focusout>
            <button
                type="button"
                class=class
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                disabled=move || disabled.get()
                data-testid=test_id
                node_ref=button
                on:click=move |_| if open.get_untracked() { close(false) } else { show(0) }
                on:keydown=on_button_keydown
            >
                {move || label.get()}
                <span class="menu-caret" aria-hidden="true">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <ul
                    class="menu-list"
                    class:menu-list-left=!align_right
                    role="menu"
                    aria-label=move || label.get()
                    on:keydown=on_menu_keydown
                >
                    {menu}
                </ul>
            </Show>
        </div>
    }
}
