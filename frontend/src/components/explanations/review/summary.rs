//! The summary of an explanation (priority, requester, violator, reviewers, category, period,
//! request message) and the violator's record of earlier explanations.

use leptos::prelude::*;
use leptos_router::components::A;
use socdesk_types::explanations::ExplanationDetail;

use crate::{
    api,
    components::common::badges::{ExplanationStatusBadge, PriorityIndicator},
    format, labels,
    session::use_session,
};

/// The facts and the message.
#[component]
pub fn Summary(detail: ExplanationDetail) -> impl IntoView {
    let s = detail.summary;
    let requester = match &s.owner {
        Some(o) => o.name.clone(),
        None => "A detection rule".into(),
    };
    let ticket = s.ticket.clone().map(|t| {
        view! {
            <dt>"Ticket"</dt>
            <dd>
                <A href=format!("/tickets?ticket={}", t.id)>{format!("#{} {}", t.id, t.name)}</A>
            </dd>
        }
    });
    view! {
        <section class="card" aria-labelledby="summary-h">
            <div class="section-head">
                <h1 id="summary-h" class="page-title">{format!("Explanation #{} — {}", s.id, s.violator.name)}</h1>
                <ExplanationStatusBadge status=s.status />
            </div>
            <dl class="facts facts-two">
                <dt>"Priority"</dt>
                <dd><PriorityIndicator priority=s.priority /></dd>
                <dt>"Requester"</dt>
                <dd>{requester}</dd>
                <dt>"Violator"</dt>
                <dd>{format!("{} ({})", s.violator.name, s.violator.id)}</dd>
                <dt>"Manager"</dt>
                <dd>{format!("{} ({})", s.manager.name, s.manager.id)}</dd>
                <dt>"Auditor"</dt>
                <dd>{s.auditor.as_ref().map(|a| format!("{} ({})", a.name, a.id)).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Category"</dt>
                <dd>{s.category.name.clone()}</dd>
                <dt>"Period"</dt>
                <dd>{format!("{} → {}", format::datetime(s.created_at), format::datetime(s.deadline))}</dd>
                <dt>"Result"</dt>
                <dd>{s.result.map(labels::explanation_result).unwrap_or("—")}</dd>
                <dt>"Link"</dt>
                <dd>{if s.link_active { "The violator has a working link" } else { "No working link" }}</dd>
                {ticket}
            </dl>
            <h3 class="sub-title">"Request message"</h3>
            <p class="message">{if detail.message.is_empty() { "(no message)".to_string() } else { detail.message.clone() }}</p>
        </section>
    }
}

/// How the violator's explanations ended before: repeat behaviour at a glance.
#[component]
pub fn Record(employee_id: String, name: String) -> impl IntoView {
    let session = use_session();
    let history = LocalResource::new(move || {
        let id = employee_id.clone();
        async move { session.call(move |t| api::people::explanations(t, id.clone())).await }
    });
    let body = move || match history.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error">{e.message()}</p> }.into_any(),
        Some(Ok(h)) => view! {
            <dl class="counts" data-testid="violator-record">
                <div><dt>"Requests"</dt><dd>{h.counts.total}</dd></div>
                <div><dt>"Normal"</dt><dd class="result-normal">{h.counts.normal}</dd></div>
                <div><dt>"Violated"</dt><dd class="result-violated">{h.counts.violated}</dd></div>
                <div><dt>"Open"</dt><dd>{h.counts.open}</dd></div>
            </dl>
        }
        .into_any(),
    };
    view! {
        <section class="card" aria-label=format!("{name}'s record")>
            <h2 class="card-title">{format!("{name}'s record")}</h2>
            {body}
        </section>
    }
}
