//! One mail template's editor: subject and body with the placeholders its kind fills (click
//! one to insert it where the cursor was), Preview with sample values, Save, Reset to default.
//! The preview is the server's rendering: its subject as text, its body either as HTML source or
//! drawn in a sandboxed frame that runs no script and reaches nothing of this page.

use leptos::{html, prelude::*, task::spawn_local};
use socdesk_types::mail::{
    Language, MailKind, MailPreview, MailPreviewRequest, MailTemplate, MailTemplatePatch,
};

use super::labels;
use crate::{
    api,
    components::common::{
        confirm::ConfirmDialog,
        form::{FormErrors, FormField, FormMessage},
    },
    session::use_session,
};

/// Which text a placeholder goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Subject,
    Body,
}

/// `text` with `insert` put between the characters `start..end` (UTF-16 offsets, as the DOM
/// counts them), and the offset just after it.
pub fn insert_at(text: &str, start: u32, end: u32, insert: &str) -> (String, u32) {
    let units: Vec<u16> = text.encode_utf16().collect();
    let len = units.len() as u32;
    let (start, end) = (start.min(len), end.clamp(start.min(len), len));
    let mut out = String::from_utf16_lossy(&units[..start as usize]);
    out.push_str(insert);
    out.push_str(&String::from_utf16_lossy(&units[end as usize..]));
    (out, start + insert.encode_utf16().count() as u32)
}

/// The editor of `kind` in `language`; `on_changed` after a save or a reset. `dirty` says
/// whether the text differs from what is stored, for the page to ask before leaving it.
#[component]
pub fn MailTemplateEditor(
    kind: MailKind,
    language: Language,
    #[prop(into)] on_changed: Callback<()>,
    dirty: RwSignal<bool>,
) -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || session.call(move |t| api::mail::template(t, kind, language)));
    move || match loaded.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading the template…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(t)) => view! { <Editor template=t on_changed=on_changed dirty_out=dirty /> }.into_any(),
    }
}

