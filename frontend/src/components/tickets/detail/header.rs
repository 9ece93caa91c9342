//! The top of the panel: `#id`, what kind of ticket it is, and its title (edited in place).

use leptos::prelude::*;
use socdesk_types::tickets::{TicketKind, TicketPatch};

use super::state::{SaveNote, Saving, use_detail};
use crate::labels;

/// The most characters a title takes (trimmed).
const MAX_TITLE: usize = 255;

/// Why a rule's ticket shows its title and body read-only.
pub const SYSTEM_REASON: &str = "Tickets opened by a detection rule cannot have their title or body edited.";

/// `#id`, kind, site, and the title: an input with Save, or read-only with the reason.
#[component]
pub fn TicketHeader() -> impl IntoView {
    let detail = use_detail();
    let meta = move || {
        detail.ticket.with(|t| {
            let kind = match t.kind {
                TicketKind::Analysis => "Analysis ticket",
                TicketKind::Detection => "Detection-based ticket",
            };
            format!("{kind} · {} · {}", labels::created_by(t.created_by), t.site.name)
        })
    };
    view! {
        <header class="detail-head">
            <p class="detail-meta">
                <span class="detail-id">{format!("#{}", detail.id)}</span>
                <span class="muted">{meta}</span>
            </p>
            <Show when=move || detail.can_edit_text() fallback=ReadOnlyTitle>
                <TitleEditor />
            </Show>
        </header>
    }
}

/// The title as text, with why it cannot be edited.
#[component]
fn ReadOnlyTitle() -> impl IntoView {
    let detail = use_detail();
    let reason = move || {
        if detail.is_system() {
            SYSTEM_REASON
        } else {
            "You can read this ticket; editing it needs the TICKET_EDIT permission."
        }
    };
    view! {
        <h2 class="detail-title" data-testid="ticket-title">{move || detail.ticket.with(|t| t.title.clone())}</h2>
        <p class="lock-note" id="ticket-lock-note" data-testid="lock-note">
            {reason}
        </p>
    }
}

/// The title in an input: Save sends it trimmed; empty or too long is refused in place.
#[component]
fn TitleEditor() -> impl IntoView {
    let detail = use_detail();
    let saved_title = Memo::new(move |_| detail.ticket.with(|t| t.title.clone()));
    let draft = RwSignal::new(saved_title.get_untracked());
    // A title changed elsewhere (a reload, another save) replaces the draft unless it is being
    // edited: after a 412 and a reload, what was typed stays, ready to save again.
    Effect::new(move |previous: Option<String>| {
        let now = saved_title.get();
        if previous.is_some_and(|p| draft.get_untracked() == p) {
            draft.set(now.clone());
        }
        now
    });
    let saving = Saving::new();
    let count = move || draft.with(|d| d.trim().chars().count());
    let over = move || count() > MAX_TITLE;
    let unchanged = move || draft.with(|d| d.trim() == saved_title.get());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let title = draft.get_untracked().trim().to_owned();
        if title.is_empty() {
            saving.refuse("The title cannot be empty.");
            return;
        }
        if title.chars().count() > MAX_TITLE {
            saving.refuse(format!("The title can be at most {MAX_TITLE} characters."));
            return;
        }
        if title == saved_title.get_untracked() {
            draft.set(title);
            return;
        }
        let patch = TicketPatch { title: Some(title.clone()), ..Default::default() };
        saving.run(detail.patch(patch), move || draft.set(title));
    };
    view! {
        <form class="title-form" on:submit=save>
            <label class="visually-hidden" for="ticket-title">"Title"</label>
            <input
                id="ticket-title"
                class="input title-input"
                class:invalid=move || over() || saving.error.with(Option::is_some)
                autocomplete="off"
                aria-describedby="ticket-title-note ticket-title-count"
                prop:value=move || draft.get()
                on:input=move |ev| {
                    draft.set(event_target_value(&ev));
                    saving.error.set(None);
                }
            />
            <button
                type="submit"
                class="btn btn-primary btn-small"
                disabled=move || unchanged() || saving.pending.get()
            >
                {move || if saving.pending.get() { "Saving…" } else { "Save" }}
            </button>
        </form>
        <div class="field-foot title-foot">
            <SaveNote saving=saving id="ticket-title-note" />
            <span id="ticket-title-count" class="counter" class:over=over>
                {move || format!("{} / {MAX_TITLE}", count())}
            </span>
        </div>
    }
}
