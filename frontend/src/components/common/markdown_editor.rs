//! Write / Preview tabs over a text area: the preview is rendered and sanitised by the server,
//! exactly as the saved text will be.

use leptos::prelude::*;
use socdesk_types::tickets::BodyFormat;

use crate::{api, session::use_session};

/// A text area with Write and Preview tabs and a character count. `error` is shown under it in
/// place (a server refusal naming this field).
#[component]
pub fn MarkdownEditor(
    /// The text, edited in place.
    value: RwSignal<String>,
    /// Markdown or plain text (plain text previews escaped).
    #[prop(into)]
    format: Signal<BodyFormat>,
    /// The label of the text area.
    #[prop(into)]
    label: String,
    /// `id` of the text area (for the label and tests).
    #[prop(into)]
    id: String,
    /// The most characters the server takes.
    max_chars: usize,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = 8)] rows: u32,
) -> impl IntoView {
    let session = use_session();
    let previewing = RwSignal::new(false);
    // The text and format last previewed, so switching tabs does not ask again for nothing.
    let preview = LocalResource::new(move || {
        let wanted = previewing.get().then(|| (format.get(), value.get()));
        async move {
            match wanted {
                None => None,
                Some((_, text)) if text.trim().is_empty() => Some(Ok(String::new())),
                Some((format, text)) => {
                    Some(session.call(move |t| api::markdown::preview(t, format, text.clone())).await)
                }
            }
        }
    });
    let count = move || value.with(|v| v.chars().count());
    let over = move || count() > max_chars;
    let tab_id = id.clone();
    let counter_id = format!("{id}-count");
    let preview_body = move || match preview.get().flatten() {
        None => view! { <p class="muted" aria-busy="true">"Rendering the preview…"</p> }.into_any(),
        Some(Ok(html)) if html.is_empty() => {
            view! { <p class="muted">"Nothing to preview yet."</p> }.into_any()
        }
        Some(Ok(html)) => view! { <div class="rendered" inner_html=html></div> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
    };

    view! {
        <div class="md-editor">
            <div class="md-editor-head">
                <label for=id.clone()>{label}</label>
                <div class="tabs" role="tablist">
                    <button
                        type="button"
                        role="tab"
                        id=format!("{tab_id}-write")
                        aria-selected=move || (!previewing.get()).to_string()
                        class="tab"
                        class:active=move || !previewing.get()
                        on:click=move |_| previewing.set(false)
                    >
                        "Write"
                    </button>
                    <button
                        type="button"
                        role="tab"
                        id=format!("{tab_id}-preview")
                        aria-selected=move || previewing.get().to_string()
                        class="tab"
                        class:active=move || previewing.get()
                        on:click=move |_| previewing.set(true)
                    >
                        "Preview"
                    </button>
                </div>
            </div>
            // Both stay in the page so the box keeps its size when switching.
            <textarea
                id=id
                class="md-input"
                class:invalid=move || over() || error.get().is_some()
                rows=rows
                placeholder=placeholder
                aria-describedby=counter_id.clone()
                hidden=move || previewing.get()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <Show when=move || previewing.get()>
                <div class="md-preview" role="tabpanel" aria-live="polite">{preview_body}</div>
            </Show>
            <div class="field-foot">
                <span class="field-error" role="alert">{move || error.get()}</span>
                <span id=counter_id class="counter" class:over=over>
                    {move || format!("{} / {}", count(), max_chars)}
                </span>
            </div>
        </div>
    }
}
