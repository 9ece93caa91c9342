//! The ticket's content: the rendered body (analysis) or the structured fields (detection), and
//! their editors.

use leptos::prelude::*;
use socdesk_types::tickets::{BodyFormat, TicketField, TicketPatch};
use wasm_bindgen::JsCast;

use super::{
    header::SYSTEM_REASON,
    state::{SaveNote, Saving, use_detail},
};
use crate::{components::common::markdown_editor::MarkdownEditor, labels};

/// The most characters a body takes.
const MAX_BODY: usize = 1_000_000;
/// The most fields a detection ticket carries, and their limits.
const MAX_FIELDS: usize = 200;
const MAX_FIELD_NAME: usize = 100;
const MAX_FIELD_VALUE: usize = 10_000;

/// The body section: what the ticket says, and Edit where it may be edited.
#[component]
pub fn TicketBody() -> impl IntoView {
    let detail = use_detail();
    let editing = RwSignal::new(false);
    let detection = detail.is_detection();
    let format = move || detail.ticket.with(|t| labels::body_format(t.body_format));
    let action = move || {
        if editing.get() {
            None
        } else if detail.can_edit_text() {
            Some(
                view! {
                    <button
                        type="button"
                        class="btn btn-secondary btn-small icon-label"
                        data-testid="edit-body"
                        on:click=move |_| editing.set(true)
                    >
                        <span aria-hidden="true">"✎"</span>
                        "Edit"
                    </button>
                }
                .into_any(),
            )
        } else if detail.is_system() {
            Some(
                view! {
                    <span class="lock-tag" title=SYSTEM_REASON aria-describedby="ticket-lock-note">
                        "Read-only"
                    </span>
                }
                .into_any(),
            )
        } else {
            None
        }
    };
    let content = move || match (editing.get(), detection) {
        (false, false) => view! { <RenderedBody /> }.into_any(),
        (false, true) => view! { <FieldsTable /> <RenderedBody optional=true /> }.into_any(),
        (true, false) => view! { <BodyEditor on_done=move || editing.set(false) /> }.into_any(),
        (true, true) => view! { <FieldsEditor on_done=move || editing.set(false) /> }.into_any(),
    };
    view! {
        <section class="detail-section body-section" aria-labelledby="ticket-body-heading">
            <header class="section-head">
                <h3 id="ticket-body-heading">{if detection { "Fields" } else { "Content" }}</h3>
                <span class="muted small">{move || (!detection).then(format)}</span>
                <span class="spacer"></span>
                {action}
            </header>
            {content}
        </section>
    }
}

/// The body as the server rendered and sanitised it. `optional`: nothing when it is empty.
#[component]
fn RenderedBody(#[prop(optional)] optional: bool) -> impl IntoView {
    let detail = use_detail();
    move || {
        let (empty, html) = detail.ticket.with(|t| (t.body.trim().is_empty(), t.body_html.clone()));
        match (empty, optional) {
            (true, true) => ().into_any(),
            (true, false) => view! { <p class="muted empty-note">"No content."</p> }.into_any(),
            (false, _) => {
                view! { <div class="rendered ticket-body" data-testid="ticket-body" inner_html=html></div> }
                    .into_any()
            }
        }
    }
}

