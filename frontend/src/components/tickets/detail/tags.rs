//! The ticket's tags: badges, and a dialog to choose them from the tag catalogue.

use std::collections::BTreeSet;

use leptos::{html, prelude::*};
use socdesk_types::tickets::{TagRef, TicketPatch};

use super::{
    controls::{EditButton, Property, refocus},
    state::{SaveNote, Saving, use_detail},
};
use crate::{
    api,
    components::common::{badges::TagBadge, dialog::Dialog},
    session::use_session,
};

/// Tag badges, and (for editors) the button that opens the tag dialog.
#[component]
pub fn TagsProperty() -> impl IntoView {
    let detail = use_detail();
    let choosing = RwSignal::new(false);
    let saving = Saving::new();
    let button = NodeRef::<html::Button>::new();
    let current = Memo::new(move |_| detail.ticket.with(|t| t.tags.clone()));
    let badges = move || {
        let tags = current.get();
        if tags.is_empty() {
            return view! { <span class="muted">"No tags"</span> }.into_any();
        }
        tags.into_iter().map(|tag| view! { <TagBadge tag=tag /> }).collect_view().into_any()
    };
    let edit = ViewFn::from(move || {
        detail.can_edit().then(|| {
            view! { <EditButton label="Edit tags" node_ref=button on_click=move |_| choosing.set(true) /> }
        })
    });
    let close = move || {
        choosing.set(false);
        refocus(button);
    };
    let confirm = move |ids: Vec<i64>| {
        close();
        let before: BTreeSet<i64> = current.get_untracked().iter().map(|t| t.id).collect();
        if before != ids.iter().copied().collect() {
            saving.run(detail.patch(TicketPatch { tag_ids: Some(ids), ..Default::default() }), || ());
        }
    };
    let dialog = move || {
        choosing.get().then(|| {
            view! { <TagDialog initial=current.get_untracked() on_confirm=confirm on_close=move |_| close() /> }
        })
    };
    view! {
        <Property label="Tags" action=edit test_id="tags">
            <div class="tag-badges">{badges}</div>
            <SaveNote saving=saving />
        </Property>
        {dialog}
    }
}

/// Every tag with a checkbox; Confirm answers the ticked ids (none removes every tag).
#[component]
fn TagDialog(
    initial: Vec<TagRef>,
    #[prop(into)] on_confirm: Callback<Vec<i64>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let chosen = RwSignal::new(initial.iter().map(|t| t.id).collect::<BTreeSet<i64>>());
    let tags = LocalResource::new(move || async move { session.call(api::catalog::tags).await });
    let list = move || match tags.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the tags…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => {
            view! { <p class="muted">"There are no tags yet: an administrator creates them."</p> }.into_any()
        }
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|tag| {
                let id = tag.id;
                let badge = TagRef { id, name: tag.name.clone(), color: tag.color.clone() };
                view! {
                    <li>
                        <label class="pick-row">
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        if on {
                                            c.insert(id);
                                        } else {
                                            c.remove(&id);
                                        }
                                    });
                                }
                            />
                            <TagBadge tag=badge />
                        </label>
                    </li>
                }
            })
            .collect_view()
            .into_any(),
    };
    view! {
        <Dialog title="Tags" on_close=on_close test_id="tag-dialog">
            <ul class="pick-list" aria-label="Tags">{list}</ul>
            <footer class="dialog-foot">
                <span class="muted">
                    {move || match chosen.with(BTreeSet::len) {
                        0 => "No tag chosen (confirming removes every tag)".to_string(),
                        1 => "1 chosen".to_string(),
                        n => format!("{n} chosen"),
                    }}
                </span>
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    on:click=move |_| on_confirm.run(chosen.get_untracked().into_iter().collect())
                >
                    "Confirm"
                </button>
            </footer>
        </Dialog>
    }
}
