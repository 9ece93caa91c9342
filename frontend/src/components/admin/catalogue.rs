//! One catalogue's table (sites, ticket categories, tags, explanation categories): add in the
//! row at the top, edit a row in place, delete after a question whose answer — a 409 while the
//! item is still in use — shows in the question.

use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};
use socdesk_types::tickets::TagRef;

use crate::{
    api::{
        self,
        admin::{Catalogue, CatalogueDraft, CatalogueItem},
    },
    components::common::{
        badges::TagBadge,
        confirm::ConfirmDialog,
        form::{FieldMessage, FormErrors, FormMessage},
    },
    format,
    session::use_session,
};

/// The grey new tags get unless another colour is picked.
const DEFAULT_COLOR: &str = "#6b7280";

/// The words a catalogue's table uses.
#[derive(Debug, Clone, Copy)]
pub struct Nouns {
    pub one: &'static str,
    pub many: &'static str,
}

/// How `catalogue` names its items.
pub fn nouns(catalogue: Catalogue) -> Nouns {
    match catalogue {
        Catalogue::Sites => Nouns { one: "site", many: "sites" },
        Catalogue::TicketCategories => Nouns { one: "ticket category", many: "ticket categories" },
        Catalogue::Tags => Nouns { one: "tag", many: "tags" },
        Catalogue::ExplanationCategories => {
            Nouns { one: "explanation category", many: "explanation categories" }
        }
    }
}

/// Whether `text` is a `#rrggbb` colour.
pub fn is_hex_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// The add row, the table and the delete question.
#[component]
pub fn CatalogueAdmin(catalogue: Catalogue) -> impl IntoView {
    let session = use_session();
    let nouns = nouns(catalogue);
    let version = RwSignal::new(0u64);
    let items = LocalResource::new(move || {
        version.track();
        async move { session.call(move |t| api::admin::list(t, catalogue)).await }
    });
    let editing = RwSignal::new(None::<i64>);
    let deleting = RwSignal::new(None::<CatalogueItem>);
    let changed = Callback::new(move |()| version.update(|v| *v += 1));

    let rows = move || match items.get() {
        Some(Ok(page)) => page.items,
        _ => Vec::new(),
    };
    let state = move || {
        match items.get() {
        None => Some(view! { <p class="list-state" aria-busy="true">{format!("Loading {}…", nouns.many)}</p> }.into_any()),
        Some(Err(e)) => Some(
            view! {
                <div class="list-state field-error" role="alert">
                    <span>{e.message()}</span>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| changed.run(())>
                        "Try again"
                    </button>
                </div>
            }
            .into_any(),
        ),
        Some(Ok(page)) if page.items.is_empty() => Some(
            view! {
                <p class="list-state" data-testid="catalogue-empty">
                    {format!("No {} yet: add the first one above.", nouns.many)}
                </p>
            }
            .into_any(),
        ),
        _ => None,
    }
    };
    let detail_head = if catalogue.has_color() { "Colour" } else { "Description" };

    view! {
        <section class="card list-card" aria-label=format!("{} list", nouns.many)>
            <AddRow catalogue=catalogue on_added=changed />
            <div class="table-scroll table-scroll-short">
                <table class="table admin-table" data-testid="catalogue-table">
                    <thead>
                        <tr>
                            <th scope="col" class="col-name">"Name"</th>
                            <th scope="col">{detail_head}</th>
                            <th scope="col" class="col-time">"Updated"</th>
                            <th scope="col" class="col-actions"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|i| (i.id, i.updated_at) let:item>
                            <ItemRow
                                catalogue=catalogue
                                item=item
                                editing=editing
                                on_changed=changed
                                on_delete=Callback::new(move |i| deleting.set(Some(i)))
                            />
                        </For>
                    </tbody>
                </table>
                {state}
            </div>
        </section>
        {move || deleting.get().map(|item| view! {
            <DeleteItem catalogue=catalogue item=item on_close=Callback::new(move |deleted: bool| {
                deleting.set(None);
                if deleted {
                    changed.run(());
                }
            }) />
        })}
    }
}

