//! The violator's token page: opened from the emailed link without an account, it shows the
//! request (priority, category, deadline, message), the evidence by schema and the conversation
//! so far, and takes the explanation with its files. Phone-first; every state (loading, a dead
//! link, a passed deadline, a refused submission) is said in place.

mod calls;
mod form;
mod parts;

use leptos::prelude::*;
use socdesk_types::explanations::PublicExplanation;

use crate::api::ApiError;

/// The token: the last segment of `/explain/{token}`.
fn token_from_location() -> String {
    let path = window().location().pathname().unwrap_or_default();
    path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_owned()
}

/// What a failed load means to the violator.
fn load_error(e: &ApiError) -> (&'static str, String) {
    match e {
        ApiError::Server(p) if p.status == 404 => (
            "This link no longer works",
            "It was already used, replaced by a newer link, or it has expired. Use the link in the most \
             recent email about this request, or contact the person who asked you."
                .into(),
        ),
        ApiError::Server(p) if p.status == 429 => (
            "Too many attempts",
            "Too many links were tried from your network. Wait ten minutes and try again.".into(),
        ),
        other => ("The request could not be loaded", other.message()),
    }
}

/// The whole page.
#[component]
pub fn ExplainPage() -> impl IntoView {
    let token = StoredValue::new(token_from_location());
    let (reload, set_reload) = signal(0u32);
    let request = LocalResource::new(move || {
        reload.track();
        let token = token.get_value();
        async move { calls::load(&token).await }
    });
    // Set once the submission went through: the link is used up, so the page stays as it is.
    let submitted = RwSignal::new(false);

    let body = move || {
        let Some(result) = request.get() else {
            return view! { <p class="explain-loading" aria-busy="true">"Loading your request…"</p> }
                .into_any();
        };
        match result {
            Err(e) => {
                let (title, text) = load_error(&e);
                let retry = !matches!(&e, ApiError::Server(p) if p.status == 404);
                view! {
                    <section class="explain-card explain-notice" role="alert">
                        <h2>{title}</h2>
                        <p>{text}</p>
                        <Show when=move || retry>
                            <button class="btn btn-primary" on:click=move |_| set_reload.update(|n| *n += 1)>
                                "Try again"
                            </button>
                        </Show>
                    </section>
                }
                .into_any()
            }
            Ok(found) => loaded(found, token, submitted).into_any(),
        }
    };

    view! {
        <main class="explain">
            <header class="explain-head">
                <span class="explain-brand">"socdesk"</span>
                <h1>"Explanation request"</h1>
            </header>
            {body}
        </main>
    }
}

fn loaded(r: PublicExplanation, token: StoredValue<String>, submitted: RwSignal<bool>) -> impl IntoView {
    let can_submit = r.can_submit;
    let closes = r.submission_closes_at;
    let form_or_notice = move || {
        if submitted.get() {
            view! {
                <section class="explain-card explain-done" role="status">
                    <h2>"Thank you — your explanation was submitted"</h2>
                    <p>
                        "Your manager has been asked to review it. This link is now used up; if they \
                         need more from you, you will get a new link by email."
                    </p>
                </section>
            }
            .into_any()
        } else if can_submit {
            view! { <form::ExplanationForm token=token on_done=move || submitted.set(true) /> }.into_any()
        } else {
            view! {
                <section class="explain-card explain-notice" role="alert">
                    <h2>"The deadline has passed"</h2>
                    <p>
                        {format!(
                            "Submissions closed on {}. You can still read the request; contact the person \
                             who asked you if you need more time.",
                            parts::local_time(closes),
                        )}
                    </p>
                </section>
            }
            .into_any()
        }
    };
    view! {
        <parts::Summary request=r.clone() />
        <parts::Evidence groups=r.evidence.clone() />
        <parts::Conversation steps=r.conversation.clone() token=token />
        {form_or_notice}
    }
}
