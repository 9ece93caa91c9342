//! Response > Explanations: the trend with its Status / Result toggle, the filter bar, the
//! list, bulk review, and the Add panel.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};
use socdesk_types::Permission;

use crate::components::{
    common::side_panel::SidePanel,
    explanations::{
        ExplanationsScreen, bulk::ExplanationBulkToolbar, columns::review_path,
        filter_bar::ExplanationFilterBar, filters::ExplanationFilters, form::ExplanationRequestForm,
        list::ExplanationList, trend::ExplanationTrendChart,
    },
    shell::can,
};

/// The Explanations screen.
#[component]
pub fn ExplanationsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(ExplanationFilters::from_query));
    let screen = ExplanationsScreen::new(filters);
    provide_context(screen);
    let navigate = use_navigate();

    let add_button = ViewFn::from(move || {
        view! {
            <Show when=move || can(Permission::ExplanationAudit)>
                <button type="button" class="btn btn-primary btn-small" on:click=move |_| screen.adding.set(true)>
                    "Add"
                </button>
            </Show>
        }
    });
    let panel = move || {
        screen.adding.get().then(|| {
            let navigate = navigate.clone();
            view! {
                <SidePanel label="Add explanation" on_close=move |_| screen.adding.set(false) test_id="explanation-add-panel">
                    <ExplanationRequestForm
                        on_saved=move |detail: socdesk_types::explanations::ExplanationDetail| {
                            screen.adding.set(false);
                            screen.reload();
                            navigate(&review_path(detail.summary.id), NavigateOptions::default());
                        }
                        on_cancel=move |_| screen.adding.set(false)
                    />
                </SidePanel>
            }
        })
    };

    view! {
        <div class="page explanations-page">
            <header class="page-head">
                <h1 class="page-title">"Explanations"</h1>
            </header>
            <ExplanationTrendChart />
            <ExplanationFilterBar />
            <ExplanationList bulk=ViewFn::from(|| view! { <ExplanationBulkToolbar /> }) actions=add_button />
            {panel}
        </div>
    }
}