/// The first row: a new item's name and description (or colour), Add.
#[component]
fn AddRow(catalogue: Catalogue, on_added: Callback<()>) -> impl IntoView {
    let session = use_session();
    let nouns = nouns(catalogue);
    let name = RwSignal::new(String::new());
    let detail = RwSignal::new(if catalogue.has_color() { DEFAULT_COLOR.to_owned() } else { String::new() });
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let name_input = NodeRef::<html::Input>::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let draft = CatalogueDraft {
            name: name.get_untracked().trim().to_owned(),
            description: detail.get_untracked(),
            color: detail.get_untracked(),
        };
        busy.set(true);
        errors.clear();
        spawn_local(async move {
            let result = session.call(move |t| api::admin::create(t, catalogue, draft.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    name.set(String::new());
                    if !catalogue.has_color() {
                        detail.set(String::new());
                    }
                    on_added.run(());
                    if let Some(input) = name_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    let detail_field = if catalogue.has_color() { "color" } else { "description" };
    view! {
        <form class="inline-add" on:submit=on_submit aria-label=format!("New {}", nouns.one)>
            <div class="inline-add-field">
                <label class="form-label" for="new-item-name">"Name"</label>
                <input
                    id="new-item-name"
                    class="input"
                    class:invalid=move || errors.field("name").with(Option::is_some)
                    aria-describedby="new-item-name-error"
                    required
                    maxlength=if catalogue.has_color() { "50" } else { "100" }
                    node_ref=name_input
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <FieldMessage id="new-item-name" error=errors.field("name") />
            </div>
            {if catalogue.has_color() {
                view! {
                    <div class="inline-add-field inline-add-color">
                        <label class="form-label" for="new-item-color">"Colour"</label>
                        <ColorInput id="new-item-color" value=detail />
                        <FieldMessage id="new-item-color" error=errors.field(detail_field) />
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="inline-add-field inline-add-grow">
                        <label class="form-label" for="new-item-description">"Description"</label>
                        <input
                            id="new-item-description"
                            class="input"
                            aria-describedby="new-item-description-error"
                            maxlength="1000"
                            prop:value=move || detail.get()
                            on:input=move |ev| detail.set(event_target_value(&ev))
                        />
                        <FieldMessage id="new-item-description" error=errors.field(detail_field) />
                    </div>
                }
                .into_any()
            }}
            <div class="inline-add-actions">
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { "Adding…" } else { "Add" }}
                </button>
                <FormMessage message=errors.rest(&["name", "description", "color"]) />
            </div>
        </form>
    }
}

/// A colour picker beside its `#rrggbb` text (either can be edited) and a sample badge.
#[component]
pub fn ColorInput(#[prop(into)] id: String, value: RwSignal<String>) -> impl IntoView {
    let text_id = format!("{id}-text");
    view! {
        <span class="color-input">
            <input
                id=id
                type="color"
                class="color-swatch"
                prop:value=move || {
                    let v = value.get();
                    if is_hex_color(&v) { v.to_lowercase() } else { DEFAULT_COLOR.to_owned() }
                }
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <input
                id=text_id
                class="input color-text"
                aria-label="Colour as #rrggbb"
                maxlength="7"
                spellcheck="false"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </span>
    }
}

/// One row: its values, or the edit form; Edit and Delete.
#[component]
fn ItemRow(
    catalogue: Catalogue,
    item: CatalogueItem,
    editing: RwSignal<Option<i64>>,
    on_changed: Callback<()>,
    on_delete: Callback<CatalogueItem>,
) -> impl IntoView {
    let id = item.id;
    let is_editing = move || editing.get() == Some(id);
    let item = StoredValue::new(item);
    move || {
        if is_editing() {
            view! { <EditRow catalogue=catalogue item=item.get_value() editing=editing on_changed=on_changed /> }
                .into_any()
        } else {
            let i = item.get_value();
            let detail = if catalogue.has_color() {
                let color = i.color.clone().unwrap_or_default();
                view! {
                    <TagBadge tag=TagRef { id: i.id, name: i.name.clone(), color: color.clone() } />
                    <code class="muted small color-code">{color.clone()}</code>
                }
                .into_any()
            } else {
                match i.description.clone().filter(|d| !d.is_empty()) {
                    Some(d) => d.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }
            };
            let label = i.name.clone();
            view! {
                <tr data-item-id=id>
                    <td class="col-name"><strong>{i.name.clone()}</strong></td>
                    <td>{detail}</td>
                    <td class="col-time">{format::datetime(i.updated_at)}</td>
                    <td class="col-actions">
                        <button
                            type="button"
                            class="btn btn-secondary btn-small"
                            aria-label=format!("Edit {label}")
                            on:click=move |_| editing.set(Some(id))
                        >
                            "Edit"
                        </button>
                        <button
                            type="button"
                            class="btn btn-secondary btn-small btn-danger-text"
                            aria-label=format!("Delete {}", i.name)
                            on:click=move |_| on_delete.run(item.get_value())
                        >
                            "Delete"
                        </button>
                    </td>
                </tr>
            }
            .into_any()
        }
    }
}

/// A row being edited: name and description (or colour), Save and Cancel; Enter saves, Esc
/// cancels. Only what changed is sent.
#[component]
fn EditRow(
    catalogue: Catalogue,
    item: CatalogueItem,
    editing: RwSignal<Option<i64>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let original_detail = if catalogue.has_color() {
        item.color.clone().unwrap_or_default()
    } else {
        item.description.clone().unwrap_or_default()
    };
    let original = StoredValue::new((item.name.clone(), original_detail.clone()));
    let name = RwSignal::new(item.name.clone());
    let detail = RwSignal::new(original_detail);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let name_input = NodeRef::<html::Input>::new();
    Effect::new(move || {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
            input.select();
        }
    });
    let id = item.id;
    let save = move || {
        if busy.get_untracked() {
            return;
        }
        let (old_name, old_detail) = original.get_value();
        let new_name = name.get_untracked().trim().to_owned();
        let new_detail = detail.get_untracked();
        let name_change = (new_name != old_name).then_some(new_name);
        let detail_change = (new_detail != old_detail).then_some(new_detail);
        if name_change.is_none() && detail_change.is_none() {
            editing.set(None);
            return;
        }
        busy.set(true);
        errors.clear();
        spawn_local(async move {
            let result = session
                .call(move |t| {
                    api::admin::update(t, catalogue, id, name_change.clone(), detail_change.clone())
                })
                .await;
            busy.set(false);
            match result {
                Ok(_) => {
                    editing.set(None);
                    on_changed.run(());
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            save();
        }
        "Escape" => {
            ev.prevent_default();
            editing.set(None);
        }
        _ => {}
    };
    let detail_field = if catalogue.has_color() { "color" } else { "description" };
    let name_id = format!("edit-name-{id}");
    let detail_id = format!("edit-detail-{id}");
    let (name_err_id, detail_err_id) = (format!("{name_id}-error"), format!("{detail_id}-error"));
    view! {
        <tr class="editing" data-item-id=id on:keydown=on_keydown>
            <td class="col-name">
                <input
                    id=name_id.clone()
                    class="input"
                    class:invalid=move || errors.field("name").with(Option::is_some)
                    aria-label="Name"
                    aria-describedby=name_err_id
                    node_ref=name_input
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <FieldMessage id=name_id error=errors.field("name") />
            </td>
            <td>
                {if catalogue.has_color() {
                    view! { <ColorInput id=detail_id.clone() value=detail /> }.into_any()
                } else {
                    view! {
                        <input
                            id=detail_id.clone()
                            class="input input-wide"
                            aria-label="Description"
                            aria-describedby=detail_err_id
                            prop:value=move || detail.get()
                            on:input=move |ev| detail.set(event_target_value(&ev))
                        />
                    }
                    .into_any()
                }}
                <FieldMessage id=detail_id error=errors.field(detail_field) />
            </td>
            <td class="col-time">
                <FormMessage message=errors.rest(&["name", "description", "color"]) />
            </td>
            <td class="col-actions">
                <button type="button" class="btn btn-primary btn-small" disabled=busy on:click=move |_| save()>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| editing.set(None)>
                    "Cancel"
                </button>
            </td>
        </tr>
    }
}

/// The delete question; `on_close(true)` after the item is gone.
#[component]
fn DeleteItem(catalogue: Catalogue, item: CatalogueItem, on_close: Callback<bool>) -> impl IntoView {
    let session = use_session();
    let nouns = nouns(catalogue);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = item.id;
    let confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = session.call(move |t| api::admin::remove(t, catalogue, id)).await;
            busy.set(false);
            match result {
                Ok(()) => on_close.run(true),
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    view! {
        <ConfirmDialog
            title=format!("Delete {} {}?", nouns.one, item.name)
            confirm_label="Delete"
            danger=true
            pending=busy
            error=error
            on_confirm=confirm
            on_close=Callback::new(move |()| on_close.run(false))
        >
            <p>
                {format!(
                    "The {} “{}” will be deleted. One that is still in use is kept, and the reason is said here.",
                    nouns.one,
                    item.name,
                )}
            </p>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_six_hex_digits_after_a_hash_make_a_colour() {
        assert!(is_hex_color("#7c3aed"));
        assert!(is_hex_color("#ABCDEF"));
        assert!(!is_hex_color("7c3aed"));
        assert!(!is_hex_color("#7c3ae"));
        assert!(!is_hex_color("#7c3aeg"));
    }
}
