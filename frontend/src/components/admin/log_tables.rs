//! The log schema and log table dialogs: a schema is a name and a list of typed fields; a table
//! is a name under a schema.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::logs::{FieldType, LogSchema, NewLogSchema, NewLogTable, SchemaField};

use super::labels;
use crate::{
    api,
    components::common::{
        dialog::Dialog,
        form::{FieldMessage, FormErrors, FormField, FormMessage},
    },
    session::use_session,
};

/// A field row as typed; `key` keeps a row's inputs when rows above it are removed.
#[derive(Debug, Clone, Copy)]
struct FieldRow {
    key: u32,
    name: RwSignal<String>,
    field_type: RwSignal<FieldType>,
}

impl FieldRow {
    fn new(key: u32) -> Self {
        FieldRow { key, name: RwSignal::new(String::new()), field_type: RwSignal::new(FieldType::String) }
    }
}

/// Adds a log schema.
#[component]
pub fn NewSchemaDialog(#[prop(into)] on_done: Callback<bool>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let next_key = StoredValue::new(1u32);
    let rows = RwSignal::new(vec![FieldRow::new(0)]);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let add_row = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(FieldRow::new(key)));
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        let body = NewLogSchema {
            name: name.get_untracked().trim().to_owned(),
            description: Some(description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty()),
            fields: rows
                .get_untracked()
                .into_iter()
                .map(|r| SchemaField {
                    name: r.name.get_untracked().trim().to_owned(),
                    field_type: r.field_type.get_untracked(),
                })
                .collect(),
        };
        spawn_local(async move {
            let result = session.call(move |t| api::logs::create_schema(t, body.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => on_done.run(true),
                Err(e) => errors.fail(&e),
            }
        });
    };
    let field_row = move |r: FieldRow| {
        let key = r.key;
        let index = move || rows.with(|rs| rs.iter().position(|x| x.key == key).unwrap_or(0));
        let error = Signal::derive(move || errors.item("fields", index()).get());
        let type_options = FieldType::ALL
            .iter()
            .map(|t| {
                let t = *t;
                view! { <option value=t.as_str() selected=move || r.field_type.get() == t>{labels::field_type(t)}</option> }
            })
            .collect_view();
        view! {
            <li class="schema-field">
                <input
                    class="input"
                    aria-label=move || format!("Field {} name", index() + 1)
                    placeholder="src_ip"
                    class:invalid=move || error.with(Option::is_some)
                    prop:value=move || r.name.get()
                    on:input=move |ev| r.name.set(event_target_value(&ev))
                />
                <select
                    class="select"
                    aria-label=move || format!("Field {} type", index() + 1)
                    on:change=move |ev| {
                        if let Some(t) = FieldType::parse(&event_target_value(&ev)) {
                            r.field_type.set(t);
                        }
                    }
                >
                    {type_options}
                </select>
                <button
                    type="button"
                    class="icon-btn"
                    aria-label=move || format!("Remove field {}", index() + 1)
                    disabled=move || rows.with(Vec::len) == 1
                    on:click=move |_| rows.update(|rs| rs.retain(|x| x.key != key))
                >
                    "✕"
                </button>
                <FieldMessage id=format!("schema-field-{key}") error=error />
            </li>
        }
    };
    view! {
        <Dialog title="New log schema" on_close=move |_| on_done.run(false) test_id="schema-dialog" wide=true>
            <form class="admin-form" on:submit=on_submit aria-label="New log schema">
                <div class="settings-grid">
                    <FormField label="Name" id="schema-name" error=errors.field("name")>
                        <input
                            id="schema-name"
                            class="input"
                            autofocus
                            aria-describedby="schema-name-error"
                            class:invalid=move || errors.field("name").with(Option::is_some)
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                    </FormField>
                    <FormField label="Description" id="schema-description" error=errors.field("description")>
                        <input
                            id="schema-description"
                            class="input"
                            aria-describedby="schema-description-error"
                            prop:value=move || description.get()
                            on:input=move |ev| description.set(event_target_value(&ev))
                        />
                    </FormField>
                </div>
                <fieldset class="form-group">
                    <legend>"Fields"</legend>
                    <p class="form-hint">
                        "Letters, digits, _ - and ., not starting with _ (" <code>"_id"</code> ", " <code>"_time"</code>
                        " and " <code>"emp_key"</code> " come with every record)."
                    </p>
                    <ol class="schema-fields">
                        <For each=move || rows.get() key=|r| r.key let:r>
                            {field_row(r)}
                        </For>
                    </ol>
                    <FieldMessage id="schema-fields" error=errors.list("fields") />
                    <button type="button" class="btn btn-secondary btn-small" on:click=add_row>"Add field"</button>
                </fieldset>
                <footer class="dialog-foot">
                    <FormMessage message=errors.rest(&["name", "description", "fields"]) />
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_done.run(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=busy>
                        {move || if busy.get() { "Creating…" } else { "Create schema" }}
                    </button>
                </footer>
            </form>
        </Dialog>
    }
}

/// Adds a log table under one of `schemas`.
#[component]
pub fn NewTableDialog(schemas: Vec<LogSchema>, #[prop(into)] on_done: Callback<bool>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let schema_id = RwSignal::new(schemas.first().map(|s| s.id));
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let Some(schema_id) = schema_id.get_untracked() else {
            errors.fail_fields(vec![socdesk_types::FieldError::new("schema_id", "create a schema first")]);
            return;
        };
        busy.set(true);
        let body = NewLogTable {
            name: name.get_untracked().trim().to_owned(),
            description: Some(description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty()),
            schema_id,
        };
        spawn_local(async move {
            let result = session.call(move |t| api::logs::create_table(t, body.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => on_done.run(true),
                Err(e) => errors.fail(&e),
            }
        });
    };
    let options = schemas
        .iter()
        .map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> })
        .collect_view();
    view! {
        <Dialog title="New log table" on_close=move |_| on_done.run(false) test_id="table-dialog">
            <form class="admin-form" on:submit=on_submit aria-label="New log table">
                <FormField
                    label="Name"
                    id="table-name"
                    error=errors.field("name")
                    hint="Lower-case letters, digits, _ and -, starting with a letter; records arrive at POST /api/logs/{name}."
                >
                    <input
                        id="table-name"
                        class="input"
                        autofocus
                        spellcheck="false"
                        aria-describedby="table-name-error"
                        class:invalid=move || errors.field("name").with(Option::is_some)
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </FormField>
                <FormField label="Schema" id="table-schema" error=errors.field("schema_id")>
                    <select
                        id="table-schema"
                        class="select"
                        aria-describedby="table-schema-error"
                        on:change=move |ev| schema_id.set(event_target_value(&ev).parse().ok())
                    >
                        {options}
                    </select>
                </FormField>
                <FormField label="Description" id="table-description" error=errors.field("description")>
                    <input
                        id="table-description"
                        class="input"
                        aria-describedby="table-description-error"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    />
                </FormField>
                <footer class="dialog-foot">
                    <FormMessage message=errors.rest(&["name", "schema_id", "description"]) />
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_done.run(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=busy>
                        {move || if busy.get() { "Creating…" } else { "Create table" }}
                    </button>
                </footer>
            </form>
        </Dialog>
    }
}
