//! The Tickets screen's parts: filters, trend, list, bulk actions and the side panels. They talk
//! through [`TicketsScreen`], provided by the page.

pub mod add;
pub mod bulk;
pub mod columns;
pub mod detail;
pub mod filter_bar;
pub mod filters;
pub mod list;
pub mod run_playbook;
pub mod trend;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use socdesk_types::tickets::TicketKind;

use self::filters::TicketFilters;

/// The router's navigate function, kept where `Copy` handles can reach it.
type Navigate = Box<dyn Fn(&str, NavigateOptions)>;

/// What the Tickets screen shares between its parts: the filters and the open ticket (both read
/// from the URL), the selection, and a version that every view reloads on.
#[derive(Clone, Copy)]
pub struct TicketsScreen {
    /// The filters in the URL.
    pub filters: Memo<TicketFilters>,
    /// The ticket whose detail panel is open (`?ticket=`).
    pub open: Memo<Option<i64>>,
    /// The filters as API parameters, the default period filled in: the list and the trend ask
    /// for exactly the same tickets.
    pub params: Memo<crate::api::Params>,
    /// Ticket ids ticked in the list.
    pub selection: RwSignal<BTreeSet<i64>>,
    /// Bumped after a change, so the list and the trend fetch again (keeping scroll and selection).
    pub version: RwSignal<u64>,
    /// The Add panel open, and for which kind of ticket.
    pub adding: RwSignal<Option<TicketKind>>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl TicketsScreen {
    /// The screen's state over the page's URL query.
    pub fn new(filters: Memo<TicketFilters>, open: Memo<Option<i64>>) -> Self {
        let navigate = use_navigate();
        TicketsScreen {
            filters,
            open,
            params: Memo::new(move |_| filters.get().api_params(chrono::Utc::now())),
            selection: RwSignal::new(BTreeSet::new()),
            version: RwSignal::new(0),
            adding: RwSignal::new(None),
            navigate: StoredValue::new_local(Box::new(navigate)),
        }
    }

    fn go(&self, query: String, replace: bool) {
        let url = format!("/tickets{query}");
        self.navigate
            .with_value(|n| n(&url, NavigateOptions { replace, scroll: false, ..Default::default() }));
    }

    /// Shows the list for `filters` (a new history entry, so Back returns to the previous view).
    pub fn set_filters(&self, filters: TicketFilters) {
        self.go(filters.to_query(self.open.get_untracked()), false);
    }

    /// [`Self::set_filters`] without a history entry (for typing in the keyword box).
    pub fn replace_filters(&self, filters: TicketFilters) {
        self.go(filters.to_query(self.open.get_untracked()), true);
    }

    /// Opens a ticket's detail panel.
    pub fn open_ticket(&self, id: i64) {
        self.go(self.filters.get_untracked().to_query(Some(id)), false);
    }

    /// Closes the detail panel.
    pub fn close_ticket(&self) {
        self.go(self.filters.get_untracked().to_query(None), false);
    }

    /// Asks every view of the screen to fetch again.
    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }
}

/// The screen state provided by the Tickets page.
pub fn use_tickets_screen() -> TicketsScreen {
    expect_context::<TicketsScreen>()
}
