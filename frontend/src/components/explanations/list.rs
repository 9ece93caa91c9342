//! The explanation list: the shared data list over `GET /api/explanations` with the SPEC's
//! columns, the screen's filters and sort, the bulk toolbar, Download and Add.

use leptos::prelude::*;

use super::{
    columns::{self, COLUMNS},
    filters::ExplanationFilters,
    use_explanations_screen,
};
use crate::{
    api,
    components::common::{
        data_list::DataList,
        download_dialog::{DownloadButton, ExportTarget},
    },
    live::Topic,
};

/// The explanation list's Download dialog.
const EXPORT: ExportTarget = ExportTarget {
    title: "Download explanation list",
    path: "/api/explanations/export",
    catalogue: socdesk_types::export::EXPLANATION_COLUMNS,
    defaults: socdesk_types::export::EXPLANATION_DEFAULT_COLUMNS,
    stem: "explanations",
};

/// The list and its toolbar.
#[component]
pub fn ExplanationList(bulk: ViewFn, actions: ViewFn) -> impl IntoView {
    let screen = use_explanations_screen();
    let filters = screen.filters;
    let empty = Signal::derive(move || {
        if filters.with(ExplanationFilters::is_filtered) {
            "No explanation request matches these filters.".to_string()
        } else {
            "No explanation requests in the last 30 days.".to_string()
        }
    });
    let on_sort = Callback::new(move |sort: Option<String>| {
        screen.set_filters(ExplanationFilters { sort, ..filters.get_untracked() });
    });
    let params = screen.params;
    let actions = ViewFn::from(move || {
        view! {
            <DownloadButton target=EXPORT params=params />
            {actions.run()}
        }
    });
    view! {
        <DataList
            name="explanations"
            noun=("explanation", "explanations")
            columns=COLUMNS
            fetch=|t, p| Box::pin(api::explanations::list(t, p))
            params=screen.params
            sort=Signal::derive(move || filters.with(|f| f.sort.clone()))
            sorting=columns::SORTING
            on_sort=on_sort
            version=screen.version
            selection=screen.selection
            cell=columns::cell
            empty=empty
            bulk=bulk
            actions=actions
            live=Topic::Explanations
        />
    }
}
