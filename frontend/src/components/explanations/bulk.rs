//! The bulk toolbar of the explanation list: Review (Confirm as Normal / Confirm as Violated /
//! Return, with the auditor's opinion, required), Delete, Clear selection; then each request's
//! result.

use leptos::prelude::*;
use socdesk_types::explanations::{BulkReview, ExplanationBulkItem, ExplanationBulkResponse, ReviewAction};

use super::{columns::review_path, use_explanations_screen};
use crate::{
    api::{self, ApiError},
    components::{
        common::{
            bulk_results::{BulkLine, BulkOutcome, BulkResults},
            dialog::Dialog,
        },
        shell::can,
    },
    labels,
    session::use_session,
};
use socdesk_types::Permission;

/// The opinion's limit (the server's).
const OPINION_MAX: usize = 10_000;

/// An explanation's result as the results dialog shows it.
fn line(r: &ExplanationBulkItem) -> BulkLine {
    BulkLine {
        id: r.id,
        ok: r.ok,
        now: r.status.map(|s| (labels::explanation_status(s), labels::explanation_status_color(s))),
        error_status: r.error_status,
        error: r.error.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Review,
    Delete,
}

/// The toolbar, shown while explanations are ticked (reviewing needs EXPLANATION_AUDIT).
#[component]
pub fn ExplanationBulkToolbar() -> impl IntoView {
    let screen = use_explanations_screen();
    let count = move || screen.selection.with(|s| s.len());
    let open = RwSignal::new(None::<Open>);
    let results = RwSignal::new(None::<BulkOutcome>);
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let may_audit = move || can(Permission::ExplanationAudit);

    let finish = move |what: &str, answer: ExplanationBulkResponse, deleted: bool| {
        if deleted {
            let gone: Vec<i64> = answer.results.iter().filter(|r| r.ok).map(|r| r.id).collect();
            screen.selection.update(|s| {
                for id in &gone {
                    s.remove(id);
                }
            });
        }
        results.set(Some(BulkOutcome {
            what: what.to_owned(),
            noun: ("explanation", "explanations"),
            verb: if deleted { "deleted" } else { "changed" },
            sent: answer.results.len(),
            answer: Ok(answer.results.iter().map(line).collect()),
        }));
        open.set(None);
        screen.reload();
    };

    view! {
        <Show when=move || { count() > 0 }>
            <div class="bulk-toolbar" role="toolbar" aria-label="Bulk actions">
                <span class="bulk-count">{move || format!("{} selected", count())}</span>
                <Show when=may_audit>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(Some(Open::Review))>
                        "Review"
                    </button>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(Some(Open::Delete))>
                        "Delete"
                    </button>
                </Show>
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    on:click=move |_| screen.selection.set(Default::default())
                >
                    "Clear selection"
                </button>
            </div>
        </Show>
        {move || match open.get() {
            Some(Open::Review) => view! {
                <ReviewDialog
                    ids=screen.selection.get_untracked().into_iter().collect()
                    on_done=move |answer| finish("Review", answer, false)
                    on_close=move |_| open.set(None)
                />
            }
            .into_any(),
            Some(Open::Delete) => view! {
                <DeleteDialog
                    ids=screen.selection.get_untracked().into_iter().collect()
                    on_done=move |answer| finish("Delete", answer, true)
                    on_close=move |_| open.set(None)
                />
            }
            .into_any(),
            None => ().into_any(),
        }}
        {move || results.get().map(|outcome| view! {
            <BulkResults
                outcome=outcome
                on_close=move |_| results.set(None)
                on_clear=move |_| {
                    results.set(None);
                    screen.selection.set(Default::default());
                }
                on_open=move |id| {
                    results.set(None);
                    navigate.with_value(|n| n(&review_path(id), Default::default()));
                }
            />
        })}
    }
}

/// The review dialog: the decision and the auditor's opinion (required).
#[component]
fn ReviewDialog(
    ids: Vec<i64>,
    #[prop(into)] on_done: Callback<ExplanationBulkResponse>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let action = RwSignal::new(ReviewAction::Normal);
    let opinion = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let count = ids.len();
    let ids = StoredValue::new(ids);
    let send = Action::new_local(move |body: &BulkReview| {
        let body = body.clone();
        async move { session.call(move |t| api::explanations::bulk_review(t, body.clone())).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(answer)) => on_done.run(answer),
        Some(Err(e)) => error.set(Some(problem(&e))),
        None => {}
    });
    let submit = move |_| {
        let text = opinion.get_untracked();
        if text.trim().is_empty() {
            error.set(Some("The auditor's opinion is required.".into()));
            return;
        }
        if text.chars().count() > OPINION_MAX {
            error.set(Some(format!("At most {OPINION_MAX} characters.")));
            return;
        }
        error.set(None);
        send.dispatch_local(BulkReview {
            ids: ids.get_value(),
            action: action.get_untracked(),
            opinion: text,
        });
    };
    let choice = move |value: ReviewAction, label: &'static str| {
        view! {
            <label class="pick-row">
                <input
                    type="radio"
                    name="bulk-review-action"
                    prop:checked=move || action.get() == value
                    on:change=move |_| action.set(value)
                />
                {label}
            </label>
        }
    };
    view! {
        <Dialog title=format!("Review {count} explanation{}", if count == 1 { "" } else { "s" }) on_close=on_close test_id="bulk-review">
            <fieldset class="fieldset">
                <legend>"Status"</legend>
                {choice(ReviewAction::Normal, "Confirm as Normal")}
                {choice(ReviewAction::Violated, "Confirm as Violated")}
                {choice(ReviewAction::Return, "Return")}
            </fieldset>
            <p class="muted small">
                {move || match action.get() {
                    ReviewAction::Return => "Return sends each back to New and mails the violator a new link.",
                    _ => "Confirming records the result and completes the audit (Audit-completed).",
                }}
            </p>
            <label class="field-label" for="bulk-opinion">"Auditor's Opinion"</label>
            <textarea
                id="bulk-opinion"
                class="md-input"
                class:invalid=move || error.get().is_some()
                rows="5"
                required
                prop:value=move || opinion.get()
                on:input=move |ev| opinion.set(event_target_value(&ev))
            ></textarea>
            <div class="field-foot">
                <span class="field-error" role="alert">{move || error.get()}</span>
                <span class="counter">{move || format!("{} / {OPINION_MAX}", opinion.with(|o| o.chars().count()))}</span>
            </div>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="btn btn-primary" disabled=move || send.pending().get() on:click=submit>
                    {move || if send.pending().get() { "Applying…" } else { "Apply" }}
                </button>
            </footer>
        </Dialog>
    }
}

