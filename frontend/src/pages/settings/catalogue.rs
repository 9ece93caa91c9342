//! Settings > Sites, Ticket categories, Tags, Explanation categories: four small catalogues,
//! one page each over the same table.

use leptos::prelude::*;

use super::SettingsHead;
use crate::{api::admin::Catalogue, components::admin::catalogue::CatalogueAdmin};

/// One catalogue's page.
#[component]
pub fn CataloguePage(catalogue: Catalogue) -> impl IntoView {
    let (title, intro) = match catalogue {
        Catalogue::Sites => (
            "Sites",
            "Every ticket belongs to one site; accounts see only the tickets of the sites they are granted.",
        ),
        Catalogue::TicketCategories => {
            ("Ticket categories", "The ticket repositories analysts file tickets under.")
        }
        Catalogue::Tags => ("Tags", "Coloured labels put on tickets, to filter by."),
        Catalogue::ExplanationCategories => {
            ("Explanation categories", "What an explanation request is about, chosen when asking for one.")
        }
    };
    view! {
        <div class="page">
            <SettingsHead title=title intro=intro />
            <CatalogueAdmin catalogue=catalogue />
        </div>
    }
}
