//! Add → Analysis Ticket / Detection-based Ticket, and the panel that creates one.

use leptos::prelude::*;
use socdesk_types::tickets::TicketKind;

use super::use_tickets_screen;

/// The Add button and its menu.
#[component]
pub fn AddMenu() -> impl IntoView {
    let screen = use_tickets_screen();
    view! {
        <details class="menu add-menu">
            <summary class="btn btn-primary btn-small">"Add"</summary>
            <ul class="menu-list" role="menu">
                <li role="none">
                    <button type="button" role="menuitem" class="menu-item" on:click=move |_| screen.adding.set(Some(TicketKind::Analysis))>
                        "Analysis Ticket"
                    </button>
                </li>
                <li role="none">
                    <button type="button" role="menuitem" class="menu-item" on:click=move |_| screen.adding.set(Some(TicketKind::Detection))>
                        "Detection-based Ticket"
                    </button>
                </li>
            </ul>
        </details>
    }
}

/// The Create panel for the kind chosen in the Add menu.
#[component]
pub fn AddTicketPanel(kind: TicketKind) -> impl IntoView {
    let _ = kind;
    view! { <div></div> }
}
