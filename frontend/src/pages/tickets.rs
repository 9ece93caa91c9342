//! Response > Tickets: the trend, the filter bar, the list, and the side panels.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;

use crate::{
    api,
    components::{
        common::side_panel::SidePanel,
        tickets::{
            TicketsScreen,
            add::{AddMenu, AddTicketPanel},
            bulk::BulkToolbar,
            detail::TicketDetailPanel,
            filter_bar::TicketFilterBar,
            filters::{TicketFilters, has_filters},
            list::TicketList,
            trend::TicketTrendChart,
        },
    },
    session::use_session,
};

/// Where the account's last filters are kept (key/value pairs).
const FILTERS_KEY: &str = "tickets.filters";

/// The Tickets screen.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(TicketFilters::from_query));
    let open = Memo::new(move |_| query.with(|q| q.get_str("ticket").and_then(|v| v.parse::<i64>().ok())));
    let screen = TicketsScreen::new(filters, open);
    provide_context(screen);

    // A bare /tickets shows the filters this account used last; a URL with filters wins.
    let ready = RwSignal::new(query.with_untracked(has_filters));
    if !ready.get_untracked() {
        spawn_local(async move {
            if let Ok(Some(saved)) =
                session.call(|t| api::preferences::load::<Vec<(String, String)>>(t, FILTERS_KEY.into())).await
                && !saved.is_empty()
            {
                screen.replace_filters(TicketFilters::from_pairs(&saved));
            }
            ready.set(true);
        });
    }
    // Remember the filters for next time: every view shown, a shared link's included (not the
    // one just restored, which is saved already).
    Effect::new(move |previous: Option<TicketFilters>| {
        let current = filters.get();
        if ready.get() && previous.as_ref() != Some(&current) {
            let saved = current.to_pairs();
            spawn_local(async move {
                let _ =
                    session.call(move |t| api::preferences::save(t, FILTERS_KEY.into(), saved.clone())).await;
            });
        }
        current
    });

    let detail = move || {
        open.get().map(|id| {
            view! {
                <SidePanel label=format!("Ticket #{id}") on_close=move |_| screen.close_ticket() test_id="ticket-panel">
                    <TicketDetailPanel id=id />
                </SidePanel>
            }
        })
    };
    // The Add panel brings its own side panel: closing it with something typed asks first.
    let adding = move || screen.adding.get().map(|kind| view! { <AddTicketPanel kind=kind /> });

    view! {
        <div class="page tickets-page">
            <header class="page-head">
                <h1 class="page-title">"Tickets"</h1>
            </header>
            <Show when=move || ready.get() fallback=|| view! { <p class="loading">"Loading your last view…"</p> }>
                <TicketTrendChart />
                <TicketFilterBar />
                <TicketList bulk=ViewFn::from(|| view! { <BulkToolbar /> }) add=ViewFn::from(|| view! { <AddMenu /> }) />
            </Show>
            {detail}
            {adding}
        </div>
    }
}