#[component]
fn Editor(template: MailTemplate, on_changed: Callback<()>, dirty_out: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    let (kind, language) = (template.kind, template.language);
    let stored = RwSignal::new(template.clone());
    let subject = RwSignal::new(template.subject.clone());
    let body = RwSignal::new(template.body.clone());
    let errors = FormErrors::new();
    let busy = RwSignal::new(None::<&'static str>);
    let status = RwSignal::new(None::<String>);
    let preview = RwSignal::new(None::<MailPreview>);
    let show_source = RwSignal::new(false);
    let resetting = RwSignal::new(false);
    let reset_error = RwSignal::new(None::<String>);
    let target = RwSignal::new(Target::Body);
    let subject_input = NodeRef::<html::Input>::new();
    let body_input = NodeRef::<html::Textarea>::new();
    let dirty = move || stored.with(|s| s.subject != subject.get() || s.body != body.get());
    Effect::new(move || dirty_out.set(dirty()));
    on_cleanup(move || dirty_out.set(false));

    let insert = move |name: String| {
        let hole = format!("{{{name}}}");
        match target.get_untracked() {
            Target::Subject => {
                let Some(el) = subject_input.get_untracked() else { return };
                let text = subject.get_untracked();
                let start = el.selection_start().ok().flatten().unwrap_or(text.encode_utf16().count() as u32);
                let end = el.selection_end().ok().flatten().unwrap_or(start);
                let (new, caret) = insert_at(&text, start, end, &hole);
                subject.set(new.clone());
                el.set_value(&new);
                let _ = el.focus();
                let _ = el.set_selection_range(caret, caret);
            }
            Target::Body => {
                let Some(el) = body_input.get_untracked() else { return };
                let text = body.get_untracked();
                let start = el.selection_start().ok().flatten().unwrap_or(text.encode_utf16().count() as u32);
                let end = el.selection_end().ok().flatten().unwrap_or(start);
                let (new, caret) = insert_at(&text, start, end, &hole);
                body.set(new.clone());
                el.set_value(&new);
                let _ = el.focus();
                let _ = el.set_selection_range(caret, caret);
            }
        }
    };

    let do_preview = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some("preview"));
        errors.clear();
        status.set(None);
        let request = MailPreviewRequest {
            kind,
            language,
            subject: Some(subject.get_untracked()),
            body: Some(body.get_untracked()),
        };
        spawn_local(async move {
            let result = session.call(move |t| api::mail::preview(t, request.clone())).await;
            busy.set(None);
            match result {
                Ok(p) => preview.set(Some(p)),
                Err(e) => {
                    preview.set(None);
                    errors.fail(&e);
                }
            }
        });
    };
    let save = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some("save"));
        errors.clear();
        status.set(None);
        let patch = MailTemplatePatch { subject: subject.get_untracked(), body: body.get_untracked() };
        spawn_local(async move {
            let result =
                session.call(move |t| api::mail::save_template(t, kind, language, patch.clone())).await;
            busy.set(None);
            match result {
                Ok(t) => {
                    subject.set(t.subject.clone());
                    body.set(t.body.clone());
                    stored.set(t);
                    status.set(Some("Saved: this mail now uses your version.".into()));
                    on_changed.run(());
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    let reset = Callback::new(move |()| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some("reset"));
        reset_error.set(None);
        spawn_local(async move {
            let result = session.call(move |t| api::mail::reset_template(t, kind, language)).await;
            busy.set(None);
            match result {
                Ok(t) => {
                    subject.set(t.subject.clone());
                    body.set(t.body.clone());
                    stored.set(t);
                    errors.clear();
                    preview.set(None);
                    resetting.set(false);
                    status.set(Some("Back to the built-in default.".into()));
                    on_changed.run(());
                }
                Err(e) => reset_error.set(Some(e.message())),
            }
        });
    });

    let placeholders = template
        .placeholders
        .iter()
        .map(|p| {
            let name = p.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="chip chip-button"
                        title=format!("Insert {{{name}}} where the cursor is")
                        // Keep the focus (and the cursor) in the field being edited.
                        on:mousedown=move |ev| ev.prevent_default()
                        on:click={
                            let name = name.clone();
                            move |_| insert(name.clone())
                        }
                    >
                        {format!("{{{p}}}")}
                    </button>
                </li>
            }
        })
        .collect_view();

    let preview_view = move || {
        preview.get().map(|p| {
            let source = p.body.clone();
            view! {
                <section class="mail-preview" aria-label="Preview" data-testid="mail-preview">
                    <header class="mail-preview-head">
                        <h3 class="section-title">"Preview with sample values"</h3>
                        <div class="tabs" role="tablist" aria-label="Preview as">
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                class:active=move || !show_source.get()
                                aria-selected=move || (!show_source.get()).to_string()
                                on:click=move |_| show_source.set(false)
                            >
                                "Rendered"
                            </button>
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                class:active=move || show_source.get()
                                aria-selected=move || show_source.get().to_string()
                                on:click=move |_| show_source.set(true)
                            >
                                "HTML source"
                            </button>
                        </div>
                    </header>
                    <dl class="mail-preview-meta">
                        <dt>"Subject"</dt>
                        <dd data-testid="preview-subject">{p.subject.clone()}</dd>
                    </dl>
                    {move || {
                        if show_source.get() {
                            view! { <pre class="mail-source" data-testid="preview-source">{source.clone()}</pre> }.into_any()
                        } else {
                            // sandbox="": no scripts, no forms, no top navigation, an opaque origin.
                            view! {
                                <iframe
                                    class="mail-frame"
                                    title="Rendered mail body"
                                    sandbox=""
                                    referrerpolicy="no-referrer"
                                    srcdoc=source.clone()
                                    data-testid="preview-frame"
                                ></iframe>
                            }
                            .into_any()
                        }
                    }}
                </section>
            }
        })
    };

    view! {
        <div class="mail-editor" data-testid="mail-editor">
            <header class="panel-head">
                <div>
                    <h2 class="admin-title">{format!("{} · {}", labels::mail_kind(kind), labels::language(language))}</h2>
                    <p class="muted small">{labels::mail_kind_help(kind)}</p>
                </div>
                {move || {
                    if stored.with(|s| s.customized) {
                        view! { <span class="state state-custom" data-testid="template-state">"Customised"</span> }
                    } else {
                        view! { <span class="state state-default" data-testid="template-state">"Default"</span> }
                    }
                }}
            </header>
            <div class="placeholders">
                <span class="form-label">"Placeholders this mail fills"</span>
                <ul class="chips" aria-label="Placeholders">{placeholders}</ul>
                <p class="form-hint">
                    "Click one to insert it at the cursor. Values are HTML-escaped; write " <code>"{{"</code> " and "
                    <code>"}}"</code> " for literal braces. A placeholder not listed is refused."
                </p>
            </div>
            <FormField label="Subject" id="template-subject" error=errors.field("subject") wide=true>
                <input
                    id="template-subject"
                    class="input input-wide"
                    maxlength="255"
                    aria-describedby="template-subject-error"
                    class:invalid=move || errors.field("subject").with(Option::is_some)
                    node_ref=subject_input
                    prop:value=move || subject.get()
                    on:focus=move |_| target.set(Target::Subject)
                    on:input=move |ev| subject.set(event_target_value(&ev))
                />
            </FormField>
            <FormField label="Body (HTML)" id="template-body" error=errors.field("body") wide=true>
                <textarea
                    id="template-body"
                    class="md-input template-body"
                    rows="12"
                    spellcheck="false"
                    aria-describedby="template-body-error"
                    class:invalid=move || errors.field("body").with(Option::is_some)
                    node_ref=body_input
                    prop:value=move || body.get()
                    on:focus=move |_| target.set(Target::Body)
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
            </FormField>
            <footer class="form-foot">
                <FormMessage message=errors.rest(&["subject", "body"]) />
                <span class="form-status" role="status" data-testid="template-status">
                    {move || status.get().or_else(|| dirty().then(|| "Unsaved changes".to_owned()))}
                </span>
                <button
                    type="button"
                    class="btn btn-secondary"
                    disabled=move || busy.get().is_some() || !stored.with(|s| s.customized)
                    title="Put the built-in default back"
                    on:click=move |_| resetting.set(true)
                >
                    "Reset to default"
                </button>
                <button type="button" class="btn btn-secondary" disabled=move || busy.get().is_some() on:click=do_preview>
                    {move || if busy.get() == Some("preview") { "Rendering…" } else { "Preview" }}
                </button>
                <button type="button" class="btn btn-primary" disabled=move || busy.get().is_some() on:click=save>
                    {move || if busy.get() == Some("save") { "Saving…" } else { "Save" }}
                </button>
            </footer>
            {preview_view}
            <Show when=move || resetting.get()>
                <ConfirmDialog
                    title="Reset to the default?"
                    confirm_label="Reset"
                    danger=true
                    pending=Signal::derive(move || busy.get() == Some("reset"))
                    error=reset_error
                    on_confirm=reset
                    on_close=Callback::new(move |()| resetting.set(false))
                >
                    <p>"Your version of this mail is deleted and the built-in default is used again."</p>
                </ConfirmDialog>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::insert_at;

    #[test]
    fn a_placeholder_goes_where_the_cursor_is_or_replaces_the_selection() {
        assert_eq!(insert_at("Dear ,", 5, 5, "{name}"), ("Dear {name},".to_owned(), 11));
        assert_eq!(insert_at("Dear X,", 5, 6, "{name}"), ("Dear {name},".to_owned(), 11));
        assert_eq!(insert_at("abc", 99, 99, "!"), ("abc!".to_owned(), 4));
    }

    #[test]
    fn offsets_count_utf16_units_like_the_browser() {
        // "소명" is two UTF-16 units; the cursor after it is at 2.
        assert_eq!(insert_at("소명서", 2, 2, "{x}"), ("소명{x}서".to_owned(), 5));
    }
}
