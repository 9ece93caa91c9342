//! The evidence dialog of an explanation request: search a log table for the violator's records
//! (table, schema, period, keywords with AND / OR or a query expression, max records, page
//! size), page through the results and add the ticked ones.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use leptos::prelude::*;
use socdesk_types::{
    Page,
    logs::{KeywordMode, LogRecord, LogSearch},
};

use crate::{
    api,
    components::common::{
        dialog::Dialog,
        records::{RecordRow, RecordTable},
    },
    format,
    session::use_session,
};

/// The dialog. Only records whose `emp_key` is `emp_key` are searched (the API enforces it on
/// save too).
#[component]
pub fn EvidenceDialog(
    emp_key: String,
    #[prop(into)] on_add: Callback<Vec<LogRecord>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let tables = LocalResource::new(move || session.call(api::logs::tables));
    let schemas = LocalResource::new(move || session.call(api::logs::schemas));
    let table = RwSignal::new(String::new());
    let schema_id = RwSignal::new(None::<i64>);
    let now = Utc::now();
    let from = RwSignal::new(format::to_local_input(now - Duration::days(7)));
    let to = RwSignal::new(format::to_local_input(now + Duration::minutes(1)));
    let keywords = RwSignal::new(String::new());
    let mode = RwSignal::new(KeywordMode::And);
    let use_query = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let max_records = RwSignal::new("1000".to_string());
    let page_size = RwSignal::new("50".to_string());
    // The pages seen so far: their cursors, to go back.
    let cursors = RwSignal::new(Vec::<Option<String>>::new());
    let ticked = RwSignal::new(BTreeSet::<i64>::new());
    // Every record seen, so ticks on other pages are kept.
    let seen = StoredValue::new(Vec::<LogRecord>::new());
    let error = RwSignal::new(None::<String>);

    // The first table, and its schema, once the tables are known.
    Effect::new(move || {
        if let Some(Ok(page)) = tables.get()
            && table.get_untracked().is_empty()
            && let Some(first) = page.items.first()
        {
            table.set(first.name.clone());
            schema_id.set(Some(first.schema_id));
        }
    });
    let emp_key = StoredValue::new(emp_key);
    let search_body = move |cursor: Option<String>| LogSearch {
        schema_id: schema_id.get_untracked(),
        from: format::from_local_input(&from.get_untracked()),
        to: format::from_local_input(&to.get_untracked()),
        keywords: (!use_query.get_untracked())
            .then(|| keywords.get_untracked())
            .filter(|k| !k.trim().is_empty()),
        keyword_mode: Some(mode.get_untracked()),
        query: use_query.get_untracked().then(|| query.get_untracked()).filter(|q| !q.trim().is_empty()),
        emp_key: Some(emp_key.get_value()),
        max_records: max_records.get_untracked().trim().parse().ok(),
        page_size: page_size.get_untracked().trim().parse().ok(),
        cursor,
    };
    let search = Action::new_local(move |body: &LogSearch| {
        let body = body.clone();
        let table = table.get_untracked();
        async move { session.call(move |t| api::logs::search(t, table.clone(), body.clone())).await }
    });
    let page = RwSignal::new(None::<Page<LogRecord>>);
    Effect::new(move || match search.value().get() {
        Some(Ok(p)) => {
            seen.update_value(|s| {
                for r in &p.items {
                    if !s.iter().any(|x| x.id == r.id) {
                        s.push(r.clone());
                    }
                }
            });
            error.set(None);
            page.set(Some(p));
        }
        Some(Err(e)) => {
            let fields =
                e.field_errors().iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>();
            error.set(Some(if fields.is_empty() { e.message() } else { fields.join(" ") }));
        }
        None => {}
    });
    let run_first = move || {
        if table.get_untracked().is_empty() {
            error.set(Some("Choose a table.".into()));
            return;
        }
        cursors.set(vec![None]);
        search.dispatch_local(search_body(None));
    };
    let next_page = move |_| {
        if let Some(cursor) = page.get_untracked().and_then(|p| p.next_cursor) {
            cursors.update(|c| c.push(Some(cursor.clone())));
            search.dispatch_local(search_body(Some(cursor)));
        }
    };
    let previous_page = move |_| {
        cursors.update(|c| {
            c.pop();
        });
        let cursor = cursors.get_untracked().last().cloned().flatten();
        search.dispatch_local(search_body(cursor));
    };
    let add = move |_| {
        let chosen = ticked.get_untracked();
        let records: Vec<LogRecord> =
            seen.with_value(|s| s.iter().filter(|r| chosen.contains(&r.id)).cloned().collect());
        on_add.run(records);
    };

    let table_options = move || {
        tables.get().and_then(Result::ok).map(|p| {
            p.items
                .into_iter()
                .map(|t| {
                    let name = t.name.clone();
                    view! { <option value=t.name.clone() selected=move || table.get() == name>{format!("{} ({})", t.name, t.schema)}</option> }
                })
                .collect_view()
        })
    };
    let schema_options = move || {
        schemas.get().and_then(Result::ok).map(|p| {
            p.items
                .into_iter()
                .map(|s| {
                    let id = s.id;
                    view! { <option value=id.to_string() selected=move || schema_id.get() == Some(id)>{s.name}</option> }
                })
                .collect_view()
        })
    };
    let results = move || match (search.pending().get(), page.get()) {
        (true, _) => view! { <p class="muted" aria-busy="true">"Searching…"</p> }.into_any(),
        (false, None) => view! { <p class="muted">"Search to see the violator's records."</p> }.into_any(),
        (false, Some(p)) if p.items.is_empty() => {
            view! { <p class="muted" data-testid="evidence-none">"No record of this employee matches."</p> }
                .into_any()
        }
        (false, Some(p)) => {
            let total = p.total;
            let rows: Vec<RecordRow> = p.items.iter().map(RecordRow::from).collect();
            view! {
                <p class="muted small">{format!("{total} found")}</p>
                <RecordTable rows=rows label="Search results" ticked=ticked />
            }
            .into_any()
        }
    };
    let on_table = move |ev| {
        let name = event_target_value(&ev);
        if let Some(Ok(p)) = tables.get_untracked()
            && let Some(t) = p.items.iter().find(|t| t.name == name)
        {
            schema_id.set(Some(t.schema_id));
        }
        table.set(name);
    };

    view! {
        <Dialog title="Select evidence" on_close=on_close test_id="evidence-dialog" wide=true>
            <form
                class="evidence-search"
                on:submit=move |ev| {
                    ev.prevent_default();
                    run_first();
                }
            >
                <label class="filter">
                    <span>"Table"</span>
                    <select class="select" aria-label="Table" on:change=on_table>{table_options}</select>
                </label>
                <label class="filter">
                    <span>"Schema"</span>
                    <select
                        class="select"
                        aria-label="Schema"
                        on:change=move |ev| schema_id.set(event_target_value(&ev).parse().ok())
                    >
                        {schema_options}
                    </select>
                </label>
                <label class="filter">
                    <span>"From"</span>
                    <input class="input" type="datetime-local" aria-label="From" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="filter">
                    <span>"To"</span>
                    <input class="input" type="datetime-local" aria-label="To" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) />
                </label>
                <label class="filter filter-check">
                    <span>"Query expression"</span>
                    <input type="checkbox" aria-label="Query expression" prop:checked=move || use_query.get() on:change=move |ev| use_query.set(event_target_checked(&ev)) />
                </label>
                <Show
                    when=move || use_query.get()
                    fallback=move || view! {
                        <label class="filter filter-grow">
                            <span>"Keywords"</span>
                            <input class="input" type="search" aria-label="Keywords" prop:value=move || keywords.get() on:input=move |ev| keywords.set(event_target_value(&ev)) />
                        </label>
                        <label class="filter">
                            <span>"Match"</span>
                            <select class="select" aria-label="Match" on:change=move |ev| mode.set(KeywordMode::parse(&event_target_value(&ev)).unwrap_or(KeywordMode::And))>
                                <option value="and" selected=move || mode.get() == KeywordMode::And>"All (AND)"</option>
                                <option value="or" selected=move || mode.get() == KeywordMode::Or>"Any (OR)"</option>
                            </select>
                        </label>
                    }
                >
                    <label class="filter filter-grow">
                        <span>"Query"</span>
                        <input
                            class="input mono"
                            aria-label="Query"
                            placeholder="action:upload AND NOT url:\"intranet\""
                            prop:value=move || query.get()
                            on:input=move |ev| query.set(event_target_value(&ev))
                        />
                    </label>
                </Show>
                <label class="filter filter-narrow">
                    <span>"Max records"</span>
                    <input class="input" type="number" min="1" max="10000" aria-label="Max records" prop:value=move || max_records.get() on:input=move |ev| max_records.set(event_target_value(&ev)) />
                </label>
                <label class="filter filter-narrow">
                    <span>"Page size"</span>
                    <input class="input" type="number" min="1" max="500" aria-label="Page size" prop:value=move || page_size.get() on:input=move |ev| page_size.set(event_target_value(&ev)) />
                </label>
                <div class="filter filter-end">
                    <span aria-hidden="true">" "</span>
                    <button type="submit" class="btn btn-primary btn-small">"Search"</button>
                </div>
            </form>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <div class="evidence-results">{results}</div>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary btn-small" disabled=move || cursors.with(|c| c.len() <= 1) on:click=previous_page>
                    "Previous page"
                </button>
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    disabled=move || page.with(|p| p.as_ref().and_then(|p| p.next_cursor.as_ref()).is_none())
                    on:click=next_page
                >
                    "Next page"
                </button>
                <span class="spacer"></span>
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="btn btn-primary" disabled=move || ticked.with(BTreeSet::is_empty) on:click=add>
                    {move || format!("Add selected logs ({})", ticked.with(BTreeSet::len))}
                </button>
            </footer>
        </Dialog>
    }
}