/// A detection ticket's fields as a name/value table.
#[component]
fn FieldsTable() -> impl IntoView {
    let detail = use_detail();
    move || {
        let fields = detail.ticket.with(|t| t.fields.clone());
        if fields.is_empty() {
            return view! { <p class="muted empty-note">"No fields."</p> }.into_any();
        }
        let rows = fields
            .into_iter()
            .map(|f| view! { <tr><th scope="row">{f.name}</th><td>{f.value}</td></tr> })
            .collect_view();
        view! {
            <table class="table fields-table" data-testid="ticket-fields">
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    }
}

/// The Save and Cancel buttons under an editor, and the outcome.
#[component]
fn EditorActions(saving: Saving, #[prop(into)] on_cancel: Callback<()>) -> impl IntoView {
    view! {
        <div class="edit-actions">
            <button type="submit" class="btn btn-primary btn-small" disabled=move || saving.pending.get()>
                {move || if saving.pending.get() { "Saving…" } else { "Save" }}
            </button>
            <button type="button" class="btn btn-secondary btn-small" on:click=move |_| on_cancel.run(())>
                "Cancel"
            </button>
            <SaveNote saving=saving />
        </div>
    }
}

/// Forgets a refusal once `changed` changes (what was refused is being corrected).
fn clear_on_change(saving: Saving, changed: impl Fn() + 'static) {
    Effect::new(move |seen: Option<()>| {
        changed();
        if seen.is_some() {
            saving.error.set(None);
        }
    });
}

/// An analysis ticket's body in the Markdown editor (Write / Preview), with its format.
#[component]
fn BodyEditor(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let detail = use_detail();
    let (body, body_format) = detail.ticket.with_untracked(|t| (t.body.clone(), t.body_format));
    let draft = RwSignal::new(body.clone());
    let format = RwSignal::new(body_format);
    let saving = Saving::new();
    clear_on_change(saving, move || draft.track());
    let body_error = Signal::derive(move || saving.error.with(|e| e.as_ref().and_then(|e| e.field("body"))));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if text.chars().count() > MAX_BODY {
            saving.refuse(format!("The content can be at most {MAX_BODY} characters."));
            return;
        }
        let chosen = format.get_untracked();
        if text == body && chosen == body_format {
            on_done.run(());
            return;
        }
        let patch = TicketPatch {
            body: (text != body).then_some(text),
            body_format: (chosen != body_format).then_some(chosen),
            ..Default::default()
        };
        saving.run(detail.patch(patch), move || on_done.run(()));
    };
    let formats = [BodyFormat::Markdown, BodyFormat::Text, BodyFormat::Json];
    view! {
        <form class="body-editor" on:submit=save>
            <MarkdownEditor
                value=draft
                format=format
                label="Content"
                id="ticket-body-input"
                max_chars=MAX_BODY
                error=body_error
                rows=12
            />
            <label class="inline-field">
                <span>"Format"</span>
                <select
                    class="select select-small"
                    on:change=move |ev| {
                        if let Some(f) = BodyFormat::parse(&event_target_value(&ev)) {
                            format.set(f);
                        }
                    }
                >
                    {formats
                        .into_iter()
                        .map(|f| {
                            view! {
                                <option value=f.as_str() selected=f == body_format>
                                    {labels::body_format(f)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <EditorActions saving=saving on_cancel=on_done />
        </form>
    }
}

/// One row of the fields editor.
#[derive(Clone, Copy)]
struct FieldRow {
    key: u32,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

/// What is wrong with the fields, if anything (checked before sending).
fn check_fields(fields: &[TicketField]) -> Option<String> {
    if fields.len() > MAX_FIELDS {
        return Some(format!("A ticket takes at most {MAX_FIELDS} fields."));
    }
    for (i, f) in fields.iter().enumerate() {
        if f.name.trim().is_empty() {
            return Some(format!("Field {} needs a name.", i + 1));
        }
        if f.name.chars().count() > MAX_FIELD_NAME {
            return Some(format!("The name of field {} can be at most {MAX_FIELD_NAME} characters.", i + 1));
        }
        if f.value.chars().count() > MAX_FIELD_VALUE {
            return Some(format!("The value of {} can be at most {MAX_FIELD_VALUE} characters.", f.name));
        }
    }
    None
}

/// A detection ticket's fields as an editable list: change values, add and remove fields.
#[component]
fn FieldsEditor(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let detail = use_detail();
    let original = detail.ticket.with_untracked(|t| t.fields.clone());
    let next_key = StoredValue::new(0u32);
    let row = move |name: String, value: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        FieldRow { key, name: RwSignal::new(name), value: RwSignal::new(value) }
    };
    let rows =
        RwSignal::new(original.iter().map(|f| row(f.name.clone(), f.value.clone())).collect::<Vec<_>>());
    let saving = Saving::new();
    clear_on_change(saving, move || {
        rows.with(|r| {
            for f in r {
                f.name.track();
                f.value.track();
            }
        })
    });
    let add = move |_| {
        rows.update(|r| r.push(row(String::new(), String::new())));
        // The new row's name takes the focus: now if it is drawn already, else once it is.
        let focus_last = || {
            let input = document()
                .query_selector(".fields-editor .field-row:last-child input")
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(input) = input {
                let _ = input.focus();
            }
        };
        focus_last();
        request_animation_frame(focus_last);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields: Vec<TicketField> = rows.with_untracked(|r| {
            r.iter()
                .map(|f| TicketField {
                    name: f.name.get_untracked().trim().to_owned(),
                    value: f.value.get_untracked(),
                })
                .collect()
        });
        if let Some(problem) = check_fields(&fields) {
            saving.refuse(problem);
            return;
        }
        if fields == original {
            on_done.run(());
            return;
        }
        saving.run(detail.patch(TicketPatch { fields: Some(fields), ..Default::default() }), move || {
            on_done.run(())
        });
    };
    let field_error = move |i: usize, part: &'static str| {
        saving.error.with(|e| e.as_ref().and_then(|e| e.field(&format!("fields[{i}].{part}"))))
    };
    let list = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let position = i + 1;
                let value_label = move || {
                    let name = f.name.get();
                    if name.trim().is_empty() {
                        format!("Value of field {position}")
                    } else {
                        format!("Value of {name}")
                    }
                };
                let error = move || field_error(i, "name").or_else(|| field_error(i, "value"));
                view! {
                    <li class="field-row">
                        <input
                            class="input field-name"
                            aria-label=format!("Name of field {position}")
                            placeholder="Name"
                            prop:value=move || f.name.get()
                            on:input=move |ev| f.name.set(event_target_value(&ev))
                        />
                        <input
                            class="input field-value"
                            aria-label=value_label
                            placeholder="Value"
                            prop:value=move || f.value.get()
                            on:input=move |ev| f.value.set(event_target_value(&ev))
                        />
                        <button
                            type="button"
                            class="icon-btn"
                            aria-label=move || format!("Remove field {}", f.name.get())
                            title="Remove field"
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != f.key))
                        >
                            "✕"
                        </button>
                        <span class="field-error row-error">{error}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <form class="fields-editor" on:submit=save>
            <ol class="field-rows" aria-label="Fields">{list}</ol>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="muted empty-note">"No fields. Add one below."</p>
            </Show>
            <button type="button" class="btn btn-secondary btn-small add-field-btn" on:click=add>
                "+ Add field"
            </button>
            <EditorActions saving=saving on_cancel=on_done />
        </form>
    }
}
