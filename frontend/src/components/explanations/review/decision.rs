//! The reviewer's decision: a comment and Return / Confirm as Normal / Confirm as Violated, shown
//! only to the manager or the auditor whose turn it is; the link actions for auditors. Reviews
//! need an employee account: other accounts are told why instead.

use leptos::prelude::*;
use socdesk_types::explanations::{ExplanationAction, ExplanationDetail, ReviewAction};

use crate::{api, labels, session::use_session};

/// The comment's limit (the server's).
const COMMENT_MAX: usize = 10_000;

/// The decision card.
#[component]
pub fn Decision(
    detail: ExplanationDetail,
    latest: RwSignal<Option<ExplanationDetail>>,
    /// Says what the last decision did (kept by the page across the redraw it causes).
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let id = detail.summary.id;
    let allowed = detail.allowed_actions.clone();
    let can = move |a: ExplanationAction| allowed.contains(&a);
    let reviews: Vec<(ReviewAction, &'static str, &'static str)> = [
        (ExplanationAction::Return, ReviewAction::Return, "Return", "btn-secondary"),
        (ExplanationAction::Normal, ReviewAction::Normal, "Confirm as Normal", "btn-primary"),
        (ExplanationAction::Violated, ReviewAction::Violated, "Confirm as Violated", "btn-danger"),
    ]
    .into_iter()
    .filter(|(a, ..)| can(*a))
    .map(|(_, r, label, class)| (r, label, class))
    .collect();
    let links: Vec<ExplanationAction> = [ExplanationAction::ReissueLink, ExplanationAction::RevokeLink]
        .into_iter()
        .filter(|a| can(*a))
        .collect();
    // Known once the account is (after a reload only the tokens are).
    let is_employee = move || session.account().map(|me| me.employee_id.is_some());
    let status = detail.summary.status;

    let comment = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let review = Action::new_local(move |action: &ReviewAction| {
        notice.set(None);
        let (action, text, internal) = (*action, comment.get_untracked(), internal.get_untracked());
        let comment = (!text.trim().is_empty()).then_some(text);
        async move {
            session.call(move |t| api::explanations::review(t, id, action, comment.clone(), internal)).await
        }
    });
    let link = Action::new_local(move |action: &ExplanationAction| {
        let action = *action;
        async move {
            match action {
                ExplanationAction::RevokeLink => {
                    session.call(move |t| api::explanations::revoke_link(t, id)).await
                }
                _ => session.call(move |t| api::explanations::reissue_link(t, id)).await,
            }
        }
    });
    Effect::new(move || {
        for result in [review.value().get(), link.value().get()].into_iter().flatten() {
            match result {
                Ok(d) => {
                    notice.set(Some(format!("Saved: now {}.", labels::explanation_status(d.summary.status))));
                    error.set(None);
                    comment.set(String::new());
                    latest.set(Some(d));
                }
                Err(e) => {
                    let fields: Vec<String> = e.field_errors().iter().map(|f| f.message.clone()).collect();
                    error.set(Some(if fields.is_empty() { e.message() } else { fields.join(" ") }));
                }
            }
        }
    });
    let decide = move |action: ReviewAction| {
        if action == ReviewAction::Return && comment.with_untracked(|c| c.trim().is_empty()) {
            error.set(Some("Say what is missing: returning needs a comment the violator will read.".into()));
            return;
        }
        if comment.with_untracked(|c| c.chars().count()) > COMMENT_MAX {
            error.set(Some(format!("At most {COMMENT_MAX} characters.")));
            return;
        }
        review.dispatch_local(action);
    };
    let busy = move || review.pending().get() || link.pending().get();

    let form = move || {
        match is_employee() {
        None => view! { <p class="muted" aria-busy="true">"Loading your account…"</p> }.into_any(),
        Some(false) => {
        view! {
            <p class="banner banner-error" role="alert" data-testid="review-forbidden">
                "Explanation reviews can be done only by employee accounts of the organization. This account is not \
                 linked to an employee, so it can read the request but not review it."
            </p>
        }
        .into_any()
        }
        Some(true) if reviews.is_empty() => {
        view! {
            <p class="muted" data-testid="review-not-yours">
                {format!(
                    "Nothing for you to decide now: the request is {}, and it is another reviewer's turn or it is finished.",
                    labels::explanation_status(status),
                )}
            </p>
        }
        .into_any()
        }
        Some(true) => {
        let buttons = reviews
            .clone()
            .into_iter()
            .map(|(action, label, class)| {
                view! {
                    <button type="button" class=format!("btn {class}") disabled=busy on:click=move |_| decide(action)>
                        {label}
                    </button>
                }
            })
            .collect_view();
        view! {
            <label class="field-label" for="review-comment">"Your comment"</label>
            <textarea
                id="review-comment"
                class="md-input"
                rows="6"
                class:invalid=move || error.get().is_some()
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev))
            ></textarea>
            <div class="field-foot">
                <span class="field-error" role="alert">{move || error.get()}</span>
                <span class="counter">{move || format!("{} / 10,000", comment.with(|c| c.chars().count()))}</span>
            </div>
            <label class="pick-row">
                <input type="checkbox" prop:checked=move || internal.get() on:change=move |ev| internal.set(event_target_checked(&ev)) />
                "Internal: keep this comment from the violator"
            </label>
            <div class="review-actions">{buttons}</div>
        }
        .into_any()
        }
    }
    };
    let link_buttons = (!links.is_empty()).then(|| {
        links
            .into_iter()
            .map(|a| {
                let label = if a == ExplanationAction::RevokeLink { "Revoke the link" } else { "Send a new link" };
                view! {
                    <button type="button" class="btn btn-secondary btn-small" disabled=busy on:click=move |_| { link.dispatch_local(a); }>
                        {label}
                    </button>
                }
            })
            .collect_view()
    });
    view! {
        <section class="card decision" aria-labelledby="decision-h">
            <h2 id="decision-h" class="card-title">"Review"</h2>
            {form}
            <p class="muted small" role="status">{move || notice.get()}</p>
            <div class="link-actions">{link_buttons}</div>
        </section>
    }
}
