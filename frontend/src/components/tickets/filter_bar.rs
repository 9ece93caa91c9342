//! The filter bar over the ticket list: period, site, category, priority, status, assignee,
//! approver, created by, tag and keywords. Every change goes to the URL; the list and the trend
//! follow it.

use leptos::prelude::*;
use socdesk_types::tickets::{CreatedBy, Priority, TicketStatus};

use super::{filters::TicketFilters, use_tickets_screen};
use crate::{
    api,
    components::common::{
        filter_inputs::{ClearFilters, IdSelect, KeywordBox, PeriodInputs},
        multi_select::{MultiSelect, indexes, picked},
    },
    labels,
    session::use_session,
};

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

    let category_items = Signal::derive(move || {
        let items = categories.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default();
        items.into_iter().map(|c| (c.id, c.name)).collect::<Vec<_>>()
    });
    let tag_items = Signal::derive(move || {
        let items = tags.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default();
        items.into_iter().map(|t| (t.id, t.name)).collect::<Vec<_>>()
    });
    let people = Signal::derive(move || {
        accounts
            .get()
            .and_then(Result::ok)
            .map(|p| p.items.into_iter().map(|a| (a.id, a.display_name)).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let site_items = Signal::derive(move || {
        session
            .account()
            .map(|me| me.sites)
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect::<Vec<_>>()
    });
    let chosen = move |get: fn(&TicketFilters) -> Option<i64>| Signal::derive(move || filters.with(get));

    let now = chrono::Utc::now();
    let from = Signal::derive(move || filters.get().effective_from(now));
    let to = Signal::derive(move || filters.get().to);
    let keyword = Signal::derive(move || filters.get().q);

    let statuses: Vec<String> =
        TicketStatus::ALL.iter().map(|s| labels::ticket_status(*s).to_owned()).collect();
    let priorities: Vec<String> = Priority::ALL.iter().map(|p| labels::priority(*p).to_owned()).collect();
    let chosen_statuses = Signal::derive(move || filters.with(|f| indexes(TicketStatus::ALL, &f.status)));
    let chosen_priorities = Signal::derive(move || filters.with(|f| indexes(Priority::ALL, &f.priority)));
    let pick_priorities = move |p: Vec<usize>| change(&|f| f.priority = picked(Priority::ALL, &p));
    let pick_statuses = move |p: Vec<usize>| change(&|f| f.status = picked(TicketStatus::ALL, &p));

    view! {
        <form class="filter-bar" aria-label="Filters" on:submit=|ev| ev.prevent_default()>
            <PeriodInputs
                from=from
                to=to
                on_from=move |from| change(&|f| f.from = from)
                on_to=move |to| change(&|f| f.to = to)
            />
            <IdSelect
                label="Site"
                all="All sites"
                items=site_items
                chosen=chosen(|f| f.site_id)
                on_pick=move |v| change(&|f| f.site_id = v)
            />
            <IdSelect
                label="Category"
                all="All categories"
                items=category_items
                chosen=chosen(|f| f.category_id)
                on_pick=move |v| change(&|f| f.category_id = v)
            />
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
            <IdSelect
                label="Assignee"
                all="Anyone"
                items=people
                chosen=chosen(|f| f.assignee_id)
                on_pick=move |v| change(&|f| f.assignee_id = v)
            />
            <IdSelect
                label="Approver"
                all="Anyone"
                items=people
                chosen=chosen(|f| f.approver_id)
                on_pick=move |v| change(&|f| f.approver_id = v)
            />
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
            <IdSelect
                label="Tag"
                all="All tags"
                items=tag_items
                chosen=chosen(|f| f.tag_id)
                on_pick=move |v| change(&|f| f.tag_id = v)
            />
            <KeywordBox
                value=keyword
                placeholder="Title, body, fields, memos"
                on_change=move |q| screen.replace_filters(TicketFilters { q, ..filters.get_untracked() })
            />
            <ClearFilters
                disabled=Signal::derive(move || !filters.with(TicketFilters::is_filtered))
                on_clear=move |_| {
                    let sort = filters.get_untracked().sort;
                    screen.set_filters(TicketFilters { sort, ..TicketFilters::default() });
                }
            />
        </form>
    }
}
