//! The filter bar over the explanation list: request-date period (default the last 30 days),
//! priority, status, category and keywords.

use leptos::prelude::*;
use socdesk_types::{explanations::ExplanationStatus, tickets::Priority};

use super::{filters::ExplanationFilters, use_explanations_screen};
use crate::{
    api,
    components::common::{
        filter_inputs::{ClearFilters, KeywordBox, PeriodInputs},
        multi_select::{MultiSelect, indexes, picked},
    },
    labels,
    session::use_session,
};

/// The bar.
#[component]
pub fn ExplanationFilterBar() -> impl IntoView {
    let session = use_session();
    let screen = use_explanations_screen();
    let filters = screen.filters;
    let change = move |edit: &dyn Fn(&mut ExplanationFilters)| {
        let mut f = filters.get_untracked();
        edit(&mut f);
        screen.set_filters(f);
    };
    let categories = LocalResource::new(move || session.call(api::catalog::explanation_categories));
    let category_list =
        Memo::new(move |_| categories.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default());
    let category_ids =
        Signal::derive(move || category_list.with(|c| c.iter().map(|c| c.id).collect::<Vec<_>>()));

    let now = chrono::Utc::now();
    let from = Signal::derive(move || filters.get().effective_from(now));
    let to = Signal::derive(move || filters.get().to);
    let keyword = Signal::derive(move || filters.get().q);
    let chosen_priorities = Signal::derive(move || filters.with(|f| indexes(Priority::ALL, &f.priority)));
    let chosen_statuses =
        Signal::derive(move || filters.with(|f| indexes(ExplanationStatus::ALL, &f.status)));
    let chosen_categories =
        Signal::derive(move || filters.with(|f| indexes(&category_ids.get(), &f.category_id)));
    let pick_priorities = move |p: Vec<usize>| change(&|f| f.priority = picked(Priority::ALL, &p));
    let pick_statuses = move |p: Vec<usize>| change(&|f| f.status = picked(ExplanationStatus::ALL, &p));
    let pick_categories = move |p: Vec<usize>| {
        let ids = category_ids.get_untracked();
        change(&|f| f.category_id = picked(&ids, &p));
    };
    // The category names arrive after the bar: the dropdown is drawn once they are here.
    let category_select = move || {
        let names: Vec<String> = category_list.get().into_iter().map(|c| c.name).collect();
        view! {
            <MultiSelect label="Category" options=names chosen=chosen_categories on_change=pick_categories />
        }
    };

    view! {
        <form class="filter-bar" aria-label="Filters" on:submit=|ev| ev.prevent_default()>
            <PeriodInputs
                from=from
                to=to
                on_from=move |from| change(&|f| f.from = from)
                on_to=move |to| change(&|f| f.to = to)
            />
            <div class="filter">
                <span>"Priority"</span>
                <MultiSelect
                    label="Priority"
                    options=Priority::ALL.iter().map(|p| labels::priority(*p).to_owned()).collect()
                    chosen=chosen_priorities
                    on_change=pick_priorities
                />
            </div>
            <div class="filter">
                <span>"Status"</span>
                <MultiSelect
                    label="Status"
                    options=ExplanationStatus::ALL.iter().map(|s| labels::explanation_status(*s).to_owned()).collect()
                    chosen=chosen_statuses
                    on_change=pick_statuses
                />
            </div>
            <div class="filter">
                <span>"Category"</span>
                {category_select}
            </div>
            <KeywordBox
                value=keyword
                placeholder="Message, violator, category"
                on_change=move |q| screen.replace_filters(ExplanationFilters { q, ..filters.get_untracked() })
            />
            <ClearFilters
                disabled=Signal::derive(move || !filters.with(ExplanationFilters::is_filtered))
                on_clear=move |_| {
                    let f = filters.get_untracked();
                    screen.set_filters(ExplanationFilters { sort: f.sort, view: f.view, ..ExplanationFilters::default() });
                }
            />
        </form>
    }
}
