//! The explanation request form, on the Explanations screen's Add panel and behind a ticket's
//! Explanation Request button (then the ticket's evidence comes with it): priority, violator,
//! manager filled in from the violator and changeable, auditor, category, deadline, message
//! (10,000 characters) and evidence from a log search.

mod evidence;

use chrono::{Duration, Utc};
use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{
    explanations::{EmployeeRef, ExplanationDetail, NewExplanation},
    logs::LogRecord,
    tickets::Priority,
};

use self::evidence::EvidenceDialog;
use crate::{
    api::{self, ApiError},
    components::common::{
        employee_picker::EmployeePicker,
        records::{RecordRow, RecordTable},
    },
    format, labels,
    session::use_session,
};

/// The longest request message (the server's limit).
const MESSAGE_MAX: usize = 10_000;

/// The form. `ticket_id`: asked from that ticket (its evidence is copied). `on_saved` gets the
/// new request.
#[component]
pub fn ExplanationRequestForm(
    #[prop(optional)] ticket_id: Option<i64>,
    #[prop(into)] on_saved: Callback<ExplanationDetail>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let priority = RwSignal::new(Priority::Low);
    let violator = RwSignal::new(None::<EmployeeRef>);
    let manager = RwSignal::new(None::<EmployeeRef>);
    let auditor = RwSignal::new(None::<EmployeeRef>);
    let category = RwSignal::new(None::<i64>);
    // Default: a week from now.
    let deadline = RwSignal::new(format::to_local_input(Utc::now() + Duration::days(7)));
    let message = RwSignal::new(String::new());
    let records = RwSignal::new(Vec::<LogRecord>::new());
    let picking = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let note = RwSignal::new(None::<String>);

    let categories = LocalResource::new(move || session.call(api::catalog::explanation_categories));
    let ticket_evidence = LocalResource::new(move || async move {
        match ticket_id {
            Some(id) => Some(session.call(move |t| api::tickets::evidence(t, id, None, 500)).await),
            None => None,
        }
    });

    // A violator picked: the automatic primary reviewer becomes the manager (changeable).
    Effect::new(move |previous: Option<Option<String>>| {
        let current = violator.get().map(|v| v.id);
        let changed = previous.is_some_and(|p| p != current);
        if changed && let Some(id) = current.clone() {
            spawn_local(async move {
                match session.call(move |t| api::people::primary_reviewer(t, id.clone())).await {
                    Ok(e) => {
                        manager.set(Some(EmployeeRef { id: e.id, name: e.name }));
                        note.set(Some("The manager was assigned automatically; you can change it.".into()));
                    }
                    Err(e) if e.status() == Some(404) => {
                        manager.set(None);
                        note.set(Some("Nobody could be assigned automatically: choose the manager.".into()));
                    }
                    Err(e) => note.set(Some(e.message())),
                }
            });
        }
        // Evidence of one employee does not fit another.
        if changed {
            records.set(Vec::new());
        }
        current
    });

    let save = Action::new_local(move |body: &NewExplanation| {
        let body = body.clone();
        async move {
            match ticket_id {
                Some(id) => {
                    session.call(move |t| api::explanations::create_from_ticket(t, id, body.clone())).await
                }
                None => session.call(move |t| api::explanations::create(t, body.clone())).await,
            }
        }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(detail)) => on_saved.run(detail),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let field = move |name: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(name))))
    };
    let general =
        move || error.with(|e| e.as_ref().filter(|e| e.field_errors().is_empty()).map(ApiError::message));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(violator_id) = violator.get_untracked().map(|v| v.id) else {
            error.set(Some(local_problem("violator_id", "Choose the violator.")));
            return;
        };
        let Some(category_id) = category.get_untracked() else {
            error.set(Some(local_problem("category_id", "Choose a category.")));
            return;
        };
        let Some(deadline) = format::from_local_input(&deadline.get_untracked()) else {
            error.set(Some(local_problem("deadline", "Set the deadline.")));
            return;
        };
        if message.with_untracked(|m| m.chars().count()) > MESSAGE_MAX {
            error.set(Some(local_problem("message", "At most 10,000 characters.")));
            return;
        }
        error.set(None);
        save.dispatch_local(NewExplanation {
            priority: Some(priority.get_untracked()),
            violator_id,
            manager_id: manager.get_untracked().map(|m| m.id),
            auditor_id: auditor.get_untracked().map(|a| a.id),
            category_id,
            deadline,
            message: message.get_untracked(),
            ticket_id,
            evidence_record_ids: records.with_untracked(|r| r.iter().map(|r| r.id).collect()),
        });
    };

    let category_options = move || {
        categories.get().and_then(Result::ok).map(|p| {
            p.items
                .into_iter()
                .map(|c| {
                    let id = c.id;
                    view! { <option value=id.to_string() selected=move || category.get() == Some(id)>{c.name}</option> }
                })
                .collect_view()
        })
    };
    let ticket_part = move || {
        ticket_evidence.get().flatten().map(|r| match r {
            Ok(page) => {
                let count = page.total;
                let rows: Vec<RecordRow> = page.items.iter().map(RecordRow::from).collect();
                view! {
                    <p class="muted small" data-testid="ticket-evidence-note">
                        {format!("The ticket's evidence comes with the request ({count} record{}).", if count == 1 { "" } else { "s" })}
                    </p>
                    <Show when=move || { count > 0 }>
                        <RecordTable rows=rows.clone() label="The ticket's evidence" />
                    </Show>
                }
                .into_any()
            }
            Err(e) => view! { <p class="field-error">{e.message()}</p> }.into_any(),
        })
    };
    let added = move || {
        let rows: Vec<RecordRow> = records.get().iter().map(RecordRow::from).collect();
        (!rows.is_empty()).then(|| {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            view! {
                <RecordTable rows=rows label="Evidence added" />
                <div class="evidence-remove">
                    {ids
                        .into_iter()
                        .map(|id| view! {
                            <button type="button" class="chip chip-removable" aria-label=format!("Remove record {id}") on:click=move |_| records.update(|r| r.retain(|x| x.id != id))>
                                {format!("Record {id}")}<span class="chip-x">"✕"</span>
                            </button>
                        })
                        .collect_view()}
                </div>
            }
        })
    };
    let on_add = Callback::new(move |picked: Vec<LogRecord>| {
        records.update(|r| {
            for p in picked {
                if !r.iter().any(|x| x.id == p.id) {
                    r.push(p);
                }
            }
        });
        picking.set(false);
    });

    let too_long = move || message.with(|m| m.chars().count()) > MESSAGE_MAX;

    view! {
        <form class="panel-form explanation-form" on:submit=on_submit novalidate>
            // From a ticket the form sits in a dialog that has the title already.
            {ticket_id.is_none().then(|| view! { <h2 class="panel-title">"Add explanation"</h2> })}
            <div class="form-grid">
                <div class="field">
                    <label for="x-priority">"Priority *"</label>
                    <select id="x-priority" class="select" on:change=move |ev| priority.set(Priority::parse(&event_target_value(&ev)).unwrap_or(Priority::Low))>
                        {Priority::ALL
                            .iter()
                            .rev()
                            .map(|p| {
                                let p = *p;
                                view! { <option value=p.as_str() selected=move || priority.get() == p>{labels::priority(p)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="x-category">"Category *"</label>
                    <select
                        id="x-category"
                        class="select"
                        class:invalid=move || field("category_id").get().is_some()
                        on:change=move |ev| category.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="" selected=move || category.get().is_none()>"Choose…"</option>
                        {category_options}
                    </select>
                    <span class="field-error" role="alert">{move || field("category_id").get()}</span>
                </div>
                <EmployeePicker label="Violator" id="x-violator" chosen=violator error=field("violator_id") required=true />
                <EmployeePicker label="Manager Name" id="x-manager" chosen=manager error=field("manager_id") required=true />
                <EmployeePicker label="Auditor Name" id="x-auditor" chosen=auditor error=field("auditor_id") />
                <div class="field">
                    <label for="x-deadline">"Deadline *"</label>
                    <input
                        id="x-deadline"
                        class="input"
                        type="datetime-local"
                        class:invalid=move || field("deadline").get().is_some()
                        prop:value=move || deadline.get()
                        on:input=move |ev| deadline.set(event_target_value(&ev))
                    />
                    <span class="field-error" role="alert">{move || field("deadline").get()}</span>
                </div>
            </div>
            <p class="muted small" role="status">{move || note.get()}</p>
            <div class="field">
                <label for="x-message">"Explanation Request Message"</label>
                <textarea
                    id="x-message"
                    class="md-input"
                    rows="6"
                    class:invalid=move || field("message").get().is_some() || too_long()
                    prop:value=move || message.get()
                    on:input=move |ev| message.set(event_target_value(&ev))
                ></textarea>
                <div class="field-foot">
                    <span class="field-error" role="alert">{move || field("message").get()}</span>
                    <span class="counter" class:over=too_long>
                        {move || format!("{} / 10,000", message.with(|m| m.chars().count()))}
                    </span>
                </div>
            </div>
            <section class="form-section" aria-label="Evidence">
                <div class="section-head">
                    <h3>"Evidence"</h3>
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        disabled=move || violator.with(Option::is_none)
                        title=move || if violator.with(Option::is_none) { "Choose the violator first" } else { "Search the violator's records" }
                        on:click=move |_| picking.set(true)
                    >
                        "Add"
                    </button>
                </div>
                {ticket_part}
                {added}
                <span class="field-error" role="alert">{move || field("evidence_record_ids").get()}</span>
            </section>
            <p class="form-error" role="alert">{general}</p>
            <footer class="panel-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
            </footer>
            {move || {
                (picking.get())
                    .then(|| violator.get().map(|v| view! {
                        <EvidenceDialog emp_key=v.id on_add=on_add on_close=move |_| picking.set(false) />
                    }))
                    .flatten()
            }}
        </form>
    }
}

/// A refusal made here, before asking the server, in the server's shape.
fn local_problem(field: &str, message: &str) -> ApiError {
    ApiError::Server(socdesk_types::Problem {
        kind: "about:blank".into(),
        title: "Some fields need attention.".into(),
        status: 422,
        detail: None,
        errors: vec![socdesk_types::FieldError::new(field, message)],
    })
}
