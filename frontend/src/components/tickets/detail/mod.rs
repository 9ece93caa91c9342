//! The ticket detail side panel: the title and body on the left with the tabs below them, the
//! properties and the workflow on the right. Every change goes through [`state::Detail`], which
//! sends one at a time with the latest version and refreshes what depends on it.

mod attachments;
mod body;
mod controls;
mod header;
mod people;
mod propagate;
mod request;
mod sidebar;
mod state;
mod status;
mod tabs;
mod tags;

use leptos::prelude::*;
use socdesk_types::tickets::Ticket;

use self::{body::TicketBody, header::TicketHeader, sidebar::TicketSidebar, state::Detail, tabs::DetailTabs};
use crate::{api, session::use_session};

/// The panel of one ticket: loading, refused or missing in place, then the ticket.
#[component]
pub fn TicketDetailPanel(id: i64) -> impl IntoView {
    let session = use_session();
    let first =
        LocalResource::new(move || async move { session.call(move |t| api::tickets::get_one(t, id)).await });
    move || match first.get() {
        None => view! {
            <div class="detail-state" aria-busy="true">
                <p class="detail-id">{format!("#{id}")}</p>
                <p class="muted">"Loading the ticket…"</p>
            </div>
        }
        .into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! {
            <div class="detail-state" role="alert" data-testid="ticket-missing">
                <p class="detail-id">{format!("#{id}")}</p>
                <p>"This ticket does not exist or is on a site you cannot see."</p>
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <div class="detail-state" role="alert">
                <p class="detail-id">{format!("#{id}")}</p>
                <p class="field-error">{e.message()}</p>
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| first.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        Some(Ok(ticket)) => view! { <LoadedTicket ticket=ticket /> }.into_any(),
    }
}

/// The ticket once loaded; from here on the panel keeps its own copy up to date.
#[component]
fn LoadedTicket(ticket: Ticket) -> impl IntoView {
    Detail::provide(ticket);
    view! {
        <article class="detail" data-testid="ticket-detail">
            <TicketHeader />
            <div class="detail-grid">
                <div class="detail-main">
                    <TicketBody />
                    <DetailTabs />
                </div>
                <TicketSidebar />
            </div>
        </article>
    }
}
