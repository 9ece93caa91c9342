//! The history: the violator's explanations and every reviewer's comment, oldest first, with
//! the files the violator attached.

use leptos::prelude::*;
use socdesk_types::explanations::ExplanationStep;

use crate::{api, format, labels, session::use_session};

fn action(step: &ExplanationStep) -> String {
    let verdict = step.result.map(labels::explanation_result);
    match (step.action.as_str(), verdict) {
        ("requested", _) => "asked for an explanation".into(),
        ("submitted", _) => "submitted an explanation".into(),
        ("returned", _) => "returned it".into(),
        ("bulk_review", Some(v)) | ("confirmed", Some(v)) => format!("confirmed it as {v}"),
        (other, Some(v)) => format!("{} ({v})", other.replace('_', " ")),
        (other, None) => other.replace('_', " "),
    }
}

/// The history list.
#[component]
pub fn History(id: i64, steps: Vec<ExplanationStep>) -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(None::<String>);
    let download = Action::new_local(move |(aid, name): &(i64, String)| {
        let (aid, name) = (*aid, name.clone());
        async move {
            let result = session
                .call(move |t| {
                    api::uploads::download_path(t, api::explanations::attachment_path(id, aid), name.clone())
                })
                .await;
            error.set(result.err().map(|e| e.message()));
        }
    });
    let items = steps
        .into_iter()
        .map(|s| {
            let who = s.actor_name.clone().unwrap_or_else(|| s.actor.clone());
            let moved = match (s.from_status, s.to_status) {
                (Some(a), Some(b)) if a != b => {
                    format!("{} → {}", labels::explanation_status(a), labels::explanation_status(b))
                }
                (None, Some(b)) => labels::explanation_status(b).to_string(),
                _ => String::new(),
            };
            let files = s
                .attachments
                .iter()
                .map(|a| {
                    let pair = (a.id, a.file_name.clone());
                    view! {
                        <li>
                            <button type="button" class="link-btn" on:click=move |_| { download.dispatch_local(pair.clone()); }>
                                {a.file_name.clone()}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li class=format!("step step-{}", s.actor)>
                    <p class="step-head">
                        <strong>{who}</strong>
                        <span class="muted small">{format!(" ({})", s.actor)}</span>
                        " "
                        {action(&s)}
                        <span class="muted small">{format!("  {moved}")}</span>
                        <time class="muted small">{format::datetime(s.at)}</time>
                    </p>
                    {s.comment.clone().map(|c| view! { <p class="step-comment">{c}</p> })}
                    <ul class="step-files">{files}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="history-h">
            <h2 id="history-h" class="card-title">"Explanation history"</h2>
            <ol class="steps">{items}</ol>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </section>
    }
}
