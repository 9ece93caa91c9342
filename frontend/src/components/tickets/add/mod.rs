//! Add → Analysis Ticket / Detection-based Ticket: the menu, and the panel that creates one.
//!
//! The panel keeps everything typed in a [`draft::Draft`]; Save checks what it can without the
//! server, then posts `NewTicket`. Refusals show beside the inputs they name and nothing typed
//! is lost; a saved ticket opens in the detail panel.

mod draft;
mod errors;
mod fields;
mod form;
mod sidebar;

use leptos::{ev, prelude::*, task::spawn_local};
use socdesk_types::{Permission, tickets::TicketKind};

use self::{
    draft::{Draft, Spot},
    errors::{FormErrors, Sent},
    form::TicketForm,
    sidebar::Sidebar,
};
use super::use_tickets_screen;
use crate::{
    api,
    components::common::{
        dialog::Dialog,
        menu_button::{MenuButton, MenuItem},
        side_panel::SidePanel,
    },
    session::use_session,
};

/// The Add button and its menu, for accounts that may open tickets.
#[component]
pub fn AddMenu() -> impl IntoView {
    let screen = use_tickets_screen();
    let session = use_session();
    let may_add = move || {
        session.account().is_some_and(|me| {
            me.permissions.iter().any(|p| matches!(p, Permission::Admin | Permission::TicketEdit))
        })
    };
    let items = vec![
        MenuItem::new("Analysis Ticket", move || screen.adding.set(Some(TicketKind::Analysis))),
        MenuItem::new("Detection-based Ticket", move || screen.adding.set(Some(TicketKind::Detection))),
    ];
    view! {
        <Show when=may_add>
            <MenuButton
                label="Add".to_string()
                items=items.clone()
                class="btn btn-primary btn-small"
                align_right=true
                test_id="add-menu"
            />
        </Show>
    }
}

/// What the panel is called.
fn heading(kind: TicketKind) -> &'static str {
    match kind {
        TicketKind::Analysis => "Create Analysis Ticket",
        TicketKind::Detection => "Create Detection-based Ticket",
    }
}

/// The Create panel for `kind`, in its side panel. Closing it with something typed asks first.
#[component]
pub fn AddTicketPanel(kind: TicketKind) -> impl IntoView {
    let screen = use_tickets_screen();
    let session = use_session();
    let draft = Draft::new(kind);
    let errors = RwSignal::new(FormErrors::default());
    let banner = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let uploading = RwSignal::new(false);
    let confirming = RwSignal::new(false);

    // The site is chosen for an account that has only one (the account may still be loading).
    Effect::new(move || {
        if let Some(me) = session.account() {
            draft.preselect_site(&me.sites);
        }
    });

    let close = move || screen.adding.set(None);
    let request_close = move || {
        if saving.get_untracked() {
            return;
        }
        if draft.is_dirty() {
            confirming.set(true);
        } else {
            close();
        }
    };

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        if uploading.get_untracked() {
            banner.set(Some("Files are still uploading: save once they are listed.".into()));
            return;
        }
        let problems = draft.check();
        if !problems.is_empty() {
            let first = problems.iter().map(|(spot, _)| *spot).min();
            errors.set(FormErrors::from_checks(problems));
            banner.set(Some("The ticket was not saved: see the messages beside the fields.".into()));
            focus_spot(first);
            return;
        }
        let Some(body) = draft.new_ticket() else { return };
        let names = |people: &[socdesk_types::tickets::AccountRef]| {
            people.iter().map(|a| format!("{} ({})", a.display_name, a.login)).collect()
        };
        let sent = Sent {
            field_keys: draft.field_keys(),
            files: draft.files.with_untracked(|f| f.iter().map(|a| (a.id, a.file_name.clone())).collect()),
            assignees: draft.assignees.with_untracked(|a| names(a)),
            approvers: draft.approvers.with_untracked(|a| names(a)),
        };
        errors.set(FormErrors::default());
        banner.set(None);
        saving.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::tickets::create(t, body.clone())).await;
            saving.set(false);
            match result {
                Ok(ticket) => {
                    close();
                    screen.reload();
                    screen.open_ticket(ticket.id);
                }
                Err(e) => {
                    let placed = FormErrors::from_server(e.field_errors(), &sent);
                    let mut message = if placed.placed.is_empty() {
                        e.message()
                    } else {
                        "The ticket was not saved: see the messages beside the fields.".to_string()
                    };
                    for other in &placed.unplaced {
                        message.push(' ');
                        message.push_str(other);
                    }
                    focus_spot(placed.placed.keys().next().copied());
                    errors.set(placed);
                    banner.set(Some(message));
                }
            }
        });
    };

    // Ctrl+Enter (or ⌘+Enter) saves from anywhere in the panel.
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            save();
        }
    };

    view! {
        <SidePanel label=heading(kind).to_string() on_close=move |_| request_close() test_id="add-panel">
            <div class="add-panel" on:keydown=on_keydown>
                <h2 class="add-heading">{heading(kind)}</h2>
                <div class="add-grid">
                    <div class="add-main">
                        <TicketForm draft=draft errors=errors />
                    </div>
                    <div class="add-side">
                        <Sidebar draft=draft errors=errors uploading=uploading />
                    </div>
                </div>
                <footer class="add-foot">
                    <p class="add-banner" role="alert" data-testid="add-banner">{move || banner.get()}</p>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        disabled=move || saving.get()
                        on:click=move |_| request_close()
                    >
                        "Cancel"
                    </button>
                    <button
                        type="button"
                        class="btn btn-primary"
                        title="Save (Ctrl+Enter)"
                        disabled=move || saving.get()
                        aria-busy=move || saving.get().to_string()
                        on:click=move |_| save()
                    >
                        {move || if saving.get() { "Saving…" } else { "Save" }}
                    </button>
                </footer>
            </div>
            <Show when=move || confirming.get()>
                <Dialog title="Discard this ticket?" on_close=move |_| confirming.set(false) test_id="discard-dialog">
                    <p>"What you typed has not been saved and will be lost."</p>
                    <footer class="dialog-foot">
                        <button type="button" class="btn btn-secondary" on:click=move |_| confirming.set(false)>
                            "Keep editing"
                        </button>
                        <button
                            type="button"
                            class="btn btn-danger"
                            on:click=move |_| {
                                confirming.set(false);
                                close();
                            }
                        >
                            "Discard"
                        </button>
                    </footer>
                </Dialog>
            </Show>
        </SidePanel>
    }
}

/// Moves the focus to the input of `spot` (the first one refused), once it has rendered.
fn focus_spot(spot: Option<Spot>) {
    let id = match spot {
        Some(Spot::Title) => "add-title".to_string(),
        Some(Spot::Body) => "add-body".to_string(),
        Some(Spot::Site) => "add-site".to_string(),
        Some(Spot::Category) => "add-category".to_string(),
        Some(Spot::FieldName(key)) => fields::name_input_id(key),
        Some(Spot::FieldValue(key)) => fields::value_input_id(key),
        _ => return,
    };
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) =
            document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
