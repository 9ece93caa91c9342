//! The explanation form: text with a live character count, files, and Submit Explanation. Files
//! are uploaded first, then named by the submission; a refusal is shown in place and nothing is
//! lost from the text area.

use leptos::{html, prelude::*};
use socdesk_types::explanations::SubmitExplanation;

use super::calls;
use crate::api::ApiError;

/// The longest explanation, in characters (the server's limit).
const TEXT_MAX: usize = 10_000;
/// Files one submission may carry (the server's limit).
const FILES_MAX: usize = 10;
/// What the link takes (the server checks each file's content; this only filters the picker).
const ACCEPTED: &str = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.jfif,.gif,.webp,.bmp,\
                        .tif,.tiff,.heic,.heif,.txt,.csv,.log,.md,.eml";

fn size(bytes: f64) -> String {
    if bytes >= 1_048_576.0 {
        format!("{:.1} MB", bytes / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes / 1024.0).ceil())
    }
}

fn problem_text(e: &ApiError) -> String {
    match e {
        ApiError::Server(p) if p.status == 404 => {
            "This link no longer works: it was used or replaced. Use the link in your most recent email."
                .into()
        }
        ApiError::Server(p) if p.status == 413 => "A file is too large to attach.".into(),
        ApiError::Server(p) if !p.errors.is_empty() => {
            p.errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join(" ")
        }
        other => other.message(),
    }
}

/// The form; `on_done` runs once the explanation is in.
#[component]
pub fn ExplanationForm(
    token: StoredValue<String>,
    on_done: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let (text, set_text) = signal(String::new());
    let files = RwSignal::new(Vec::<web_sys::File>::new());
    let count = move || text.with(|t| t.chars().count());
    let too_long = move || count() > TEXT_MAX;
    let picker = NodeRef::<html::Input>::new();

    let send = Action::new_local(move |(body, chosen): &(String, Vec<web_sys::File>)| {
        let (body, chosen) = (body.clone(), chosen.clone());
        let token = token.get_value();
        async move {
            let mut attachment_ids = Vec::with_capacity(chosen.len());
            for file in &chosen {
                let stored = calls::upload(&token, file)
                    .await
                    .map_err(|e| format!("{}: {}", file.name(), problem_text(&e)))?;
                attachment_ids.push(stored.id);
            }
            calls::submit(&token, &SubmitExplanation { explanation: body, attachment_ids })
                .await
                .map_err(|e| problem_text(&e))
        }
    });
    let pending = send.pending();
    let error = move || match send.value().get() {
        Some(Err(e)) => e,
        _ => String::new(),
    };
    Effect::new({
        let on_done = on_done.clone();
        move || {
            if let Some(Ok(())) = send.value().get() {
                on_done();
            }
        }
    });

    let on_pick = move |_| {
        let Some(input) = picker.get_untracked() else { return };
        let Some(list) = input.files() else { return };
        files.update(|chosen| {
            for i in 0..list.length() {
                if let Some(f) = list.item(i)
                    && chosen.len() < FILES_MAX
                {
                    chosen.push(f);
                }
            }
        });
        // Picking the same file again must fire `change` again.
        input.set_value("");
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || too_long() || text.with_untracked(|t| t.trim().is_empty()) {
            return;
        }
        send.dispatch_local((text.get_untracked(), files.get_untracked()));
    };

    let chosen = move || {
        files
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                view! {
                    <li>
                        <span class="file-name">{f.name()}</span>
                        <span class="muted">{size(f.size())}</span>
                        <button
                            type="button"
                            class="btn-link"
                            aria-label=format!("Remove {}", f.name())
                            on:click=move |_| files.update(|all| {
                                if i < all.len() {
                                    all.remove(i);
                                }
                            })
                        >
                            "Remove"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <form class="explain-card explain-form" on:submit=on_submit aria-busy=move || pending.get().to_string()>
            <h2><label for="explanation">"Your explanation"</label></h2>
            <textarea
                id="explanation"
                name="explanation"
                rows="8"
                required
                prop:value=text
                on:input=move |ev| set_text.set(event_target_value(&ev))
                aria-describedby="explanation-count"
                disabled=pending
            ></textarea>
            <p id="explanation-count" class=move || if too_long() { "counter counter-over" } else { "counter" }>
                {move || format!("{} / 10,000 characters", count())}
            </p>
            <div class="explain-files">
                <label class="btn btn-secondary" for="files">"Attach files"</label>
                <input
                    id="files"
                    class="visually-hidden"
                    type="file"
                    multiple
                    accept=ACCEPTED
                    node_ref=picker
                    on:change=on_pick
                    disabled=move || pending.get() || files.with(|f| f.len() >= FILES_MAX)
                />
                <span class="muted">{format!("up to {FILES_MAX} documents or images")}</span>
                <ul class="chosen-files">{chosen}</ul>
            </div>
            <button
                class="btn btn-primary btn-wide"
                type="submit"
                disabled=move || pending.get() || too_long() || text.with(|t| t.trim().is_empty())
            >
                {move || if pending.get() { "Submitting…" } else { "Submit Explanation" }}
            </button>
            <p class="form-error" role="alert">{error}</p>
        </form>
    }
}
