//! Attachments: choosing files to upload (each is stored at once and attached on save), and
//! a list of stored files that download with the session's token.

use leptos::{html, prelude::*};
use socdesk_types::tickets::Attachment;

use crate::{api, format, session::use_session};

/// An upload under way or finished.
#[derive(Debug, Clone, PartialEq)]
enum Upload {
    Sending(String),
    Failed(String, String),
}

/// Files chosen for something not saved yet: each file is uploaded as soon as it is picked;
/// `stored` holds the uploads to attach on save.
#[component]
pub fn FilePicker(
    stored: RwSignal<Vec<Attachment>>,
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    /// Set while a file is still uploading (a form should not save before it is stored).
    #[prop(optional)]
    uploading: Option<RwSignal<bool>>,
) -> impl IntoView {
    let session = use_session();
    let input = NodeRef::<html::Input>::new();
    let pending = RwSignal::new(Vec::<Upload>::new());
    if let Some(uploading) = uploading {
        Effect::new(move || {
            uploading.set(pending.with(|p| p.iter().any(|u| matches!(u, Upload::Sending(_)))));
        });
    }
    let upload = Action::new_local(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            let name = file.name();
            let result = session.call(move |t| api::uploads::upload(t, file.clone())).await;
            pending.update(|p| p.retain(|u| *u != Upload::Sending(name.clone())));
            match result {
                Ok(a) => stored.update(|s| s.push(a)),
                Err(e) => pending.update(|p| p.push(Upload::Failed(name, e.message()))),
            }
        }
    });
    let on_change = move |_| {
        let Some(el) = input.get() else { return };
        if let Some(files) = el.files() {
            pending.update(|p| p.retain(|u| !matches!(u, Upload::Failed(..))));
            for i in 0..files.length() {
                if let Some(file) = files.get(i) {
                    pending.update(|p| p.push(Upload::Sending(file.name())));
                    upload.dispatch_local(file);
                }
            }
        }
        el.set_value("");
    };
    let remove = move |id: i64| stored.update(|s| s.retain(|a| a.id != id));

    view! {
        <div class="files">
            <label class="btn btn-secondary btn-small file-choose" for=id.clone()>{label}</label>
            <input id=id type="file" multiple class="visually-hidden" node_ref=input on:change=on_change />
            <ul class="file-list">
                <For each=move || stored.get() key=|a| a.id let:a>
                    <li class="file">
                        <span class="file-name">{a.file_name.clone()}</span>
                        <span class="muted">{format::size(a.size)}</span>
                        <button
                            type="button"
                            class="icon-btn"
                            aria-label=format!("Remove {}", a.file_name)
                            on:click=move |_| remove(a.id)
                        >
                            "✕"
                        </button>
                    </li>
                </For>
                {move || {
                    pending
                        .get()
                        .into_iter()
                        .map(|u| match u {
                            Upload::Sending(name) => {
                                view! { <li class="file muted" aria-busy="true">{format!("Uploading {name}…")}</li> }
                                    .into_any()
                            }
                            Upload::Failed(name, why) => {
                                view! { <li class="file field-error" role="alert">{format!("{name}: {why}")}</li> }
                                    .into_any()
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Stored files, each a button that downloads it (the download needs the session's token).
/// With `on_remove`, each file also has a remove button.
#[component]
pub fn AttachmentList(
    #[prop(into)] items: Signal<Vec<Attachment>>,
    #[prop(optional, into)] on_remove: Option<Callback<Attachment>>,
) -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(None::<String>);
    let download = Action::new_local(move |a: &Attachment| {
        let (id, name) = (a.id, a.file_name.clone());
        async move {
            let result = session.call(move |t| api::uploads::download(t, id, name.clone())).await;
            error.set(result.err().map(|e| e.message()));
        }
    });
    view! {
        <ul class="file-list">
            <For each=move || items.get() key=|a| a.id let:a>
                <li class="file">
                    <button
                        type="button"
                        class="link-btn file-name"
                        title=format!("Download {} ({})", a.file_name, a.content_type)
                        on:click={
                            let a = a.clone();
                            move |_| {
                                download.dispatch_local(a.clone());
                            }
                        }
                    >
                        {a.file_name.clone()}
                    </button>
                    <span class="muted">{format::size(a.size)}</span>
                    {on_remove.map(|remove| {
                        let label = format!("Remove {}", a.file_name);
                        let a = a.clone();
                        view! {
                            <button
                                type="button"
                                class="icon-btn"
                                aria-label=label.clone()
                                title=label
                                on:click=move |_| remove.run(a.clone())
                            >
                                "✕"
                            </button>
                        }
                    })}
                </li>
            </For>
        </ul>
        <p class="field-error" role="alert">{move || error.get()}</p>
    }
}
