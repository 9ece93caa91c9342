//! The ticket list: the toolbar (total, refresh and auto-refresh, column settings, the bulk
//! toolbar once tickets are ticked, Add), sortable headers, rows over the API's cursor (more load
//! as the list scrolls), and every state said in place.

use leptos::{html, prelude::*, task::spawn_local};
use socdesk_types::{Page, tickets::TicketSummary};

use super::{
    columns::{self, COLUMNS},
    filters::TicketFilters,
    use_tickets_screen,
};
use crate::{
    api::{self, ApiError, Params},
    components::common::{
        auto_refresh::AutoRefresh,
        column_settings::{self, ColumnChoice, ColumnSettings},
    },
    session::{Session, use_session},
};

/// Rows asked for per page.
const PAGE: usize = 100;
/// The API's largest page.
const MAX_PAGE: usize = 500;
/// Preference keys (saved per account).
pub const COLUMNS_KEY: &str = "tickets.columns";
pub const REFRESH_KEY: &str = "tickets.refresh";

/// Fetches at least `want` rows (or all there are) from `cursor` on, a page at a time.
async fn fetch(
    session: Session,
    params: Params,
    cursor: Option<String>,
    want: usize,
) -> Result<Page<TicketSummary>, ApiError> {
    let mut items = Vec::new();
    let mut cursor = cursor;
    loop {
        let limit = (want - items.len()).clamp(1, MAX_PAGE);
        let page_params = params.clone().set("limit", limit).opt("cursor", cursor.clone());
        let page = session.call(move |t| api::tickets::list(t, page_params.clone())).await?;
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
pub fn TicketList(
    /// What sits in the toolbar's left end (the bulk toolbar while tickets are ticked).
    #[prop(optional)]
    bulk: Option<ViewFn>,
    /// What sits in the toolbar's right end (Add).
    #[prop(optional)]
    add: Option<ViewFn>,
) -> impl IntoView {
    let session = use_session();
    let screen = use_tickets_screen();
    let rows = RwSignal::new(Vec::<TicketSummary>::new());
    let next = RwSignal::new(None::<String>);
    let total = RwSignal::new(None::<u64>);
    let load = RwSignal::new(Load::First);
    // Answers to an older question are dropped.
    let generation = StoredValue::new(0u64);
    let last_filters = StoredValue::new(None::<TicketFilters>);
    let scroller = NodeRef::<html::Div>::new();

    // Saved per account: the columns and the auto-refresh interval.
    let choice = RwSignal::new(column_settings::defaults(COLUMNS));
    let every = RwSignal::new(0u32);
    let prefs_loaded = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(Some(saved)) =
            session.call(|t| api::preferences::load::<Vec<ColumnChoice>>(t, COLUMNS_KEY)).await
        {
            choice.set(column_settings::reconcile(COLUMNS, saved));
        }
        if let Ok(Some(secs)) = session.call(|t| api::preferences::load::<u32>(t, REFRESH_KEY)).await {
            every.set(secs);
        }
        prefs_loaded.set(true);
    });
    Effect::new(move |previous: Option<u32>| {
        let secs = every.get();
        if prefs_loaded.get() && previous.is_some_and(|p| p != secs) {
            spawn_local(async move {
                let _ = session.call(move |t| api::preferences::save(t, REFRESH_KEY, secs)).await;
            });
        }
        secs
    });

    let start = move |kind: Load| {
        let filters = screen.filters.get_untracked();
        let params = filters.api_params(chrono::Utc::now());
        let (cursor, want) = match kind {
            Load::More => (next.get_untracked(), PAGE),
            Load::Refresh => (None, rows.with_untracked(Vec::len).max(PAGE)),
            _ => (None, PAGE),
        };
        let ticket = generation.get_value() + 1;
        generation.set_value(ticket);
        load.set(kind.clone());
        spawn_local(async move {
            let answer = fetch(session, params, cursor, want).await;
            if generation.get_value() != ticket {
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
        let filters = screen.filters.get();
        screen.version.track();
        let same = last_filters.with_value(|l| l.as_ref() == Some(&filters));
        last_filters.set_value(Some(filters));
        if same {
            start(Load::Refresh);
        } else {
            screen.selection.set(Default::default());
            if let Some(s) = scroller.get_untracked() {
                s.set_scroll_top(0);
            }
            start(Load::First);
        }
    });

    let busy = Signal::derive(move || matches!(load.get(), Load::First | Load::Refresh | Load::More));
    let on_scroll = move |_| {
        let Some(s) = scroller.get_untracked() else { return };
        let near_end = s.scroll_top() + s.client_height() >= s.scroll_height() - 300;
        if near_end && next.with_untracked(Option::is_some) && load.get_untracked() == Load::Idle {
            start(Load::More);
        }
    };

    let visible = Memo::new(move |_| choice.with(|c| column_settings::visible(COLUMNS, c)));
    let settings_open = RwSignal::new(false);
    let save_columns = Callback::new(move |new: Vec<ColumnChoice>| {
        choice.set(new.clone());
        settings_open.set(false);
        spawn_local(async move {
            let _ = session.call(move |t| api::preferences::save(t, COLUMNS_KEY, new.clone())).await;
        });
    });

    let all_ticked = move || {
        rows.with(|r| !r.is_empty() && screen.selection.with(|s| r.iter().all(|t| s.contains(&t.id))))
    };
    let tick_all = move |on: bool| {
        let ids: Vec<i64> = rows.with_untracked(|r| r.iter().map(|t| t.id).collect());
        screen.selection.update(|s| {
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
        let (sorted, descending) = screen.filters.with(TicketFilters::sort_key);
        visible
            .get()
            .into_iter()
            .map(|col| match columns::sort_key(col.key) {
                Some((key, descending_first)) => {
                    let aria = if sorted == key {
                        if descending { "descending" } else { "ascending" }
                    } else {
                        "none"
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
                                    let filters = screen.filters.get_untracked();
                                    let sort = filters.sorted_by(key, descending_first);
                                    screen.set_filters(TicketFilters { sort, ..filters });
                                }
                            >
                                {col.label}
                                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                            </button>
                        </th>
                    }
                    .into_any()
                }
                None => {
                    view! { <th scope="col" class=format!("col-{}", col.key)>{col.label}</th> }.into_any()
                }
            })
            .collect_view()
    };

    let body_state = move || {
        let empty = rows.with(Vec::is_empty);
        match load.get() {
            Load::First if empty => Some(view! { <p class="list-state" aria-busy="true">"Loading tickets…"</p> }.into_any()),
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
            Load::Idle if empty => {
                let filtered = screen.filters.with(TicketFilters::is_filtered);
                Some(
                    view! {
                        <p class="list-state" data-testid="tickets-empty">
                            {if filtered {
                                "No ticket matches these filters."
                            } else {
                                "No tickets in the last 30 days."
                            }}
                        </p>
                    }
                    .into_any(),
                )
            }
            _ => None,
        }
    };

    view! {
        <section class="card list-card" aria-label="Tickets">
            <div class="toolbar">
                <span class="total" data-testid="tickets-total">
                    {move || match total.get() {
                        Some(1) => "1 ticket".to_string(),
                        Some(n) => format!("{n} tickets"),
                        None => "…".to_string(),
                    }}
                </span>
                {move || bulk.as_ref().map(|b| b.run())}
                <span class="spacer"></span>
                <AutoRefresh every=every on_refresh=move |_| start(Load::Refresh) busy=busy />
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    on:click=move |_| settings_open.set(true)
                >
                    "Column settings"
                </button>
                {move || add.as_ref().map(|a| a.run())}
            </div>
            <div class="table-scroll" node_ref=scroller on:scroll=on_scroll>
                <table class="table tickets-table" aria-rowcount=move || total.get().unwrap_or(0).to_string()>
                    <thead>
                        <tr>
                            <th scope="col" class="col-check">
                                <input
                                    type="checkbox"
                                    aria-label="Select all loaded tickets"
                                    prop:checked=all_ticked
                                    on:change=move |ev| tick_all(event_target_checked(&ev))
                                />
                            </th>
                            {header}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            // The version is in the key, so a changed ticket redraws and the rest stay.
                            key=|t| (t.id, t.version)
                            let:t
                        >
                            <TicketRow ticket=t visible=visible />
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
                    defs=COLUMNS
                    current=choice.get_untracked()
                    on_save=save_columns
                    on_close=move |_| settings_open.set(false)
                />
            </Show>
        </section>
    }
}

/// One row: the tick box and the visible cells. Clicking the row (not a control) opens it.
#[component]
fn TicketRow(ticket: TicketSummary, visible: Memo<Vec<column_settings::ColumnDef>>) -> impl IntoView {
    let screen = use_tickets_screen();
    let id = ticket.id;
    let ticked = move || screen.selection.with(|s| s.contains(&id));
    let open = move || screen.open.get() == Some(id);
    let ticket = StoredValue::new(ticket);
    let cells = move || {
        visible
            .get()
            .into_iter()
            .map(|col| {
                view! { <td class=format!("col-{}", col.key)>{ticket.with_value(|t| columns::cell(col.key, t))}</td> }
            })
            .collect_view()
    };
    view! {
        <tr class:ticked=ticked class:open=open data-ticket-id=id>
            <td class="col-check">
                <input
                    type="checkbox"
                    aria-label=format!("Select ticket #{id}")
                    prop:checked=ticked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        screen.selection.update(|s| {
                            if on {
                                s.insert(id);
                            } else {
                                s.remove(&id);
                            }
                        });
                    }
                />
            </td>
            {cells}
        </tr>
    }
}
