//! The panel's main column: the title with its counter, then the content (the Markdown editor
//! of an analysis ticket; the structured fields and optional notes of a detection ticket).

use leptos::prelude::*;
use socdesk_types::tickets::{BodyFormat, TicketKind};

use super::{
    draft::{Draft, MAX_BODY, MAX_TITLE, Spot, title_length},
    errors::FormErrors,
    fields::FieldsEditor,
};
use crate::{components::common::markdown_editor::MarkdownEditor, labels};

/// Forgets the message beside `spot` once its input changes.
pub fn clear_error(errors: RwSignal<FormErrors>, spot: Spot) {
    if errors.with_untracked(|e| e.at(spot).is_some()) {
        errors.update(|e| e.clear(spot));
    }
}

/// Title and content.
#[component]
pub fn TicketForm(draft: Draft, errors: RwSignal<FormErrors>) -> impl IntoView {
    let content = match draft.kind {
        TicketKind::Analysis => view! {
            <BodyEditor draft=draft errors=errors label="Ticket content *" placeholder="What happened, what was checked, what is next. Markdown or plain text." />
        }
        .into_any(),
        TicketKind::Detection => view! {
            <FieldsEditor draft=draft errors=errors />
            <BodyEditor draft=draft errors=errors label="Notes (optional)" placeholder="Anything the fields do not say." />
        }
        .into_any(),
    };
    view! {
        <TitleInput draft=draft errors=errors />
        {content}
    }
}

/// The title: required, at most 255 characters, with a live counter.
#[component]
fn TitleInput(draft: Draft, errors: RwSignal<FormErrors>) -> impl IntoView {
    let count = move || draft.title.with(|t| title_length(t));
    let over = move || count() > MAX_TITLE;
    // Too long shows as it is typed; empty only once Save was tried.
    let message = move || {
        errors
            .with(|e| e.at(Spot::Title))
            .or_else(|| over().then(|| format!("At most {MAX_TITLE} characters: this one has {}.", count())))
    };
    let invalid = move || message().is_some();
    let title_input = NodeRef::<leptos::html::Input>::new();
    // The title is what one types first.
    Effect::new(move || {
        if let Some(input) = title_input.get() {
            request_animation_frame(move || {
                let _ = input.focus();
            });
        }
    });
    view! {
        <div class="add-field">
            <label for="add-title" class="add-label">"Title *"</label>
            <input
                id="add-title"
                class="input add-title"
                type="text"
                autocomplete="off"
                placeholder="What the ticket is about, as the list shows it"
                node_ref=title_input
                class:invalid=invalid
                aria-invalid=move || invalid().to_string()
                aria-describedby="add-title-error add-title-count"
                prop:value=move || draft.title.get()
                on:input=move |ev| {
                    draft.title.set(event_target_value(&ev));
                    clear_error(errors, Spot::Title);
                }
            />
            <div class="field-foot">
                <span id="add-title-error" class="field-error" data-testid="title-error">{message}</span>
                <span id="add-title-count" class="counter" class:over=over data-testid="title-count">
                    {move || format!("{} / {MAX_TITLE}", count())}
                </span>
            </div>
        </div>
    }
}

/// The body: Write / Preview, in Markdown or plain text.
#[component]
fn BodyEditor(
    draft: Draft,
    errors: RwSignal<FormErrors>,
    #[prop(into)] label: String,
    #[prop(into)] placeholder: String,
) -> impl IntoView {
    let format = Signal::derive(move || draft.format.get());
    let error = Signal::derive(move || errors.with(|e| e.at(Spot::Body)));
    // Typing clears the message about the body.
    Effect::new(move || {
        draft.body.track();
        clear_error(errors, Spot::Body);
    });
    let choices = [BodyFormat::Markdown, BodyFormat::Text].map(|f| {
        view! {
            <option value=f.as_str() selected=move || draft.format.get() == f>
                {labels::body_format(f)}
            </option>
        }
    });
    view! {
        <div class="add-field add-body">
            <div class="add-format">
                <label for="add-format">"Format"</label>
                <select
                    id="add-format"
                    class="select select-small"
                    on:change=move |ev| {
                        if let Some(f) = BodyFormat::parse(&event_target_value(&ev)) {
                            draft.format.set(f);
                        }
                    }
                >
                    {choices}
                </select>
            </div>
            <MarkdownEditor
                value=draft.body
                format=format
                label=label
                id="add-body"
                max_chars=MAX_BODY
                placeholder=placeholder
                error=error
                rows=10
            />
        </div>
    }
}
