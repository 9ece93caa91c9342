//! The ticket detail side panel.

use leptos::prelude::*;

/// The panel of one ticket.
#[component]
pub fn TicketDetailPanel(id: i64) -> impl IntoView {
    let _ = id;
    view! { <div></div> }
}
