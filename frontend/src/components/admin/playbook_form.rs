//! A playbook's form: name, description, enabled, and its ordered steps — add, remove, move up
//! or down, each with the fields of its kind. A refusal shows beside the field it names
//! (`steps[2].params.url`); edits send the version read (`If-Match`).

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{
    FieldError,
    playbooks::{Playbook, StepKind},
    tickets::{BodyFormat, Priority},
};

use super::playbook_draft::{StepDraft, steps_of, to_new};
use crate::{
    api::{self, Params},
    components::common::{
        form::{FieldMessage, FormErrors, FormField, FormMessage, is_about},
        tag_picker::TagPicker,
    },
    labels,
    session::use_session,
};

/// The fields the form shows errors beside; anything else goes to its foot.
const FIELDS: &[&str] = &["name", "description", "steps"];

/// The form of a new playbook, or of `playbook`. `on_saved` gets the playbook as stored.
#[component]
pub fn PlaybookForm(
    #[prop(optional)] playbook: Option<Playbook>,
    #[prop(into)] on_saved: Callback<Playbook>,
) -> impl IntoView {
    let session = use_session();
    let errors = FormErrors::new();
    let stored = StoredValue::new(playbook.as_ref().map(|b| (b.id, b.version)));
    let name = RwSignal::new(playbook.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let description =
        RwSignal::new(playbook.as_ref().and_then(|b| b.description.clone()).unwrap_or_default());
    let enabled = RwSignal::new(playbook.as_ref().is_none_or(|b| b.enabled));
    let steps = RwSignal::new(playbook.as_ref().map(|b| steps_of(b, 0)).unwrap_or_default());
    let next_key = StoredValue::new(steps.with_untracked(Vec::len) as u64);
    let new_kind = RwSignal::new(StepKind::SetPriority);
    let busy = RwSignal::new(false);
    let saved_note = RwSignal::new(None::<String>);

    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        steps.update(|s| s.push(StepDraft::new(key, new_kind.get_untracked())));
        errors.clear();
    };
    let move_by = move |key: u64, delta: isize| {
        steps.update(|s| {
            if let Some(i) = s.iter().position(|d| d.key == key) {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < s.len() {
                    s.swap(i, j as usize);
                }
            }
        });
        errors.clear();
    };
    let remove = move |key: u64| {
        steps.update(|s| s.retain(|d| d.key != key));
        errors.clear();
    };
    let step_errors = errors.under("steps");

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let body = steps.with_untracked(|s| {
            to_new(&name.get_untracked(), &description.get_untracked(), enabled.get_untracked(), s)
        });
        if body.name.is_empty() {
            errors.fail_fields(vec![FieldError::new("name", "A playbook needs a name.")]);
            return;
        }
        busy.set(true);
        errors.clear();
        saved_note.set(None);
        spawn_local(async move {
            let result = match stored.get_value() {
                Some((id, version)) => {
                    session.call(move |t| api::playbooks::replace(t, id, version, body.clone())).await
                }
                None => session.call(move |t| api::playbooks::create(t, body.clone())).await,
            };
            busy.set(false);
            match result {
                Ok(book) => {
                    stored.set_value(Some((book.id, book.version)));
                    saved_note.set(Some("Saved.".into()));
                    on_saved.run(book);
                }
                Err(e) => errors.fail(&e),
            }
        });
    };

    let rows = move || {
        let list = steps.get();
        let last = list.len().saturating_sub(1);
        list.into_iter()
            .enumerate()
            .map(|(i, d)| {
                let key = d.key;
                view! {
                    <li class="playbook-step" data-testid="playbook-step">
                        <div class="playbook-step-head">
                            <span class="playbook-step-number">{format!("{}.", i + 1)}</span>
                            <select
                                class="select"
                                aria-label=format!("Step {} kind", i + 1)
                                on:change=move |ev| {
                                    if let Some(k) = StepKind::parse(&event_target_value(&ev)) {
                                        d.kind.set(k);
                                    }
                                }
                            >
                                {StepKind::ALL
                                    .iter()
                                    .map(|&k| view! { <option value=k.as_str() selected=move || d.kind.get() == k>{labels::step_kind(k)}</option> })
                                    .collect_view()}
                            </select>
                            <span class="spacer"></span>
                            <button type="button" class="icon-btn" aria-label=format!("Move step {} up", i + 1) disabled={i == 0} on:click=move |_| move_by(key, -1)>"↑"</button>
                            <button type="button" class="icon-btn" aria-label=format!("Move step {} down", i + 1) disabled={i == last} on:click=move |_| move_by(key, 1)>"↓"</button>
                            <button type="button" class="icon-btn btn-danger-text" aria-label=format!("Remove step {}", i + 1) on:click=move |_| remove(key)>"✕"</button>
                        </div>
                        <StepFields index=i draft=d errors=step_errors />
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <form class="admin-form playbook-form" on:submit=submit novalidate=true data-testid="playbook-form">
            <FormField label="Name" id="playbook-name" error=errors.field("name")>
                <input id="playbook-name" class="input" aria-describedby="playbook-name-error" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </FormField>
            <FormField label="Description" id="playbook-description" error=errors.field("description") wide=true>
                <input id="playbook-description" class="input" aria-describedby="playbook-description-error" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
            </FormField>
            <label class="pick-row">
                <input type="checkbox" prop:checked=move || enabled.get() on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                "Enabled (analysts can run it)"
            </label>
            <h3 class="admin-subtitle">"Steps"</h3>
            <p class="muted small">"Steps run in this order on each ticket; a step that fails stops that ticket's run."</p>
            <ol class="playbook-steps">{rows}</ol>
            <FieldMessage id="playbook-steps" error=errors.list("steps") />
            <div class="playbook-add">
                <select class="select" aria-label="Kind of step to add" on:change=move |ev| {
                    if let Some(k) = StepKind::parse(&event_target_value(&ev)) {
                        new_kind.set(k);
                    }
                }>
                    {StepKind::ALL.iter().map(|&k| view! { <option value=k.as_str()>{labels::step_kind(k)}</option> }).collect_view()}
                </select>
                <button type="button" class="btn btn-secondary btn-small" on:click=add>"Add step"</button>
            </div>
            <FormMessage message=errors.rest(FIELDS) />
            <footer class="form-foot">
                <span class="muted small" role="status">{move || saved_note.get()}</span>
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { "Saving…" } else { "Save playbook" }}
                </button>
            </footer>
        </form>
    }
}

/// The message about `steps[index].params.{name}`, from the step errors.
fn message(errors: Signal<Vec<FieldError>>, index: usize, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        let field = format!("steps[{index}].params.{name}");
        errors.with(|list| {
            let found: Vec<String> =
                list.iter().filter(|e| is_about(&e.field, &field)).map(|e| e.message.clone()).collect();
            (!found.is_empty()).then(|| found.join("; "))
        })
    })
}

