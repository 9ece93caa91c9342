//! The explanation trend: requests per request day over the filtered period, stacked by status
//! or by result (the toggle in the chart's corner, kept in the URL).

use leptos::prelude::*;
use socdesk_types::explanations::{ExplanationResult, ExplanationStatus, ExplanationTrend, TrendView};

use super::{filters::ExplanationFilters, use_explanations_screen};
use crate::{
    api,
    components::common::trend_chart::{ChartDay, Series, TrendChart},
    labels,
    session::use_session,
};

/// The series of a view: (API key, legend label, colour).
fn series_of(view: TrendView) -> Vec<(&'static str, &'static str, &'static str)> {
    match view {
        TrendView::Status => ExplanationStatus::ALL
            .iter()
            .map(|s| (s.as_str(), labels::explanation_status(*s), labels::explanation_status_color(*s)))
            .collect(),
        TrendView::Result => vec![
            (ExplanationResult::Normal.as_str(), "Normal", "#16a34a"),
            (ExplanationResult::Violated.as_str(), "Violated", "#dc2626"),
            ("none", "Undecided", "#9ca3af"),
        ],
    }
}

fn chart_days(trend: &ExplanationTrend, keys: &[&str]) -> Vec<ChartDay> {
    trend
        .days
        .iter()
        .map(|d| ChartDay {
            date: d.date.clone(),
            values: keys.iter().map(|k| d.counts.get(*k).copied().unwrap_or(0)).collect(),
        })
        .collect()
}

/// The chart with its Status / Result toggle.
#[component]
pub fn ExplanationTrendChart() -> impl IntoView {
    let session = use_session();
    let screen = use_explanations_screen();
    let view_of = Memo::new(move |_| screen.filters.with(|f| f.view));
    let trend = LocalResource::new(move || {
        screen.version.track();
        let params = screen.params.get().set("view", view_of.get().as_str());
        async move { session.call(move |t| api::explanations::trend(t, params.clone())).await }
    });
    let toggle = move |view: TrendView| {
        let filters = screen.filters.get_untracked();
        screen.set_filters(ExplanationFilters { view, ..filters });
    };
    // The chart is drawn anew for each view: its series differ.
    let chart = move || {
        let view = view_of.get();
        let series = series_of(view);
        let keys: Vec<&'static str> = series.iter().map(|(k, _, _)| *k).collect();
        let shown = RwSignal::new(vec![true; series.len()]);
        let days = Signal::derive(move || {
            trend.get().and_then(|r| match r {
                // An answer for the other view (still loading this one) is not drawn.
                Ok(t) if t.view == view => Some(Ok(chart_days(&t, &keys))),
                Ok(_) => None,
                Err(e) => Some(Err(e.message())),
            })
        });
        let series = series.into_iter().map(|(_, label, color)| Series { label, color }).collect();
        let caption = match view {
            TrendView::Status => "Explanation requests per day, by status",
            TrendView::Result => "Explanation requests per day, by result",
        };
        view! { <TrendChart series=series days=days shown=shown caption=caption /> }
    };
    let button = move |view: TrendView, label: &'static str| {
        view! {
            <button
                type="button"
                role="radio"
                class="tab"
                class:active=move || view_of.get() == view
                aria-checked=move || (view_of.get() == view).to_string()
                on:click=move |_| toggle(view)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="card chart-card" aria-label="Explanation trend" data-testid="explanation-trend">
            <div class="chart-head">
                <div class="tabs" role="radiogroup" aria-label="Trend by">
                    {button(TrendView::Status, "Status")}
                    {button(TrendView::Result, "Result")}
                </div>
            </div>
            {chart}
        </section>
    }
}
