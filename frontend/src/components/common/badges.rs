//! Status badges, priority indicators and tag badges.

use leptos::prelude::*;
use socdesk_types::{
    explanations::ExplanationStatus,
    playbooks::TaskStatus,
    tickets::{Priority, TagRef, TicketStatus},
};

use crate::labels;

/// A ticket status as a coloured badge.
#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    view! {
        <span
            class=format!("badge status status-{}", status.as_str())
            style=format!("--badge: {}", labels::ticket_status_color(status))
        >
            {labels::ticket_status(status)}
        </span>
    }
}

/// An explanation status as a coloured badge.
#[component]
pub fn ExplanationStatusBadge(status: ExplanationStatus) -> impl IntoView {
    view! {
        <span
            class=format!("badge status xstatus-{}", status.as_str())
            style=format!("--badge: {}", labels::explanation_status_color(status))
        >
            {labels::explanation_status(status)}
        </span>
    }
}

/// A playbook task's status as a coloured badge.
#[component]
pub fn TaskStatusBadge(status: TaskStatus) -> impl IntoView {
    view! {
        <span
            class=format!("badge status task-{}", status.as_str())
            style=format!("--badge: {}", labels::task_status_color(status))
        >
            {labels::task_status(status)}
        </span>
    }
}

/// A priority as a colour indicator with its name.
#[component]
pub fn PriorityIndicator(priority: Priority) -> impl IntoView {
    view! {
        <span class=format!("priority priority-{}", priority.as_str())>
            <span class="priority-dot" aria-hidden="true"></span>
            {labels::priority(priority)}
        </span>
    }
}

/// Black or white text, whichever reads better on `#rrggbb`.
fn text_on(color: &str) -> &'static str {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128) as f64;
    let luma = 0.299 * channel(0) + 0.587 * channel(2) + 0.114 * channel(4);
    if luma > 150.0 { "#111827" } else { "#ffffff" }
}

/// A tag as a badge in its colour; with `on_pick` it is a button (click to filter by it).
#[component]
pub fn TagBadge(tag: TagRef, #[prop(optional, into)] on_pick: Option<Callback<i64>>) -> impl IntoView {
    let style = format!("background: {}; color: {}", tag.color, text_on(&tag.color));
    match on_pick {
        Some(pick) => {
            let id = tag.id;
            let title = format!("Show tickets tagged {}", tag.name);
            view! {
                <button
                    type="button"
                    class="tag tag-button"
                    style=style
                    title=title
                    on:click=move |ev| {
                        ev.stop_propagation();
                        pick.run(id);
                    }
                >
                    {tag.name}
                </button>
            }
            .into_any()
        }
        None => view! { <span class="tag" style=style>{tag.name}</span> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::text_on;

    #[test]
    fn light_tags_get_dark_text_and_dark_tags_light_text() {
        assert_eq!(text_on("#ffffff"), "#111827");
        assert_eq!(text_on("#fde047"), "#111827");
        assert_eq!(text_on("#1f2937"), "#ffffff");
        assert_eq!(text_on("garbage"), "#ffffff");
    }
}
