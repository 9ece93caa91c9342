//! Memo: the response work written down, oldest first, and a Markdown editor (Write / Preview)
//! with files to add one.

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::tickets::{Attachment, BodyFormat, Memo, NewMemo};

use crate::{
    api::{self, ApiError},
    components::{
        common::{
            files::{AttachmentList, FilePicker},
            markdown_editor::MarkdownEditor,
        },
        tickets::detail::state::{SaveNote, Saving, use_detail},
    },
    format, labels,
    session::use_session,
};

/// The most characters a memo takes.
const MAX_MEMO: usize = 100_000;

/// The Memo tab.
#[component]
pub fn MemoTab() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    // `None` while loading; a memo written here is added to the list as the server answered it.
    let memos = RwSignal::new(None::<Result<Vec<Memo>, ApiError>>);
    let load = move || {
        memos.set(None);
        spawn_local(async move {
            let answer = session.call(move |t| api::tickets::memos(t, id)).await;
            let _ = memos.try_set(Some(answer));
        });
    };
    load();
    let list = move || {
        match memos.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the memos…"</p> }.into_any(),
        Some(Err(e)) => view! {
            <p class="field-error" role="alert">{e.message()}</p>
            <button type="button" class="btn btn-secondary btn-small" on:click=move |_| load()>"Try again"</button>
        }
        .into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted empty-note">"No memo yet. Record what you did and found below."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let items = list.into_iter().map(|m| view! { <MemoItem memo=m /> }).collect_view();
            view! { <ol class="memo-list" data-testid="memo-list">{items}</ol> }.into_any()
        }
    }
    };
    let added = Callback::new(move |memo: Memo| {
        memos.update(|m| {
            if let Some(Ok(list)) = m {
                list.push(memo);
            } else {
                *m = Some(Ok(vec![memo]));
            }
        });
        detail.memo_added();
    });
    view! {
        {list}
        <NewMemoForm on_added=added />
    }
}

/// One memo: who, when, what (rendered by the server), and its files.
#[component]
fn MemoItem(memo: Memo) -> impl IntoView {
    let files = memo.attachments.clone();
    let has_files = !files.is_empty();
    view! {
        <li class="memo" data-testid="memo">
            <header class="memo-head">
                <strong class="memo-author">{memo.author}</strong>
                <time class="muted small" datetime=memo.created_at.to_rfc3339()>{format::datetime(memo.created_at)}</time>
                <span class="muted small">{labels::body_format(memo.format)}</span>
            </header>
            <div class="rendered memo-body" inner_html=memo.body_html></div>
            {has_files.then(|| view! { <AttachmentList items=Signal::stored(files) /> })}
        </li>
    }
}

/// Write a memo (Markdown or text), attach files, Save.
#[component]
fn NewMemoForm(#[prop(into)] on_added: Callback<Memo>) -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    let text = RwSignal::new(String::new());
    let memo_format = RwSignal::new(BodyFormat::Markdown);
    let files = RwSignal::new(Vec::<Attachment>::new());
    let saving = Saving::new();
    // Bumped after a save: the editor is drawn anew, back on Write.
    let written_count = RwSignal::new(0u32);
    // What was refused goes once the text changes.
    Effect::new(move |seen: Option<()>| {
        text.track();
        if seen.is_some() {
            saving.error.set(None);
        }
    });
    let body_error = Signal::derive(move || {
        saving.error.with(|e| e.as_ref().and_then(|e| e.field("body").or_else(|| e.field("attachment_ids"))))
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if body.trim().is_empty() {
            saving.refuse("Write something first: a memo cannot be empty.");
            return;
        }
        if body.chars().count() > MAX_MEMO {
            saving.refuse(format!("A memo can be at most {MAX_MEMO} characters."));
            return;
        }
        let memo = NewMemo {
            format: Some(memo_format.get_untracked()),
            body,
            attachment_ids: files.get_untracked().iter().map(|a| a.id).collect(),
        };
        let written = RwSignal::new(None::<Memo>);
        let work = async move {
            let memo = session.call(move |t| api::tickets::add_memo(t, id, memo.clone())).await?;
            let _ = written.try_set(Some(memo));
            Ok(())
        };
        saving.run(work, move || {
            if let Some(memo) = written.get_untracked() {
                text.set(String::new());
                files.set(Vec::new());
                written_count.update(|n| *n += 1);
                on_added.run(memo);
            }
        });
    };
    view! {
        <form class="memo-form" on:submit=save aria-label="Write a memo">
            {move || {
                written_count.track();
                view! {
                    <MarkdownEditor
                        value=text
                        format=memo_format
                        label="New memo"
                        id="memo-input"
                        max_chars=MAX_MEMO
                        placeholder="What did you check, find and do?"
                        error=body_error
                        rows=6
                    />
                }
            }}
            <div class="memo-form-foot">
                <label class="inline-field">
                    <span>"Format"</span>
                    <select
                        class="select select-small"
                        on:change=move |ev| {
                            if let Some(f) = BodyFormat::parse(&event_target_value(&ev)) {
                                memo_format.set(f);
                            }
                        }
                    >
                        <option value="markdown" selected>"Markdown"</option>
                        <option value="text">"Text"</option>
                    </select>
                </label>
                <FilePicker stored=files label="Attach files" id="memo-files" />
                <span class="spacer"></span>
                <button type="submit" class="btn btn-primary btn-small" disabled=move || saving.pending.get()>
                    {move || if saving.pending.get() { "Saving…" } else { "Save memo" }}
                </button>
            </div>
            <SaveNote saving=saving />
        </form>
    }
}
