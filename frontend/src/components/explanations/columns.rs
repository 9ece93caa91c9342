//! The explanation list's columns (the SPEC's, with its defaults), which sort, and their cells.

use leptos::prelude::*;
use leptos_router::components::A;
use socdesk_types::explanations::Explanation;

use crate::{
    components::common::{
        badges::{ExplanationStatusBadge, PriorityIndicator},
        column_settings::ColumnDef,
        data_list::{ListRow, Sorting},
    },
    format, labels,
};

impl ListRow for Explanation {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// Every column, in the SPEC's order; the defaults are Priority, Status, Violator, Manager Name,
/// Category, Result and Deadline.
pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "priority", label: "Priority", default: true },
    ColumnDef { key: "status", label: "Status", default: true },
    ColumnDef { key: "violator", label: "Violator", default: true },
    ColumnDef { key: "manager", label: "Manager Name", default: true },
    ColumnDef { key: "auditor", label: "Auditor Name", default: false },
    ColumnDef { key: "owner", label: "Owner Name", default: false },
    ColumnDef { key: "category", label: "Category", default: true },
    ColumnDef { key: "ticket", label: "Ticket Title", default: false },
    ColumnDef { key: "result", label: "Result", default: true },
    ColumnDef { key: "created", label: "Request Date", default: false },
    ColumnDef { key: "deadline", label: "Deadline", default: true },
];

/// Newest request first by default.
pub const SORTING: Sorting = Sorting { key_of: sort_key, default: ("created_at", true) };

fn sort_key(column: &str) -> Option<(&'static str, bool)> {
    Some(match column {
        "priority" => ("priority", false),
        "status" => ("status", false),
        "created" => ("created_at", true),
        "deadline" => ("deadline", false),
        _ => return None,
    })
}

/// The page of one explanation (its review page).
pub fn review_path(id: i64) -> String {
    format!("/explanations/{id}/review")
}

/// The cell of `column` for one explanation.
pub fn cell(column: &str, e: &Explanation) -> AnyView {
    match column {
        "priority" => view! { <PriorityIndicator priority=e.priority /> }.into_any(),
        "status" => view! { <ExplanationStatusBadge status=e.status /> }.into_any(),
        "violator" => {
            let (name, id) = (e.violator.name.clone(), format!(" {}", e.violator.id));
            view! {
                <A href=review_path(e.id) attr:class="row-link">
                    {name}
                    <span class="muted small">{id}</span>
                </A>
            }
            .into_any()
        }
        "manager" => e.manager.name.clone().into_any(),
        "auditor" => e.auditor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "—".into()).into_any(),
        "owner" => match &e.owner {
            Some(o) => o.name.clone(),
            None => "A detection rule".into(),
        }
        .into_any(),
        "category" => e.category.name.clone().into_any(),
        "ticket" => match &e.ticket {
            Some(t) => {
                let (number, name) = (format!("#{}", t.id), t.name.clone());
                view! {
                    <A href=format!("/tickets?ticket={}", t.id) attr:class="row-link">
                        <span class="ticket-id">{number}</span>
                        {name}
                    </A>
                }
                .into_any()
            }
            None => "—".into_any(),
        },
        "result" => match e.result {
            Some(r) => view! { <span class=format!("verdict verdict-{}", r.as_str())>{labels::explanation_result(r)}</span> }
                .into_any(),
            None => "—".into_any(),
        },
        "created" => format::datetime(e.created_at).into_any(),
        "deadline" => view! {
            <span class:overdue=e.deadline < chrono::Utc::now() && e.result.is_none()>{format::datetime(e.deadline)}</span>
        }
        .into_any(),
        _ => ().into_any(),
    }
}
