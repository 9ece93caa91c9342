//! Tags to tick: every tag of the catalogue (`GET /api/tags`) as a checkbox with its badge.

use leptos::prelude::*;
use socdesk_types::{catalog::Tag, tickets::TagRef};

use super::badges::TagBadge;
use crate::{api, session::use_session};

/// The catalogue's tags with checkboxes; `chosen` holds the ticked ids, in catalogue order.
#[component]
pub fn TagPicker(
    chosen: RwSignal<Vec<i64>>,
    /// The list's accessible name.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let session = use_session();
    let tags = LocalResource::new(move || session.call(api::catalog::tags));
    let list = move || match tags.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading tags…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => {
            view! { <p class="muted">"There are no tags yet: an administrator creates them."</p> }.into_any()
        }
        Some(Ok(page)) => {
            let order: Vec<i64> = page.items.iter().map(|t| t.id).collect();
            page.items
                .into_iter()
                .map(|tag| {
                    let order = order.clone();
                    view! { <TagRow tag=tag chosen=chosen order=order /> }
                })
                .collect_view()
                .into_any()
        }
    };
    view! { <ul class="tag-picker" aria-label=label>{list}</ul> }
}

/// One tag: its checkbox and badge.
#[component]
fn TagRow(tag: Tag, chosen: RwSignal<Vec<i64>>, order: Vec<i64>) -> impl IntoView {
    let id = tag.id;
    let name = tag.name.clone();
    let badge = TagRef { id, name: tag.name, color: tag.color };
    let toggle = move |on: bool| {
        chosen.update(|c| {
            c.retain(|t| *t != id);
            if on {
                c.push(id);
                // Keep the catalogue's order, whatever order the boxes were ticked in.
                c.sort_by_key(|t| order.iter().position(|o| o == t).unwrap_or(usize::MAX));
            }
        })
    };
    view! {
        <li>
            <label class="pick-row">
                <input
                    type="checkbox"
                    aria-label=name
                    prop:checked=move || chosen.with(|c| c.contains(&id))
                    on:change=move |ev| toggle(event_target_checked(&ev))
                />
                <TagBadge tag=badge />
            </label>
        </li>
    }
}
