//! Settings > Log tables: the schemas (typed field lists) and the tables written under them,
//! with their record counts; add either.

use leptos::prelude::*;

use super::SettingsHead;
use crate::{
    api,
    components::admin::{
        labels,
        log_tables::{NewSchemaDialog, NewTableDialog},
    },
    format,
    session::use_session,
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Schema,
    Table,
}

/// The Log tables page.
#[component]
pub fn LogTablesPage() -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u64);
    let schemas = LocalResource::new(move || {
        version.track();
        session.call(api::logs::schemas)
    });
    let tables = LocalResource::new(move || {
        version.track();
        session.call(api::logs::tables)
    });
    let open = RwSignal::new(None::<Open>);
    let done = Callback::new(move |changed: bool| {
        open.set(None);
        if changed {
            version.update(|v| *v += 1);
        }
    });

    let table_rows = move || {
        match tables.get() {
        None => view! { <tr><td colspan="5" class="muted" aria-busy="true">"Loading tables…"</td></tr> }.into_any(),
        Some(Err(e)) => view! { <tr><td colspan="5" class="field-error" role="alert">{e.message()}</td></tr> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => view! {
            <tr><td colspan="5" class="muted" data-testid="tables-empty">"No log tables yet: create a schema, then a table under it."</td></tr>
        }
        .into_any(),
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|t| {
                view! {
                    <tr data-table=t.name.clone()>
                        <td><code>{t.name.clone()}</code></td>
                        <td>{t.schema.clone()}</td>
                        <td class="num" data-testid="record-count">{t.record_count}</td>
                        <td>{t.description.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class="col-time">{format::datetime(t.created_at)}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    let schema_rows = move || match schemas.get() {
        None => view! { <tr><td colspan="4" class="muted" aria-busy="true">"Loading schemas…"</td></tr> }
            .into_any(),
        Some(Err(e)) => {
            view! { <tr><td colspan="4" class="field-error" role="alert">{e.message()}</td></tr> }.into_any()
        }
        Some(Ok(page)) if page.items.is_empty() => {
            view! { <tr><td colspan="4" class="muted">"No schemas yet."</td></tr> }.into_any()
        }
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|s| {
                let fields = s
                    .fields
                    .iter()
                    .map(|f| {
                        view! {
                            <li class="chip chip-field">
                                {f.name.clone()}
                                <span class="chip-type">{labels::field_type(f.field_type)}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <tr data-schema=s.name.clone()>
                        <td><strong>{s.name.clone()}</strong></td>
                        <td><ul class="chips">{fields}</ul></td>
                        <td>{s.description.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class="col-time">{format::datetime(s.created_at)}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
    };
    let dialog = move || {
        open.get().map(|o| match o {
            Open::Schema => view! { <NewSchemaDialog on_done=done /> }.into_any(),
            Open::Table => {
                let list = match schemas.get() {
                    Some(Ok(page)) => page.items,
                    _ => Vec::new(),
                };
                view! { <NewTableDialog schemas=list on_done=done /> }.into_any()
            }
        })
    };
    let no_schema = move || !matches!(schemas.get(), Some(Ok(p)) if !p.items.is_empty());

    view! {
        <div class="page">
            <SettingsHead
                title="Log tables"
                intro="Named tables of records that pipelines push to POST /api/logs/{table}; each is written under a schema. Stream rules test every record stored."
            />
            <section class="card list-card" aria-label="Log tables">
                <div class="toolbar">
                    <h2 class="section-title">"Tables"</h2>
                    <span class="spacer"></span>
                    <button
                        type="button"
                        class="btn btn-primary btn-small"
                        disabled=no_schema
                        title=move || if no_schema() { "Create a schema first" } else { "" }
                        on:click=move |_| open.set(Some(Open::Table))
                    >
                        "Add table"
                    </button>
                </div>
                <table class="table admin-table" data-testid="log-tables">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Schema"</th>
                            <th scope="col" class="num">"Records"</th>
                            <th scope="col">"Description"</th>
                            <th scope="col">"Created"</th>
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </section>
            <section class="card list-card" aria-label="Log schemas">
                <div class="toolbar">
                    <h2 class="section-title">"Schemas"</h2>
                    <span class="spacer"></span>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(Some(Open::Schema))>
                        "Add schema"
                    </button>
                </div>
                <table class="table admin-table" data-testid="log-schemas">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Fields"</th>
                            <th scope="col">"Description"</th>
                            <th scope="col">"Created"</th>
                        </tr>
                    </thead>
                    <tbody>{schema_rows}</tbody>
                </table>
            </section>
            {dialog}
        </div>
    }
}
