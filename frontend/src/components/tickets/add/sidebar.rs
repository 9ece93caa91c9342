//! The panel's right column: the ticket's properties (site, category, priority, attack,
//! incident, people, tags) and its attachments.

use leptos::prelude::*;
use socdesk_types::tickets::{AccountRef, Attack, Incident, Priority};

use super::{
    draft::{Draft, Spot},
    errors::FormErrors,
    form::clear_error,
};
use crate::{
    api,
    components::common::{account_picker::AccountPicker, files::FilePicker, tag_picker::TagPicker},
    labels,
    session::use_session,
};

/// A property: its label, its control, and the message about it.
#[component]
fn Prop(
    #[prop(into)] label: String,
    /// The control's `id` (the label points at it); none for groups of controls.
    #[prop(optional, into)]
    for_id: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] test_id: String,
    children: Children,
) -> impl IntoView {
    let label = match for_id {
        Some(id) => view! { <label class="add-prop-label" for=id>{label}</label> }.into_any(),
        None => view! { <span class="add-prop-label">{label}</span> }.into_any(),
    };
    view! {
        <div class="add-prop" data-testid=test_id>
            {label}
            {children()}
            <span class="field-error" role="alert">{move || error.get()}</span>
        </div>
    }
}

/// An `<option>` value for an optional id (empty for none).
fn option_value(id: Option<i64>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// Every property and the attachments.
#[component]
pub fn Sidebar(draft: Draft, errors: RwSignal<FormErrors>, uploading: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    let error = move |spot: Spot| Signal::derive(move || errors.with(|e| e.at(spot)));

    let sites = move || session.account().map(|me| me.sites).unwrap_or_default();
    let site_options = move || {
        sites()
            .into_iter()
            .map(|s| {
                let id = s.id;
                view! { <option value=id.to_string() selected=move || draft.site.get() == Some(id)>{s.name}</option> }
            })
            .collect_view()
    };

    let categories = LocalResource::new(move || session.call(api::catalog::ticket_categories));
    let category_options = move || {
        match categories.get() {
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|c| {
                let id = c.id;
                view! { <option value=id.to_string() selected=move || draft.category.get() == Some(id)>{c.name}</option> }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    }
    };
    let category_error = Signal::derive(move || {
        errors.with(|e| e.at(Spot::Category)).or_else(|| match categories.get() {
            Some(Err(e)) => Some(format!("Categories could not be loaded: {}", e.message())),
            _ => None,
        })
    });

    let priorities = Priority::ALL.iter().map(move |&p| {
        view! { <option value=p.as_str() selected=move || draft.priority.get() == p>{labels::priority(p)}</option> }
    });
    let attacks = Attack::ALL.iter().map(move |&a| {
        view! { <option value=a.as_str() selected=move || draft.attack.get() == Some(a)>{labels::attack(a)}</option> }
    });
    let incidents = Incident::ALL.iter().map(move |&i| {
        view! { <option value=i.as_str() selected=move || draft.incident.get() == Some(i)>{labels::incident(i)}</option> }
    });

    let attachment_errors = move || {
        let files = draft.files.get();
        errors.with(|e| {
            files
                .iter()
                .filter_map(|f| e.at(Spot::Attachment(f.id)))
                .chain(e.at(Spot::Attachments))
                .collect::<Vec<_>>()
        })
    };
    // A file removed takes its message with it.
    Effect::new(move || {
        let ids: Vec<i64> = draft.files.with(|f| f.iter().map(|a| a.id).collect());
        let gone = |spot: &Spot| matches!(spot, Spot::Attachment(id) if !ids.contains(id));
        if errors.with_untracked(|e| e.placed.keys().any(gone)) {
            errors.update(|e| e.placed.retain(|spot, _| !gone(spot)));
        }
    });

    view! {
        <div class="add-props">
            <Prop label="Site *" for_id="add-site" error=error(Spot::Site) test_id="prop-site">
                <select
                    id="add-site"
                    class="select"
                    class:invalid=move || error(Spot::Site).get().is_some()
                    on:change=move |ev| {
                        draft.site.set(event_target_value(&ev).parse().ok());
                        clear_error(errors, Spot::Site);
                    }
                >
                    <option value="" selected=move || draft.site.get().is_none()>"Choose a site…"</option>
                    {site_options}
                </select>
            </Prop>
            <Prop label="Category" for_id="add-category" error=category_error>
                <select
                    id="add-category"
                    class="select"
                    on:change=move |ev| {
                        draft.category.set(event_target_value(&ev).parse().ok());
                        clear_error(errors, Spot::Category);
                    }
                >
                    <option value=option_value(None) selected=move || draft.category.get().is_none()>"None"</option>
                    {category_options}
                </select>
            </Prop>
            <Prop label="Priority" for_id="add-priority" error=error(Spot::Priority)>
                <select
                    id="add-priority"
                    class="select"
                    on:change=move |ev| {
                        if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                            draft.priority.set(p);
                        }
                    }
                >
                    {priorities.collect_view()}
                </select>
            </Prop>
            <Prop label="Attack" for_id="add-attack" error=error(Spot::Attack)>
                <select
                    id="add-attack"
                    class="select"
                    on:change=move |ev| draft.attack.set(Attack::parse(&event_target_value(&ev)))
                >
                    <option value="" selected=move || draft.attack.get().is_none()>"Not set"</option>
                    {attacks.collect_view()}
                </select>
            </Prop>
            <Prop label="Incident" for_id="add-incident" error=error(Spot::Incident)>
                <select
                    id="add-incident"
                    class="select"
                    on:change=move |ev| draft.incident.set(Incident::parse(&event_target_value(&ev)))
                >
                    <option value="" selected=move || draft.incident.get().is_none()>"Not set"</option>
                    {incidents.collect_view()}
                </select>
            </Prop>
            <People
                label="Assignees"
                people=draft.assignees
                site=draft.site
                error=error(Spot::Assignees)
                on_change=Callback::new(move |()| clear_error(errors, Spot::Assignees))
            />
            <People
                label="Approvers"
                people=draft.approvers
                site=draft.site
                error=error(Spot::Approvers)
                on_change=Callback::new(move |()| clear_error(errors, Spot::Approvers))
            />
            <Prop label="Tags" error=error(Spot::Tags)>
                <div class="add-tags">
                    <TagPicker chosen=draft.tags label="Tags" />
                </div>
            </Prop>
            <Prop label="Attachments" error=Signal::derive(|| None::<String>) test_id="prop-attachments">
                <FilePicker stored=draft.files label="Attach files" id="add-files" uploading=uploading />
                <ul class="add-file-errors">
                    {move || {
                        attachment_errors()
                            .into_iter()
                            .map(|m| view! { <li class="field-error" role="alert">{m}</li> })
                            .collect_view()
                    }}
                </ul>
            </Prop>
        </div>
    }
}

/// Assignees or approvers: chips, and Choose… opening the user search dialog for the site.
#[component]
fn People(
    #[prop(into)] label: String,
    people: RwSignal<Vec<AccountRef>>,
    site: RwSignal<Option<i64>>,
    #[prop(into)] error: Signal<Option<String>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let picking = RwSignal::new(false);
    let title = format!("Choose {}", label.to_lowercase());
    let chips = {
        let label = label.clone();
        move || {
            let list = people.get();
            if list.is_empty() {
                return view! { <li class="muted small">"Nobody"</li> }.into_any();
            }
            list.into_iter()
                .map(|a| {
                    let id = a.id;
                    let remove_label = format!("Remove {} from {}", a.display_name, label.to_lowercase());
                    view! {
                        <li class="chip chip-removable" title=a.login.clone()>
                            {a.display_name.clone()}
                            <button
                                type="button"
                                class="chip-x"
                                aria-label=remove_label
                                on:click=move |_| {
                                    people.update(|p| p.retain(|x| x.id != id));
                                    on_change.run(());
                                }
                            >
                                "✕"
                            </button>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let confirm = move |chosen: Vec<AccountRef>| {
        people.set(chosen);
        picking.set(false);
        on_change.run(());
    };
    let list_label = label.clone();
    let button_label = format!("Choose {}…", label.to_lowercase());
    view! {
        <Prop label=label error=error test_id=format!("prop-{}", list_label.to_lowercase())>
            <ul class="chips add-people" aria-label=list_label>{chips}</ul>
            <button
                type="button"
                class="btn btn-secondary btn-small add-choose"
                aria-label=button_label
                on:click=move |_| picking.set(true)
            >
                "Choose…"
            </button>
            <Show when=move || picking.get()>
                <AccountPicker
                    title=title.clone()
                    initial=people.get_untracked()
                    site_id=site.get_untracked()
                    on_confirm=confirm
                    on_close=move |_| picking.set(false)
                />
            </Show>
        </Prop>
    }
}
