//! The filter bar over the ticket list: period, site, category, priority, status, assignee,
//! approver, created by, tag and keywords. Every change goes to the URL; the list and the trend
//! follow it.

use leptos::prelude::*;
use socdesk_types::tickets::{CreatedBy, Priority, TicketStatus};

use super::{filters::TicketFilters, use_tickets_screen};
use crate::{
    api,
    components::common::{
        filter_inputs::{KeywordBox, PeriodInputs},
        multi_select::MultiSelect,
    },
    labels,
    session::use_session,
};

/// An `<option>` list from (id, name) pairs with an "all" entry first.
fn options(all: &'static str, items: Vec<(i64, String)>, chosen: Option<i64>) -> impl IntoView {
    let unknown = chosen.filter(|c| !items.iter().any(|(id, _)| id == c));
    view! {
        <option value="" selected=chosen.is_none()>{all}</option>
        {items
            .into_iter()
            .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(id)>{name}</option> })
            .collect_view()}
        // A value from a shared link that this account cannot list still shows as chosen.
        {unknown.map(|id| view! { <option value=id.to_string() selected=true>{format!("#{id}")}</option> })}
    }
}

fn parse_id(value: &str) -> Option<i64> {
    value.parse().ok()
}

/// The bar.
#[component]
pub fn TicketFilterBar() -> impl IntoView {
    let session = use_session();
    let screen = use_tickets_screen();
    let filters = screen.filters;
    let change = move |edit: &dyn Fn(&mut TicketFilters)| {
        let mut f = filters.get_untracked();
        edit(&mut f);
        screen.set_filters(f);
    };

    let categories = LocalResource::new(move || session.call(api::catalog::ticket_categories));
    let tags = LocalResource::new(move || session.call(api::catalog::tags));
    let accounts =
        LocalResource::new(move || session.call(|t| api::directory::accounts(t, String::new(), None)));
    let sites = move || session.account().map(|me| me.sites).unwrap_or_default();

    let category_options = move || {
        let items = categories.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default();
        options(
            "All categories",
            items.into_iter().map(|c| (c.id, c.name)).collect(),
            filters.get().category_id,
        )
    };
    let tag_options = move || {
        let items = tags.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default();
        options("All tags", items.into_iter().map(|t| (t.id, t.name)).collect(), filters.get().tag_id)
    };
    let people = move || {
        accounts
            .get()
            .and_then(Result::ok)
            .map(|p| p.items.into_iter().map(|a| (a.id, a.display_name)).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let site_options = move || {
        options("All sites", sites().into_iter().map(|s| (s.id, s.name)).collect(), filters.get().site_id)
    };

    let now = chrono::Utc::now();
    let from = Signal::derive(move || filters.get().effective_from(now));
    let to = Signal::derive(move || filters.get().to);
    let keyword = Signal::derive(move || filters.get().q);

    let statuses: Vec<String> =
        TicketStatus::ALL.iter().map(|s| labels::ticket_status(*s).to_owned()).collect();
    let priorities: Vec<String> = Priority::ALL.iter().map(|p| labels::priority(*p).to_owned()).collect();
    let chosen_statuses = Signal::derive(move || {
        filters.with(|f| {
            TicketStatus::ALL
                .iter()
                .enumerate()
                .filter(|(_, s)| f.status.contains(s))
                .map(|(i, _)| i)
                .collect()
        })
    });
    let chosen_priorities = Signal::derive(move || {
        filters.with(|f| {
            Priority::ALL.iter().enumerate().filter(|(_, p)| f.priority.contains(p)).map(|(i, _)| i).collect()
        })
    });

    let pick_priorities = move |picked: Vec<usize>| {
        change(&|f| f.priority = picked.iter().filter_map(|i| Priority::ALL.get(*i).copied()).collect());
    };
    let pick_statuses = move |picked: Vec<usize>| {
        change(&|f| f.status = picked.iter().filter_map(|i| TicketStatus::ALL.get(*i).copied()).collect());
    };

    view! {
        <form class="filter-bar" aria-label="Filters" on:submit=|ev| ev.prevent_default()>
            <PeriodInputs
                from=from
                to=to
                on_from=move |from| change(&|f| f.from = from)
                on_to=move |to| change(&|f| f.to = to)
            />
            <label class="filter">
                <span>"Site"</span>
                <select
                    class="select"
                    name="site"
                    aria-label="Site"
                    on:change=move |ev| {
                        let v = parse_id(&event_target_value(&ev));
                        change(&|f| f.site_id = v);
                    }
                >
                    {site_options}
                </select>
            </label>
            <label class="filter">
                <span>"Category"</span>
                <select
                    class="select"
                    name="category"
                    aria-label="Category"
                    on:change=move |ev| {
                        let v = parse_id(&event_target_value(&ev));
                        change(&|f| f.category_id = v);
                    }
                >
                    {category_options}
                </select>
            </label>
            <div class="filter">
                <span>"Priority"</span>
                <MultiSelect
                    label="Priority"
                    options=priorities
                    chosen=chosen_priorities
                    on_change=pick_priorities
                />
            </div>
            <div class="filter">
                <span>"Status"</span>
                <MultiSelect
                    label="Status"
                    options=statuses
                    chosen=chosen_statuses
                    on_change=pick_statuses
                />
            </div>
            <label class="filter">
                <span>"Assignee"</span>
                <select
                    class="select"
                    name="assignee"
                    aria-label="Assignee"
                    on:change=move |ev| {
                        let v = parse_id(&event_target_value(&ev));
                        change(&|f| f.assignee_id = v);
                    }
                >
                    {move || options("Anyone", people(), filters.get().assignee_id)}
                </select>
            </label>
            <label class="filter">
                <span>"Approver"</span>
                <select
                    class="select"
                    name="approver"
                    aria-label="Approver"
                    on:change=move |ev| {
                        let v = parse_id(&event_target_value(&ev));
                        change(&|f| f.approver_id = v);
                    }
                >
                    {move || options("Anyone", people(), filters.get().approver_id)}
                </select>
            </label>
            <label class="filter">
                <span>"Created by"</span>
                <select
                    class="select"
                    name="created_by"
                    aria-label="Created by"
                    on:change=move |ev| {
                        let v = CreatedBy::parse(&event_target_value(&ev));
                        change(&|f| f.created_by = v);
                    }
                >
                    <option value="" selected=move || filters.get().created_by.is_none()>"Anyone"</option>
                    {CreatedBy::ALL
                        .iter()
                        .map(|c| {
                            let c = *c;
                            view! {
                                <option value=c.as_str() selected=move || filters.get().created_by == Some(c)>
                                    {labels::created_by(c)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="filter">
                <span>"Tag"</span>
                <select
                    class="select"
                    name="tag"
                    aria-label="Tag"
                    on:change=move |ev| {
                        let v = parse_id(&event_target_value(&ev));
                        change(&|f| f.tag_id = v);
                    }
                >
                    {tag_options}
                </select>
            </label>
            <KeywordBox
                value=keyword
                placeholder="Title, body, fields, memos"
                on_change=move |q| screen.replace_filters(TicketFilters { q, ..filters.get_untracked() })
            />
            <div class="filter filter-end">
                <span aria-hidden="true">" "</span>
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    disabled=move || !filters.with(TicketFilters::is_filtered)
                    on:click=move |_| {
                        let sort = filters.get_untracked().sort;
                        screen.set_filters(TicketFilters { sort, ..TicketFilters::default() });
                    }
                >
                    "Clear filters"
                </button>
            </div>
        </form>
    }
}
