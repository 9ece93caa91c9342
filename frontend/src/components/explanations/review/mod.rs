//! One explanation as its reviewers see it (the page the review mail links to): the summary,
//! evidence in tabs by schema, the history, the violator's record, and the decision for the
//! manager or the auditor whose turn it is.

mod decision;
mod history;
mod summary;

use leptos::prelude::*;
use socdesk_types::explanations::ExplanationDetail;

use crate::{
    api,
    components::common::records::{RecordRow, RecordTable},
    session::use_session,
};

/// The review of explanation `id`.
#[component]
pub fn ExplanationReview(id: i64) -> impl IntoView {
    let session = use_session();
    // The answer of a decision replaces what was loaded.
    let latest = RwSignal::new(None::<ExplanationDetail>);
    // What the last decision did; it outlives the redraw the decision's answer causes.
    let notice = RwSignal::new(None::<String>);
    let loaded = LocalResource::new(move || session.call(move |t| api::explanations::get_one(t, id)));
    Effect::new(move || {
        if let Some(Ok(d)) = loaded.get() {
            latest.set(Some(d));
        }
    });
    let body = move || match (latest.get(), loaded.get()) {
        (Some(d), _) => view! { <Loaded detail=d latest=latest notice=notice /> }.into_any(),
        (None, Some(Err(e))) => {
            let text = if e.status() == Some(404) {
                "This explanation request does not exist, or it was deleted.".to_string()
            } else {
                e.message()
            };
            view! { <p class="banner banner-error" role="alert">{text}</p> }.into_any()
        }
        _ => view! { <p class="loading" aria-busy="true">"Loading the explanation…"</p> }.into_any(),
    };
    view! { <div class="review">{body}</div> }
}

#[component]
fn Loaded(
    detail: ExplanationDetail,
    latest: RwSignal<Option<ExplanationDetail>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = detail.summary.id;
    let violator = detail.summary.violator.clone();
    view! {
        <div class="review-grid">
            <div class="review-main">
                <summary::Summary detail=detail.clone() />
                <EvidenceTabs detail=detail.clone() />
                <history::History id=id steps=detail.history.clone() />
            </div>
            <aside class="review-side">
                <decision::Decision detail=detail.clone() latest=latest notice=notice />
                <summary::Record employee_id=violator.id name=violator.name />
            </aside>
        </div>
    }
}

/// The evidence, one tab per schema.
#[component]
fn EvidenceTabs(detail: ExplanationDetail) -> impl IntoView {
    let groups = detail.evidence;
    let current = RwSignal::new(0usize);
    if groups.is_empty() {
        return view! {
            <section class="card" aria-labelledby="evidence-h">
                <h2 id="evidence-h" class="card-title">"Evidence"</h2>
                <p class="muted">"No records were attached to this request."</p>
            </section>
        }
        .into_any();
    }
    let tabs = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    class:active=move || current.get() == i
                    aria-selected=move || (current.get() == i).to_string()
                    on:click=move |_| current.set(i)
                >
                    {format!("{} ({})", g.schema, g.records.len())}
                </button>
            }
        })
        .collect_view();
    let groups = StoredValue::new(groups);
    let table = move || {
        groups.with_value(|g| {
            g.get(current.get()).map(|g| {
                let rows: Vec<RecordRow> = g
                    .records
                    .iter()
                    .map(|r| RecordRow { id: r.id, time: r.time, fields: r.fields.clone() })
                    .collect();
                view! { <RecordTable rows=rows label=format!("{} records", g.schema) /> }
            })
        })
    };
    view! {
        <section class="card" aria-labelledby="evidence-h">
            <div class="section-head">
                <h2 id="evidence-h" class="card-title">"Evidence"</h2>
                <div class="tabs" role="tablist" aria-label="Schemas">{tabs}</div>
            </div>
            <div role="tabpanel">{table}</div>
        </section>
    }
    .into_any()
}
