//! The ticket's files: the body's (downloadable, removable by editors) and the memos' (kept with
//! their memo), and uploading more to the body.

use leptos::prelude::*;
use socdesk_types::tickets::Attachment;

use super::{
    controls::{Property, focus_id},
    state::{SaveNote, Saving, use_detail},
};
use crate::{
    api,
    components::common::{
        dialog::Dialog,
        files::{AttachmentList, FilePicker},
    },
    session::use_session,
};

/// Attachments of the sidebar.
#[component]
pub fn AttachmentsProperty() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    // Refetched after every change: a memo's files and attached uploads show up here.
    let files = LocalResource::new(move || {
        detail.changes.track();
        async move { session.call(move |t| api::tickets::attachments(t, id)).await }
    });
    let body_files = Signal::derive(move || {
        files
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.memo_id.is_none())
            .collect::<Vec<_>>()
    });
    let memo_files = Signal::derive(move || {
        files
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.memo_id.is_some())
            .collect::<Vec<_>>()
    });
    let uploads = RwSignal::new(Vec::<Attachment>::new());
    let saving = Saving::new();
    let removing = RwSignal::new(None::<Attachment>);

    let attach = move |_| {
        let ids: Vec<i64> = uploads.get_untracked().iter().map(|a| a.id).collect();
        if !ids.is_empty() {
            saving.run(detail.attach(ids), move || uploads.set(Vec::new()));
        }
    };
    let state = move || match files.get() {
        None => Some(view! { <p class="muted small" aria-busy="true">"Loading the files…"</p> }.into_any()),
        Some(Err(e)) => Some(view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any()),
        Some(Ok(all)) if all.is_empty() => Some(view! { <p class="muted small">"No files."</p> }.into_any()),
        Some(Ok(_)) => None,
    };
    let body_list = move || {
        if detail.can_edit() {
            let remove = Callback::new(move |a: Attachment| removing.set(Some(a)));
            view! { <AttachmentList items=body_files on_remove=remove /> }.into_any()
        } else {
            view! { <AttachmentList items=body_files /> }.into_any()
        }
    };
    let confirm_removal = move || {
        removing.get().map(|a| {
            let close = move || {
                removing.set(None);
                focus_id("ticket-files-heading");
            };
            view! {
                <RemoveFileDialog
                    file=a
                    on_done=move |()| {
                        close();
                    }
                    on_close=move |_| close()
                />
            }
        })
    };
    view! {
        <Property label="Attachments" test_id="attachments">
            <span id="ticket-files-heading" class="visually-hidden" tabindex="-1">"Attachments"</span>
            {state}
            {body_list}
            <Show when=move || !memo_files.get().is_empty()>
                <p class="small muted files-from">"From memos (kept with their memo)"</p>
                <AttachmentList items=memo_files />
            </Show>
            <Show when=move || detail.can_edit()>
                <FilePicker stored=uploads label="Add files" id="ticket-files" />
                <Show when=move || !uploads.with(Vec::is_empty)>
                    <button
                        type="button"
                        class="btn btn-primary btn-small"
                        disabled=move || saving.pending.get()
                        on:click=attach
                    >
                        {move || match uploads.with(Vec::len) {
                            1 => "Attach 1 file".to_string(),
                            n => format!("Attach {n} files"),
                        }}
                    </button>
                </Show>
                <SaveNote saving=saving />
            </Show>
        </Property>
        {confirm_removal}
    }
}

/// Asks before deleting a file of the body; a refusal (a memo's file: 409) shows in place.
#[component]
fn RemoveFileDialog(
    file: Attachment,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let detail = use_detail();
    let saving = Saving::new();
    let id = file.id;
    let remove = move |_| saving.run(detail.detach(id), move || on_done.run(()));
    view! {
        <Dialog title="Remove file" on_close=on_close test_id="remove-file-dialog">
            <p>
                "Remove " <strong>{file.file_name.clone()}</strong>
                " from ticket #" {detail.id} "? The file is deleted; the history keeps its name."
            </p>
            <SaveNote saving=saving />
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="btn btn-danger"
                    disabled=move || saving.pending.get()
                    on:click=remove
                >
                    "Remove"
                </button>
            </footer>
        </Dialog>
    }
}
