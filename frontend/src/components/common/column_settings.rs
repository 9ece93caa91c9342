//! Column settings of a list: which columns show and in which order. Checkboxes, drag and drop
//! (or the move buttons, for the keyboard), Reset; the owner saves the choice per account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::dialog::Dialog;

/// A column a list can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// Stable key, saved in preferences.
    pub key: &'static str,
    pub label: &'static str,
    /// Shown when nothing was saved, or after Reset.
    pub default: bool,
}

/// One column as chosen: shown or not, in list order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnChoice {
    pub key: String,
    pub visible: bool,
}

/// The default choice: every column in definition order, the default ones shown.
pub fn defaults(defs: &[ColumnDef]) -> Vec<ColumnChoice> {
    defs.iter().map(|d| ColumnChoice { key: d.key.to_owned(), visible: d.default }).collect()
}

/// A saved choice made to fit today's columns: unknown keys dropped, duplicates dropped, and
/// columns added since appended (shown if they are default ones).
pub fn reconcile(defs: &[ColumnDef], saved: Vec<ColumnChoice>) -> Vec<ColumnChoice> {
    let mut out: Vec<ColumnChoice> = Vec::with_capacity(defs.len());
    for c in saved {
        if defs.iter().any(|d| d.key == c.key) && !out.iter().any(|o| o.key == c.key) {
            out.push(c);
        }
    }
    for d in defs {
        if !out.iter().any(|o| o.key == d.key) {
            out.push(ColumnChoice { key: d.key.to_owned(), visible: d.default });
        }
    }
    out
}

/// The visible columns' definitions, in chosen order.
pub fn visible(defs: &[ColumnDef], choice: &[ColumnChoice]) -> Vec<ColumnDef> {
    choice
        .iter()
        .filter(|c| c.visible)
        .filter_map(|c| defs.iter().find(|d| d.key == c.key).copied())
        .collect()
}

/// Moves the item at `from` to position `to`.
fn move_item(list: &mut Vec<ColumnChoice>, from: usize, to: usize) {
    if from < list.len() && to < list.len() && from != to {
        let item = list.remove(from);
        list.insert(to, item);
    }
}

/// The dialog. `on_save` gets the new choice; nothing changes on Cancel.
#[component]
pub fn ColumnSettings(
    defs: &'static [ColumnDef],
    current: Vec<ColumnChoice>,
    #[prop(into)] on_save: Callback<Vec<ColumnChoice>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let draft = RwSignal::new(current);
    let dragging = RwSignal::new(None::<usize>);
    let over = RwSignal::new(None::<usize>);
    let label_of = move |key: &str| defs.iter().find(|d| d.key == key).map(|d| d.label).unwrap_or("?");
    let shown_count = move || draft.with(|d| d.iter().filter(|c| c.visible).count());

    let rows = move || {
        let len = draft.with(Vec::len);
        draft
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let label = label_of(&c.key);
                let last_visible = c.visible && shown_count() == 1;
                view! {
                    <li
                        class="column-row"
                        class:drop-target=move || over.get() == Some(i) && dragging.get() != Some(i)
                        draggable="true"
                        data-column=c.key.clone()
                        on:dragstart=move |ev: leptos::ev::DragEvent| {
                            dragging.set(Some(i));
                            if let Some(dt) = ev.data_transfer() {
                                let _ = dt.set_data("text/plain", label);
                                dt.set_effect_allowed("move");
                            }
                        }
                        on:dragover=move |ev: leptos::ev::DragEvent| {
                            ev.prevent_default();
                            over.set(Some(i));
                        }
                        on:dragleave=move |_| over.set(None)
                        on:drop=move |ev: leptos::ev::DragEvent| {
                            ev.prevent_default();
                            if let Some(from) = dragging.get_untracked() {
                                draft.update(|d| move_item(d, from, i));
                            }
                            dragging.set(None);
                            over.set(None);
                        }
                        on:dragend=move |_| {
                            dragging.set(None);
                            over.set(None);
                        }
                    >
                        <span class="drag-handle" aria-hidden="true">"⠿"</span>
                        <label class="column-label">
                            <input
                                type="checkbox"
                                prop:checked=c.visible
                                // A list needs at least one column.
                                disabled=last_visible
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft.update(|d| d[i].visible = on);
                                }
                            />
                            {label}
                        </label>
                        <span class="column-move">
                            <button
                                type="button"
                                class="icon-btn"
                                aria-label=format!("Move {label} up")
                                disabled=i == 0
                                on:click=move |_| draft.update(|d| move_item(d, i, i - 1))
                            >
                                "↑"
                            </button>
                            <button
                                type="button"
                                class="icon-btn"
                                aria-label=format!("Move {label} down")
                                disabled=i + 1 == len
                                on:click=move |_| draft.update(|d| move_item(d, i, i + 1))
                            >
                                "↓"
                            </button>
                        </span>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <Dialog title="Column settings" on_close=on_close test_id="column-settings">
            <p class="muted small">"Tick the columns to show; drag them (or use the arrows) to change their order."</p>
            <ol class="column-list" aria-label="Columns">{rows}</ol>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| draft.set(defaults(defs))>
                    "Reset"
                </button>
                <span class="spacer"></span>
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button type="button" class="btn btn-primary" on:click=move |_| on_save.run(draft.get_untracked())>
                    "Save"
                </button>
            </footer>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &[ColumnDef] = &[
        ColumnDef { key: "a", label: "A", default: true },
        ColumnDef { key: "b", label: "B", default: false },
        ColumnDef { key: "c", label: "C", default: true },
    ];

    fn choice(key: &str, visible: bool) -> ColumnChoice {
        ColumnChoice { key: key.into(), visible }
    }

    #[test]
    fn a_saved_choice_keeps_its_order_and_learns_new_columns() {
        let saved = vec![choice("c", true), choice("gone", true), choice("a", false), choice("c", false)];
        assert_eq!(reconcile(DEFS, saved), vec![choice("c", true), choice("a", false), choice("b", false)]);
    }

    #[test]
    fn visible_columns_follow_the_chosen_order() {
        let keys: Vec<_> = visible(DEFS, &[choice("c", true), choice("b", true), choice("a", false)])
            .iter()
            .map(|d| d.key)
            .collect();
        assert_eq!(keys, ["c", "b"]);
        assert_eq!(visible(DEFS, &defaults(DEFS)).len(), 2);
    }

    #[test]
    fn moving_an_item_shifts_the_others() {
        let mut list = defaults(DEFS);
        move_item(&mut list, 0, 2);
        assert_eq!(list.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["b", "c", "a"]);
        move_item(&mut list, 5, 0);
        assert_eq!(list.len(), 3);
    }
}
