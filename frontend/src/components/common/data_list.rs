//! A list over one of the API's keyset-paginated endpoints, shared by the Tickets and
//! Explanations screens: the toolbar (total, refresh and auto-refresh, column settings, the
//! screen's bulk toolbar and actions), a tick box per row, sortable headers, more rows as the list
//! scrolls, and every state said in place. New filters start over at the top; a new `version`
//! fetches again in place, keeping the selection and the scroll position.

use std::collections::BTreeSet;

use futures_util::future::LocalBoxFuture;
use leptos::{html, prelude::*, task::spawn_local};
use socdesk_types::Page;

use super::{
    auto_refresh::AutoRefresh,
    column_settings::{self, ColumnChoice, ColumnDef, ColumnSettings},
};
use crate::{
    api::{self, ApiError, Params},
    live::{Topic, use_live},
    session::{Session, use_session},
};

/// Rows asked for per page.
const PAGE: usize = 100;
/// The API's largest page.
const MAX_PAGE: usize = 500;

/// A row of a list: its id (selection, keys) and version (a changed row redraws).
pub trait ListRow: Clone + PartialEq + Send + Sync + 'static {
    fn id(&self) -> i64;
    fn version(&self) -> i64;
}

/// One page of the list for these parameters (filters, sort, `limit`, `cursor`).
pub type FetchPage<T> = fn(String, Params) -> LocalBoxFuture<'static, Result<Page<T>, ApiError>>;

