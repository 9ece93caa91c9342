//! The ticket list's columns: the SPEC's defaults and optional ones, which of them sort, and
//! how each cell reads.

use leptos::prelude::*;
use socdesk_types::tickets::{AccountRef, TicketSummary};

use super::{filters::TicketFilters, use_tickets_screen};
use crate::{
    components::common::{
        badges::{ExplanationStatusBadge, PriorityIndicator, StatusBadge, TagBadge},
        column_settings::ColumnDef,
        data_list::Sorting,
    },
    format, labels,
};

/// Every column, default ones first in the SPEC's order.
pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "category", label: "Category", default: true },
    ColumnDef { key: "priority", label: "Priority", default: true },
    ColumnDef { key: "status", label: "Status", default: true },
    ColumnDef { key: "title", label: "Title", default: true },
    ColumnDef { key: "assignees", label: "Assignees", default: true },
    ColumnDef { key: "attack", label: "Attack", default: true },
    ColumnDef { key: "incident", label: "Incident", default: true },
    ColumnDef { key: "created", label: "Created", default: true },
    ColumnDef { key: "explanation_status", label: "Explanation status", default: true },
    ColumnDef { key: "site", label: "Site", default: false },
    ColumnDef { key: "approvers", label: "Approvers", default: false },
    ColumnDef { key: "registered_by", label: "Registered by", default: false },
    ColumnDef { key: "duplicate_count", label: "Duplicate attack count", default: false },
    ColumnDef { key: "format", label: "Format", default: false },
    ColumnDef { key: "closed", label: "Closed", default: false },
    ColumnDef { key: "modified", label: "Modified", default: false },
];

/// How the ticket list sorts: newest first by default.
pub const SORTING: Sorting = Sorting { key_of: sort_key, default: ("created_at", true) };

/// The API's sort key for a column, when the list can sort by it, and whether its first click
/// sorts descending (times and counts: newest, largest first). Priority ascends from High and
/// status follows the workflow, so they start ascending, like titles.
fn sort_key(column: &str) -> Option<(&'static str, bool)> {
    Some(match column {
        "priority" => ("priority", false),
        "status" => ("status", false),
        "title" => ("title", false),
        "created" => ("created_at", true),
        "modified" => ("modified_at", true),
        "closed" => ("closed_at", true),
        "duplicate_count" => ("duplicate_count", true),
        _ => return None,
    })
}

fn names(people: &[AccountRef]) -> String {
    if people.is_empty() {
        "—".into()
    } else {
        people.iter().map(|a| a.display_name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

fn dash(text: Option<&str>) -> String {
    text.unwrap_or("—").to_owned()
}

/// The cell of `column` for one ticket.
pub fn cell(column: &str, t: &TicketSummary) -> AnyView {
    match column {
        "category" => dash(t.category.as_ref().map(|c| c.name.as_str())).into_any(),
        "priority" => view! { <PriorityIndicator priority=t.priority /> }.into_any(),
        "status" => view! { <StatusBadge status=t.status /> }.into_any(),
        "title" => title_cell(t).into_any(),
        "assignees" => names(&t.assignees).into_any(),
        "attack" => dash(t.attack.map(labels::attack)).into_any(),
        "incident" => dash(t.incident.map(labels::incident)).into_any(),
        "created" => format::datetime(t.created_at).into_any(),
        "explanation_status" => match t.explanation_status {
            Some(s) => view! { <ExplanationStatusBadge status=s /> }.into_any(),
            None => "—".into_any(),
        },
        "site" => t.site.name.clone().into_any(),
        "approvers" => names(&t.approvers).into_any(),
        "registered_by" => match &t.registered_by {
            Some(a) => a.display_name.clone(),
            None => "System".into(),
        }
        .into_any(),
        "duplicate_count" => t.duplicate_count.to_string().into_any(),
        "format" => labels::body_format(t.body_format).into_any(),
        "closed" => format::datetime_or_dash(t.closed_at).into_any(),
        "modified" => format::datetime(t.modified_at).into_any(),
        _ => ().into_any(),
    }
}

/// `#id` and the title (a button that opens the detail panel), then the tag badges (each a
/// button that filters the list by that tag).
fn title_cell(t: &TicketSummary) -> impl IntoView {
    let screen = use_tickets_screen();
    let id = t.id;
    let pick_tag = Callback::new(move |tag_id: i64| {
        let filters = screen.filters.get_untracked();
        screen.set_filters(TicketFilters { tag_id: Some(tag_id), ..filters });
    });
    let tags =
        t.tags.iter().cloned().map(|tag| view! { <TagBadge tag=tag on_pick=pick_tag /> }).collect_view();
    view! {
        <span class="title-cell">
            <button
                type="button"
                class="link-btn ticket-title"
                on:click=move |ev| {
                    ev.stop_propagation();
                    screen.open_ticket(id);
                }
            >
                <span class="ticket-id">{format!("#{id}")}</span>
                {t.title.clone()}
            </button>
            {tags}
        </span>
    }
}
