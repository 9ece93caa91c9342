//! The ticket list: the shared data list over `GET /api/tickets` with the ticket columns, the
//! screen's filters and sort, the bulk toolbar, Download and Add.

use leptos::prelude::*;
use socdesk_types::tickets::TicketSummary;

use super::{
    columns::{self, COLUMNS},
    filters::TicketFilters,
    use_tickets_screen,
};
use crate::{
    api,
    components::common::{
        data_list::{DataList, ListRow},
        download_dialog::{DownloadButton, ExportTarget},
    },
    live::Topic,
};

/// The ticket list's Download dialog.
const EXPORT: ExportTarget = ExportTarget {
    title: "Download ticket list",
    path: "/api/tickets/export",
    catalogue: socdesk_types::export::TICKET_COLUMNS,
    defaults: socdesk_types::export::TICKET_DEFAULT_COLUMNS,
    stem: "tickets",
};

impl ListRow for TicketSummary {
    fn id(&self) -> i64 {
        self.id
    }
    /// The explanation status follows the ticket's explanations without changing the ticket's
    /// version (that guards edits), so it is part of the row's version here: a new status
    /// redraws the row.
    fn version(&self) -> i64 {
        let explanation = self.explanation_status.map_or(0, |s| {
            socdesk_types::explanations::ExplanationStatus::ALL.iter().position(|x| *x == s).unwrap_or(0)
                as i64
                + 1
        });
        self.version * 16 + explanation
    }
}

/// The list and its toolbar.
#[component]
pub fn TicketList(
    /// What sits after the total (the bulk toolbar while tickets are ticked).
    #[prop(optional)]
    bulk: Option<ViewFn>,
    /// What sits at the toolbar's right end, after Download (Add).
    #[prop(optional)]
    add: Option<ViewFn>,
) -> impl IntoView {
    let screen = use_tickets_screen();
    let filters = screen.filters;
    let empty = Signal::derive(move || {
        if filters.with(TicketFilters::is_filtered) {
            "No ticket matches these filters.".to_string()
        } else {
            "No tickets in the last 30 days.".to_string()
        }
    });
    let on_sort = Callback::new(move |sort: Option<String>| {
        screen.set_filters(TicketFilters { sort, ..filters.get_untracked() });
    });
    let params = screen.params;
    let actions = ViewFn::from(move || {
        view! {
            <DownloadButton target=EXPORT params=params />
            {add.as_ref().map(|a| a.run())}
        }
    });
    view! {
        <DataList
            name="tickets"
            noun=("ticket", "tickets")
            columns=COLUMNS
            fetch=|t, p| Box::pin(api::tickets::list(t, p))
            params=screen.params
            sort=Signal::derive(move || filters.with(|f| f.sort.clone()))
            sorting=columns::SORTING
            on_sort=on_sort
            version=screen.version
            selection=screen.selection
            cell=columns::cell
            empty=empty
            open=screen.open
            bulk=bulk.unwrap_or_else(|| ViewFn::from(|| ()))
            actions=actions
            live=Topic::Tickets
        />
    }
}
