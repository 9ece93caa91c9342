//! `/explanations/{id}/review`: the page a reviewer's mail links to.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::components::explanations::review::ExplanationReview;

/// The review page of the explanation in the path.
#[component]
pub fn ExplanationReviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get_str("id").and_then(|v| v.parse::<i64>().ok()));
    view! {
        <div class="page review-page">
            <nav class="crumbs" aria-label="Breadcrumb">
                <A href="/explanations">"Explanations"</A>
                <span aria-hidden="true">" / "</span>
                <span>{move || id().map(|i| format!("#{i}")).unwrap_or_default()}</span>
            </nav>
            {move || match id() {
                Some(id) => view! { <ExplanationReview id=id /> }.into_any(),
                None => view! { <p class="banner banner-error" role="alert">"This address names no explanation."</p> }.into_any(),
            }}
        </div>
    }
}