/// How a list sorts: the sort keys its columns take, and the default.
#[derive(Debug, Clone, Copy)]
pub struct Sorting {
    /// The API's sort key of a column, and whether its first click sorts descending (times and
    /// counts: newest, largest first); `None` when the column does not sort.
    pub key_of: fn(&str) -> Option<(&'static str, bool)>,
    /// The API's default sort (key, descending), which the URL leaves out.
    pub default: (&'static str, bool),
}

impl Sorting {
    /// The column and direction a `sort` value names (`-priority` is priority descending).
    pub fn current(&self, sort: Option<&str>) -> (String, bool) {
        match sort {
            None | Some("") => (self.default.0.to_owned(), self.default.1),
            Some(s) => match s.strip_prefix('-') {
                Some(key) => (key.to_owned(), true),
                None => (s.to_owned(), false),
            },
        }
    }

    /// The `sort` after a click on `key`'s header: that column in its first direction, or
    /// flipped when it is the current one; `None` for the default.
    pub fn after_click(&self, sort: Option<&str>, key: &str, descending_first: bool) -> Option<String> {
        let (current, descending) = self.current(sort);
        let descending = if current == key { !descending } else { descending_first };
        (!(key == self.default.0 && descending == self.default.1))
            .then(|| if descending { format!("-{key}") } else { key.to_owned() })
    }
}

/// Fetches at least `want` rows (or all there are) from `cursor` on, a page at a time.
async fn fetch_rows<T: ListRow>(
    session: Session,
    fetch: FetchPage<T>,
    params: Params,
    cursor: Option<String>,
    want: usize,
) -> Result<Page<T>, ApiError> {
    let mut items = Vec::new();
    let mut cursor = cursor;
    loop {
        let limit = (want - items.len()).clamp(1, MAX_PAGE);
        let page_params = params.clone().set("limit", limit).opt("cursor", cursor.clone());
        let page = session.call(move |t| fetch(t, page_params.clone())).await?;
        items.extend(page.items);
        cursor = page.next_cursor;
        if items.len() >= want || cursor.is_none() {
            return Ok(Page { items, next_cursor: cursor, total: page.total });
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    /// The first page for new filters.
    First,
    /// Fetching again in place (refresh, auto-refresh, after a change).
    Refresh,
    /// The next page, as the list scrolls.
    More,
    Idle,
    Failed(String),
}

/// The list and its toolbar.
#[component]
pub fn DataList<T: ListRow>(
    /// Names the list's saved preferences (`{name}.columns`, `{name}.refresh`) and its test ids.
    name: &'static str,
    /// One row and several, for the total ("1 ticket", "3 tickets").
    noun: (&'static str, &'static str),
    columns: &'static [ColumnDef],
    fetch: FetchPage<T>,
    /// The filters and sort as API parameters; a change starts over at the top.
    #[prop(into)]
    params: Signal<Params>,
    /// The `sort` value in use (from the URL).
    #[prop(into)]
    sort: Signal<Option<String>>,
    sorting: Sorting,
    /// Gets the new `sort` after a header click.
    #[prop(into)]
    on_sort: Callback<Option<String>>,
    /// Bumped after a change: fetch again in place.
    version: RwSignal<u64>,
    /// The ids ticked.
    selection: RwSignal<BTreeSet<i64>>,
    /// Whether rows have tick boxes (lists without bulk actions leave them out).
    #[prop(default = true)]
    selectable: bool,
    /// The cell of a column for a row.
    cell: fn(&str, &T) -> AnyView,
    /// What an empty list says (it depends on the filters).
    #[prop(into)]
    empty: Signal<String>,
    /// The row whose detail is open, highlighted.
    #[prop(optional, into)]
    open: Signal<Option<i64>>,
    /// What sits after the total (the bulk toolbar while rows are ticked).
    #[prop(optional)]
    bulk: Option<ViewFn>,
    /// What sits at the toolbar's right end (Add, Download).
    #[prop(optional)]
    actions: Option<ViewFn>,
    /// The live updates that refresh the list in place, whatever the auto-refresh interval.
    #[prop(optional)]
    live: Option<Topic>,
) -> impl IntoView {
    let session = use_session();
    let rows = RwSignal::new(Vec::<T>::new());
    let next = RwSignal::new(None::<String>);
    let total = RwSignal::new(None::<u64>);
    let load = RwSignal::new(Load::First);
    // Answers to an older question are dropped.
    let generation = StoredValue::new(0u64);
    let last_params = StoredValue::new(None::<Params>);
    let scroller = NodeRef::<html::Div>::new();
    let columns_key = format!("{name}.columns");
    let refresh_key = format!("{name}.refresh");

    // Saved per account: the columns and the auto-refresh interval.
    let choice = RwSignal::new(column_settings::defaults(columns));
    let every = RwSignal::new(0u32);
    let prefs_loaded = RwSignal::new(false);
    {
        let (columns_key, refresh_key) = (columns_key.clone(), refresh_key.clone());
        spawn_local(async move {
            if let Ok(Some(saved)) =
                session.call(|t| api::preferences::load::<Vec<ColumnChoice>>(t, columns_key.clone())).await
            {
                choice.set(column_settings::reconcile(columns, saved));
            }
            if let Ok(Some(secs)) =
                session.call(|t| api::preferences::load::<u32>(t, refresh_key.clone())).await
            {
                every.set(secs);
            }
            prefs_loaded.set(true);
        });
    }
    Effect::new(move |previous: Option<u32>| {
        let secs = every.get();
        if prefs_loaded.get() && previous.is_some_and(|p| p != secs) {
            let key = refresh_key.clone();
            spawn_local(async move {
                let _ = session.call(move |t| api::preferences::save(t, key.clone(), secs)).await;
            });
        }
        secs
    });

    let start = move |kind: Load| {
        let params = params.get_untracked();
        let (cursor, want) = match kind {
            Load::More => (next.get_untracked(), PAGE),
            Load::Refresh => (None, rows.with_untracked(Vec::len).max(PAGE)),
            _ => (None, PAGE),
        };
        let ticket = generation.get_value() + 1;
        generation.set_value(ticket);
        load.set(kind.clone());
        spawn_local(async move {
            let answer = fetch_rows(session, fetch, params, cursor, want).await;
            // A newer question was asked, or the list is gone (the page was left meanwhile).
            if generation.try_get_value() != Some(ticket) {
                return;
            }
            match answer {
                Ok(page) => {
                    total.set(Some(page.total));
                    next.set(page.next_cursor);
                    if kind == Load::More {
                        rows.update(|r| r.extend(page.items));
                    } else {
                        rows.set(page.items);
                    }
                    load.set(Load::Idle);
                }
                Err(e) => load.set(Load::Failed(e.message())),
            }
        });
    };

    // New filters start over at the top; a new version refreshes in place.
    Effect::new(move || {
        let current = params.get();
        version.track();
        let same = last_params.with_value(|l| l.as_ref() == Some(&current));
        last_params.set_value(Some(current));
        if same {
            start(Load::Refresh);
        } else {
            selection.set(BTreeSet::new());
            if let Some(s) = scroller.get_untracked() {
                s.set_scroll_top(0);
            }
            start(Load::First);
        }
    });

    // An announced change refreshes in place: at once when the list is idle, else once the
    // answer under way is in (a burst of announcements makes one refresh).
    if let (Some(topic), Some(feed)) = (live, use_live()) {
        let stale = RwSignal::new(false);
        Effect::new(move |seen: Option<u64>| {
            let now = feed.changes(topic);
            if seen.is_some_and(|s| s != now) {
                stale.set(true);
            }
            now
        });
        Effect::new(move || {
            if stale.get() && matches!(load.get(), Load::Idle | Load::Failed(_)) {
                stale.set(false);
                start(Load::Refresh);
            }
        });
    }

    let busy = Signal::derive(move || matches!(load.get(), Load::First | Load::Refresh | Load::More));
    let on_scroll = move |_| {
        let Some(s) = scroller.get_untracked() else { return };
        let near_end = s.scroll_top() + s.client_height() >= s.scroll_height() - 300;
        if near_end && next.with_untracked(Option::is_some) && load.get_untracked() == Load::Idle {
            start(Load::More);
        }
    };

    let visible = Memo::new(move |_| choice.with(|c| column_settings::visible(columns, c)));
    let settings_open = RwSignal::new(false);
    let save_columns = Callback::new(move |new: Vec<ColumnChoice>| {
        choice.set(new.clone());
        settings_open.set(false);
        let key = columns_key.clone();
        spawn_local(async move {
            let _ = session.call(move |t| api::preferences::save(t, key.clone(), new.clone())).await;
        });
    });

    let all_ticked =
        move || rows.with(|r| !r.is_empty() && selection.with(|s| r.iter().all(|t| s.contains(&t.id()))));
    let tick_all = move |on: bool| {
        let ids: Vec<i64> = rows.with_untracked(|r| r.iter().map(ListRow::id).collect());
        selection.update(|s| {
            for id in ids {
                if on {
                    s.insert(id);
                } else {
                    s.remove(&id);
                }
            }
        });
    };

    let header = move || {
        let (sorted, descending) = sorting.current(sort.get().as_deref());
        visible
            .get()
            .into_iter()
            .map(|col| match (sorting.key_of)(col.key) {
                Some((key, descending_first)) => {
                    let aria = match (sorted == key, descending) {
                        (true, true) => "descending",
                        (true, false) => "ascending",
                        _ => "none",
                    };
                    let arrow = match aria {
                        "descending" => "▼",
                        "ascending" => "▲",
                        _ => "",
                    };
                    view! {
                        <th scope="col" aria-sort=aria class=format!("col-{}", col.key)>
                            <button
                                type="button"
                                class="sort-btn"
                                on:click=move |_| {
                                    let current = sort.get_untracked();
                                    on_sort.run(sorting.after_click(current.as_deref(), key, descending_first));
                                }
                            >
                                {col.label}
                                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                            </button>
                        </th>
                    }
                    .into_any()
                }
                None => view! { <th scope="col" class=format!("col-{}", col.key)>{col.label}</th> }.into_any(),
            })
            .collect_view()
    };

    let (one, many) = noun;
    let body_state = move || {
        let is_empty = rows.with(Vec::is_empty);
        match load.get() {
            Load::First if is_empty => Some(
                view! { <p class="list-state" aria-busy="true">{format!("Loading {many}…")}</p> }.into_any(),
            ),
            Load::Failed(message) => Some(
                view! {
                    <div class="list-state field-error" role="alert">
                        <span>{message}</span>
                        <button type="button" class="btn btn-secondary btn-small" on:click=move |_| start(Load::Refresh)>
                            "Try again"
                        </button>
                    </div>
                }
                .into_any(),
            ),
            Load::Idle if is_empty => Some(
                view! { <p class="list-state" data-testid=format!("{name}-empty")>{move || empty.get()}</p> }
                    .into_any(),
            ),
            _ => None,
        }
    };

    view! {
        <section class="card list-card" aria-label=format!("{} list", capitalised(many))>
            <div class="toolbar">
                <span class="total" data-testid=format!("{name}-total")>
                    {move || match total.get() {
                        Some(1) => format!("1 {one}"),
                        Some(n) => format!("{n} {many}"),
                        None => "…".to_string(),
                    }}
                </span>
                {move || bulk.as_ref().map(|b| b.run())}
                <span class="spacer"></span>
                <AutoRefresh every=every on_refresh=move |_| start(Load::Refresh) busy=busy />
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| settings_open.set(true)>
                    "Column settings"
                </button>
                {move || actions.as_ref().map(|a| a.run())}
            </div>
            <div class="table-scroll" node_ref=scroller on:scroll=on_scroll>
                <table class=format!("table {name}-table") aria-rowcount=move || total.get().unwrap_or(0).to_string()>
                    <thead>
                        <tr>
                            {selectable.then(|| view! {
                                <th scope="col" class="col-check">
                                    <input
                                        type="checkbox"
                                        aria-label=format!("Select all loaded {many}")
                                        prop:checked=all_ticked
                                        on:change=move |ev| tick_all(event_target_checked(&ev))
                                    />
                                </th>
                            })}
                            {header}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            // The version is in the key, so a changed row redraws and the rest stay.
                            key=|r| (r.id(), r.version())
                            let:row
                        >
                            <DataRow row=row visible=visible selection=selection selectable=selectable open=open cell=cell noun=one />
                        </For>
                    </tbody>
                </table>
                {body_state}
                <Show when=move || next.with(Option::is_some) && !rows.with(Vec::is_empty)>
                    <div class="load-more">
                        <button
                            type="button"
                            class="btn btn-secondary btn-small"
                            disabled=move || load.get() == Load::More
                            on:click=move |_| start(Load::More)
                        >
                            {move || if load.get() == Load::More { "Loading…" } else { "Load more" }}
                        </button>
                        <span class="muted small">
                            {move || format!("{} of {} shown", rows.with(Vec::len), total.get().unwrap_or(0))}
                        </span>
                    </div>
                </Show>
            </div>
            <Show when=move || settings_open.get()>
                <ColumnSettings
                    defs=columns
                    current=choice.get_untracked()
                    on_save=save_columns
                    on_close=move |_| settings_open.set(false)
                />
            </Show>
        </section>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One row: the tick box and the visible cells.
#[component]
fn DataRow<T: ListRow>(
    row: T,
    visible: Memo<Vec<ColumnDef>>,
    selection: RwSignal<BTreeSet<i64>>,
    selectable: bool,
    open: Signal<Option<i64>>,
    cell: fn(&str, &T) -> AnyView,
    noun: &'static str,
) -> impl IntoView {
    let id = row.id();
    let ticked = move || selection.with(|s| s.contains(&id));
    let is_open = move || open.get() == Some(id);
    let row = StoredValue::new(row);
    let cells = move || {
        visible
            .get()
            .into_iter()
            .map(|col| view! { <td class=format!("col-{}", col.key)>{row.with_value(|r| cell(col.key, r))}</td> })
            .collect_view()
    };
    view! {
        <tr class:ticked=ticked class:open=is_open data-row-id=id>
            {selectable.then(|| view! {
                <td class="col-check">
                    <input
                        type="checkbox"
                        aria-label=format!("Select {noun} #{id}")
                        prop:checked=ticked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selection.update(|s| {
                                if on {
                                    s.insert(id);
                                } else {
                                    s.remove(&id);
                                }
                            });
                        }
                    />
                </td>
            })}
            {cells}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SORTING: Sorting = Sorting { key_of: |_| None, default: ("created_at", true) };

    #[test]
    fn a_header_click_sorts_in_the_columns_first_direction_then_flips() {
        assert_eq!(SORTING.current(None), ("created_at".to_owned(), true));
        assert_eq!(SORTING.current(Some("-priority")), ("priority".to_owned(), true));
        assert_eq!(SORTING.after_click(None, "created_at", true).as_deref(), Some("created_at"));
        assert_eq!(SORTING.after_click(None, "priority", false).as_deref(), Some("priority"));
        assert_eq!(SORTING.after_click(Some("priority"), "priority", false).as_deref(), Some("-priority"));
        assert_eq!(SORTING.after_click(Some("title"), "modified_at", true).as_deref(), Some("-modified_at"));
        // Back to the default: no `sort` in the URL.
        assert_eq!(SORTING.after_click(Some("created_at"), "created_at", true), None);
        assert_eq!(SORTING.after_click(Some("title"), "created_at", true), None);
        assert_eq!(capitalised("tickets"), "Tickets");
    }
}
