//! The ticket trend above the list: tickets created per day over the filtered period, stacked
//! by current status.

use std::time::Duration;

use leptos::prelude::*;
use socdesk_types::tickets::TicketTrend;

use super::use_tickets_screen;
use crate::{
    api,
    components::common::trend_chart::{ChartDay, Series, TrendChart},
    labels::{self, TICKET_TREND_ORDER},
    live::{self, Topic},
    session::use_session,
};

fn chart_days(trend: TicketTrend) -> Vec<ChartDay> {
    trend
        .days
        .into_iter()
        .map(|d| ChartDay {
            values: TICKET_TREND_ORDER.iter().map(|s| d.by_status.get(*s)).collect(),
            date: d.date,
        })
        .collect()
}

/// The chart, over the same filters as the list.
#[component]
pub fn TicketTrendChart() -> impl IntoView {
    let session = use_session();
    let screen = use_tickets_screen();
    let shown = RwSignal::new(vec![true; TICKET_TREND_ORDER.len()]);
    // Changes announced live redraw it too, gathered: a bulk close is one fetch, not many.
    let changes = live::gathered_changes(Topic::Tickets, Duration::from_millis(500));
    let trend = LocalResource::new(move || {
        screen.version.track();
        changes.track();
        let params = screen.params.get();
        async move { session.call(move |t| api::tickets::trend(t, params.clone())).await }
    });
    // The last answer stays on screen while the next one loads, so the chart does not blink.
    let days = Signal::derive(move || trend.get().map(|r| r.map(chart_days).map_err(|e| e.message())));
    let series = TICKET_TREND_ORDER
        .iter()
        .map(|s| Series { label: labels::ticket_status(*s), color: labels::ticket_status_color(*s) })
        .collect();
    view! {
        <section class="card chart-card" aria-label="Ticket trend" data-testid="ticket-trend">
            <TrendChart series=series days=days shown=shown caption="Tickets created per day, by status" />
        </section>
    }
}