/// What is wrong with the step as a whole (`steps[2]`, `steps[2].params`: an unknown kind,
/// a missing parameter).
fn whole(errors: Signal<Vec<FieldError>>, index: usize) -> Signal<Option<String>> {
    Signal::derive(move || {
        let exact = [format!("steps[{index}]"), format!("steps[{index}].params")];
        errors.with(|list| list.iter().find(|e| exact.contains(&e.field)).map(|e| e.message.clone()))
    })
}

/// The fields of one step's kind.
#[component]
fn StepFields(index: usize, draft: StepDraft, errors: Signal<Vec<FieldError>>) -> impl IntoView {
    let id = move |name: &str| format!("step-{}-{name}", draft.key);
    let fields = move || {
        match draft.kind.get() {
        StepKind::SetPriority => view! {
            <FormField label="Priority" id=id("priority") error=message(errors, index, "priority")>
                <select id=id("priority") class="select" on:change=move |ev| {
                    if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                        draft.priority.set(p);
                    }
                }>
                    {Priority::ALL.iter().map(|&p| view! { <option value=p.as_str() selected=move || draft.priority.get() == p>{labels::priority(p)}</option> }).collect_view()}
                </select>
            </FormField>
        }
        .into_any(),
        StepKind::AddTags => view! {
            <div class="form-field form-field-wide">
                <span class="form-label">"Tags to add"</span>
                <TagPicker chosen=draft.tag_ids label="Tags to add" />
                <FieldMessage id=id("tags") error=message(errors, index, "tag_ids") />
            </div>
        }
        .into_any(),
        StepKind::Assign => view! {
            <div class="form-field form-field-wide">
                <span class="form-label">"Assignees (replace the ticket's)"</span>
                <AccountChecks chosen=draft.account_ids />
                <FieldMessage id=id("accounts") error=message(errors, index, "account_ids") />
            </div>
        }
        .into_any(),
        StepKind::AddMemo => view! {
            <FormField label="Memo" id=id("memo") error=message(errors, index, "body") wide=true>
                <textarea id=id("memo") class="md-input" rows="3" prop:value=move || draft.memo.get() on:input=move |ev| draft.memo.set(event_target_value(&ev))></textarea>
            </FormField>
            <FormField label="Format" id=id("format")>
                <select id=id("format") class="select" on:change=move |ev| {
                    if let Some(f) = BodyFormat::parse(&event_target_value(&ev)) {
                        draft.memo_format.set(f);
                    }
                }>
                    {[BodyFormat::Markdown, BodyFormat::Text].into_iter().map(|f| view! { <option value=f.as_str() selected=move || draft.memo_format.get() == f>{labels::body_format(f)}</option> }).collect_view()}
                </select>
            </FormField>
        }
        .into_any(),
        StepKind::CallWebhook => view! {
            <FormField label="URL" id=id("url") error=message(errors, index, "url") wide=true hint="Called with POST; private addresses only when Global options allow them.">
                <input id=id("url") class="input" placeholder="https://hooks.example.com/…" prop:value=move || draft.url.get() on:input=move |ev| draft.url.set(event_target_value(&ev)) />
            </FormField>
            <FormField label="Headers" id=id("headers") error=message(errors, index, "headers") wide=true hint="One per line: Name: value">
                <textarea id=id("headers") class="md-input" rows="2" prop:value=move || draft.headers.get() on:input=move |ev| draft.headers.set(event_target_value(&ev))></textarea>
            </FormField>
            <FormField label="JSON body" id=id("template") error=message(errors, index, "body_template") wide=true hint="Placeholders: {{ticket.id}}, {{ticket.title}}, {{ticket.priority}}, {{ticket.status}}, {{ticket.site}}, {{ticket.url}}, {{playbook.name}}, {{run.id}}, {{actor.login}}">
                <textarea id=id("template") class="md-input mono" rows="4" prop:value=move || draft.body_template.get() on:input=move |ev| draft.body_template.set(event_target_value(&ev))></textarea>
            </FormField>
        }
        .into_any(),
        StepKind::RequestExplanation => view! {
            <FormField label="Explanation category" id=id("category") error=message(errors, index, "category_id")>
                <CategorySelect id=id("category") chosen=draft.category_id />
            </FormField>
            <FormField label="Deadline (days)" id=id("days") error=message(errors, index, "deadline_days")>
                <input id=id("days") class="input input-number" inputmode="numeric" prop:value=move || draft.deadline_days.get() on:input=move |ev| draft.deadline_days.set(event_target_value(&ev)) />
            </FormField>
            <FormField label="Message" id=id("message") error=message(errors, index, "message") wide=true hint="To the employee of the ticket's first evidence record with an emp_key.">
                <textarea id=id("message") class="md-input" rows="2" prop:value=move || draft.message.get() on:input=move |ev| draft.message.set(event_target_value(&ev))></textarea>
            </FormField>
        }
        .into_any(),
    }
    };
    view! {
        <div class="playbook-step-fields">{fields}</div>
        <FieldMessage id=format!("step-{}", draft.key) error=whole(errors, index) />
    }
}