/// Asks before deleting (the audit log keeps each deletion).
#[component]
fn DeleteDialog(
    ids: Vec<i64>,
    #[prop(into)] on_done: Callback<ExplanationBulkResponse>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let count = ids.len();
    let ids = StoredValue::new(ids);
    let error = RwSignal::new(None::<String>);
    let send = Action::new_local(move |_: &()| {
        let ids = ids.get_value();
        async move { session.call(move |t| api::explanations::bulk_delete(t, ids.clone())).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(answer)) => on_done.run(answer),
        Some(Err(e)) => error.set(Some(problem(&e))),
        None => {}
    });
    view! {
        <Dialog title="Delete explanations" on_close=on_close test_id="bulk-delete">
            <p>
                {format!(
                    "Delete {count} explanation request{} with their evidence and history? The audit log keeps a record of each deletion.",
                    if count == 1 { "" } else { "s" },
                )}
            </p>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button
                    type="button"
                    class="btn btn-danger"
                    disabled=move || send.pending().get()
                    on:click=move |_| {
                        send.dispatch_local(());
                    }
                >
                    {move || if send.pending().get() { "Deleting…" } else { "Delete" }}
                </button>
            </footer>
        </Dialog>
    }
}

/// A refusal as one line: the per-field messages when there are some.
fn problem(e: &ApiError) -> String {
    match e.field_errors() {
        [] => e.message(),
        fields => fields.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join(" "),
    }
}