/// Every account as a checkbox (administrators list them all).
#[component]
fn AccountChecks(chosen: RwSignal<Vec<i64>>) -> impl IntoView {
    let session = use_session();
    let accounts = LocalResource::new(move || async move {
        let params = Params::new().set("limit", 500);
        session.call(move |t| api::accounts::list(t, params.clone())).await
    });
    move || match accounts.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading accounts…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(page)) => view! {
            <ul class="tag-picker">
                {page.items.into_iter().map(|a| {
                    let id = a.id;
                    view! {
                        <li>
                            <label class="pick-row">
                                <input
                                    type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != id);
                                            if on {
                                                c.push(id);
                                            }
                                        });
                                    }
                                />
                                {format!("{} ({})", a.display_name, a.login)}
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

/// The explanation categories as a `<select>`.
#[component]
fn CategorySelect(#[prop(into)] id: String, chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let session = use_session();
    let categories = LocalResource::new(move || session.call(api::catalog::explanation_categories));
    let options = move || {
        categories.get().and_then(Result::ok).map(|page| {
            page.items
                .into_iter()
                .map(|c| {
                    let cid = c.id;
                    view! { <option value=cid.to_string() selected=move || chosen.get() == Some(cid)>{c.name}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <select id=id class="select" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
            <option value="" selected=move || chosen.get().is_none()>"Choose…"</option>
            {options}
        </select>
    }
}
