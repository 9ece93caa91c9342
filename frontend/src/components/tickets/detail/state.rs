//! The open ticket, shared by the panel's parts, and the one way its changes are sent.
//!
//! Every change goes through [`Detail::send`]: one at a time, each with the version the previous
//! one left, so two quick edits never race each other into a 412. The answer (the ticket after
//! the change) replaces the panel's copy, the tabs that depend on it refetch, and the list and
//! trend behind the panel are asked to reload.

use std::{future::Future, rc::Rc, time::Duration};

use futures_util::lock::Mutex;
use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{
    Permission,
    tickets::{CreatedBy, Ticket, TicketAction, TicketKind, TicketPatch},
};

use crate::{
    api::{self, ApiError},
    components::tickets::TicketsScreen,
    session::{Session, use_session},
};

/// The ticket the panel shows, and how to change it.
#[derive(Clone, Copy)]
pub struct Detail {
    pub id: i64,
    /// The ticket as the server last answered it.
    pub ticket: RwSignal<Ticket>,
    /// Bumped after every change the server took: the history and the file list refetch on it.
    pub changes: RwSignal<u64>,
    session: Session,
    screen: Option<TicketsScreen>,
    /// Held while a change is out, so the next one waits and sends the version this one leaves.
    turn: StoredValue<Rc<Mutex<()>>, LocalStorage>,
}

/// A change to send.
enum Change {
    Patch(TicketPatch),
    Transition(TicketAction, Option<String>),
    Attach(Vec<i64>),
    Detach(i64),
}

impl Detail {
    /// The state of `ticket`, provided to the panel's parts.
    pub fn provide(ticket: Ticket) -> Self {
        let detail = Detail {
            id: ticket.id,
            ticket: RwSignal::new(ticket),
            changes: RwSignal::new(0),
            session: use_session(),
            screen: use_context::<TicketsScreen>(),
            turn: StoredValue::new_local(Rc::new(Mutex::new(()))),
        };
        provide_context(detail);
        detail
    }

    /// Opened by a detection rule: title, body and fields are read-only.
    pub fn is_system(&self) -> bool {
        self.ticket.with(|t| t.created_by == CreatedBy::System)
    }

    /// A detection ticket (structured fields) rather than an analysis one.
    pub fn is_detection(&self) -> bool {
        self.ticket.with(|t| t.kind == TicketKind::Detection)
    }

    /// Whether the signed-in account may edit tickets (`TICKET_EDIT` or `ADMIN`).
    pub fn can_edit(&self) -> bool {
        self.session.account().is_some_and(|me| {
            me.permissions.contains(&Permission::Admin) || me.permissions.contains(&Permission::TicketEdit)
        })
    }

    /// Whether the title and body can be edited here.
    pub fn can_edit_text(&self) -> bool {
        self.can_edit() && !self.is_system()
    }

    fn me(&self) -> Option<i64> {
        self.session.account().map(|me| me.id)
    }

    /// Whether the signed-in account is one of the ticket's assignees.
    pub fn is_assignee(&self) -> bool {
        let me = self.me();
        self.ticket.with(|t| me.is_some_and(|id| t.assignees.iter().any(|a| a.id == id)))
    }

    /// Whether the signed-in account is one of the ticket's approvers.
    pub fn is_approver(&self) -> bool {
        let me = self.me();
        self.ticket.with(|t| me.is_some_and(|id| t.approvers.iter().any(|a| a.id == id)))
    }

    /// Whether the server lets the signed-in account take `action` now.
    pub fn allows(&self, action: TicketAction) -> bool {
        self.ticket.with(|t| t.allowed_actions.contains(&action))
    }

    /// Opens another ticket in the panel.
    pub fn open(&self, id: i64) {
        if let Some(screen) = self.screen {
            screen.open_ticket(id);
        }
    }

    /// `PATCH` with the latest version.
    pub async fn patch(self, patch: TicketPatch) -> Result<(), ApiError> {
        self.send(Change::Patch(patch)).await
    }

    /// A workflow action, with an optional comment for the history.
    pub async fn transition(self, action: TicketAction, comment: Option<String>) -> Result<(), ApiError> {
        self.send(Change::Transition(action, comment)).await
    }

    /// Attaches uploads to the ticket's body.
    pub async fn attach(self, attachment_ids: Vec<i64>) -> Result<(), ApiError> {
        self.send(Change::Attach(attachment_ids)).await
    }

    /// Removes (deletes) a file of the ticket's body.
    pub async fn detach(self, attachment_id: i64) -> Result<(), ApiError> {
        self.send(Change::Detach(attachment_id)).await
    }

    /// Fetches the ticket again (after a 412, or a change that answers no ticket).
    pub async fn reload(self) -> Result<(), ApiError> {
        let turn = self.turn.get_value();
        let _turn = turn.lock().await;
        let id = self.id;
        let ticket = self.session.call(move |t| api::tickets::get_one(t, id)).await?;
        self.catch_up(ticket);
        Ok(())
    }

    /// Takes the ticket as the server has it now; when someone else changed it, what depends
    /// on it (history, files, the list behind) refetches too.
    fn catch_up(self, ticket: Ticket) {
        let Some(known) = self.ticket.try_with_untracked(|t| t.version) else { return };
        let moved_on = known != ticket.version;
        self.ticket.set(ticket);
        if moved_on {
            self.changed();
        }
    }

    /// A memo was written: the history and the files change, and the ticket's modification time.
    pub fn memo_added(self) {
        self.changed();
        spawn_local(async move {
            // Only the modification time is new; a failure here changes nothing that matters.
            let _ = self.reload().await;
        });
    }

    /// An explanation was asked from this ticket: its Explanations tab, its history and the
    /// list's Explanation status change.
    pub fn explanation_requested(self) {
        self.changed();
        spawn_local(async move {
            let _ = self.reload().await;
        });
    }

    /// The ticket was propagated: its history has a new entry.
    pub fn propagated(self) {
        self.changed();
    }

    fn changed(self) {
        if self.changes.is_disposed() {
            return;
        }
        self.changes.update(|c| *c += 1);
        if let Some(screen) = self.screen {
            screen.reload();
        }
    }

    /// Sends one change after the previous one finished, with the version that one left.
    async fn send(self, change: Change) -> Result<(), ApiError> {
        let turn = self.turn.get_value();
        let _turn = turn.lock().await;
        let Some(version) = self.ticket.try_with_untracked(|t| t.version) else {
            return Ok(()); // The panel was closed meanwhile.
        };
        let (id, session) = (self.id, self.session);
        let ticket = match change {
            Change::Patch(patch) => {
                Some(session.call(move |t| api::tickets::update(t, id, version, patch.clone())).await?)
            }
            Change::Transition(action, comment) => {
                match session.call(move |t| api::tickets::transition(t, id, action, comment.clone())).await {
                    Ok(ticket) => Some(ticket),
                    // The status moved on behind the panel's back: catch up, so the buttons are
                    // the ones allowed now, and say why this one was refused.
                    Err(e) if e.status() == Some(409) => {
                        if let Some(ticket) = self.refetched().await {
                            self.catch_up(ticket);
                        }
                        return Err(e);
                    }
                    Err(e) => return Err(e),
                }
            }
            Change::Attach(ids) => {
                session.call(move |t| api::tickets::attach(t, id, ids.clone())).await?;
                self.refetched().await
            }
            Change::Detach(attachment_id) => {
                session.call(move |t| api::tickets::detach(t, id, attachment_id)).await?;
                self.refetched().await
            }
        };
        if let Some(ticket) = ticket
            && !self.ticket.is_disposed()
        {
            self.ticket.set(ticket);
        }
        self.changed();
        Ok(())
    }

    /// The ticket after a change of its files, which answers no ticket yet gives it a new
    /// version. When that fetch fails the change still stands; the next edit then meets a 412
    /// and offers to reload.
    async fn refetched(self) -> Option<Ticket> {
        let id = self.id;
        self.session.call(move |t| api::tickets::get_one(t, id)).await.ok()
    }
}

/// The open ticket's state.
pub fn use_detail() -> Detail {
    expect_context::<Detail>()
}

/// Why a change was not made: refused here before sending, or by the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Trouble {
    Refused(String),
    Api(ApiError),
}

impl Trouble {
    /// Someone changed the ticket since it was read (412).
    pub fn is_stale(&self) -> bool {
        matches!(self, Trouble::Api(e) if e.status() == Some(412))
    }

    /// What to tell the person, as a sentence.
    pub fn message(&self) -> String {
        match self {
            Trouble::Refused(m) => m.clone(),
            Trouble::Api(_) if self.is_stale() => {
                "Someone else changed this ticket meanwhile; your change was not saved.".into()
            }
            Trouble::Api(e) => sentence(&e.message()),
        }
    }

    /// The server's message for one field (`fields[2].name`, `cidr`), if it named it.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            Trouble::Api(e) => e.field(field).map(|m| sentence(&m)),
            Trouble::Refused(_) => None,
        }
    }
}

/// `must be ...` → `Must be ...`.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One control's save: under way, its last refusal, and a short-lived "Saved".
#[derive(Clone, Copy)]
pub struct Saving {
    pub pending: RwSignal<bool>,
    pub error: RwSignal<Option<Trouble>>,
    pub saved: RwSignal<bool>,
}

impl Saving {
    pub fn new() -> Self {
        Saving { pending: RwSignal::new(false), error: RwSignal::new(None), saved: RwSignal::new(false) }
    }

    /// Refuses before sending, with `message` shown in place.
    pub fn refuse(self, message: impl Into<String>) {
        self.saved.set(false);
        self.error.set(Some(Trouble::Refused(message.into())));
    }

    /// Forgets the last outcome.
    pub fn clear(self) {
        self.error.set(None);
        self.saved.set(false);
    }

    /// Runs `work` (unless one is under way) and records how it went; `done` runs on success.
    pub fn run<W, D>(self, work: W, done: D)
    where
        W: Future<Output = Result<(), ApiError>> + 'static,
        D: FnOnce() + 'static,
    {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        self.clear();
        spawn_local(async move {
            let result = work.await;
            if self.pending.is_disposed() {
                return;
            }
            self.pending.set(false);
            match result {
                Ok(()) => {
                    self.saved.set(true);
                    done();
                    set_timeout(
                        move || {
                            let _ = self.saved.try_set(false);
                        },
                        Duration::from_secs(3),
                    );
                }
                Err(e) => self.error.set(Some(Trouble::Api(e))),
            }
        });
    }
}

impl Default for Saving {
    fn default() -> Self {
        Saving::new()
    }
}

/// The line under a control: "Saving…", "Saved", or why not, in place (its height is kept so
/// nothing moves). A 412 offers to reload the ticket.
#[component]
pub fn SaveNote(saving: Saving, #[prop(optional, into)] id: String) -> impl IntoView {
    let detail = use_detail();
    let reloading = RwSignal::new(false);
    let reload = move |_| {
        reloading.set(true);
        spawn_local(async move {
            let result = detail.reload().await;
            if reloading.is_disposed() {
                return;
            }
            reloading.set(false);
            match result {
                Ok(()) => saving.clear(),
                Err(e) => saving.error.set(Some(Trouble::Api(e))),
            }
        });
    };
    let trouble = move || {
        saving.error.get().map(|t| {
            let stale = t.is_stale();
            view! {
                <span class="field-error" role="alert">{t.message()}</span>
                {stale.then(|| {
                    view! {
                        <button
                            type="button"
                            class="link-btn reload-btn"
                            disabled=move || reloading.get()
                            on:click=reload
                        >
                            {move || if reloading.get() { "Reloading…" } else { "Reload the ticket" }}
                        </button>
                    }
                })}
            }
        })
    };
    view! {
        <div class="save-note" id=id>
            <span class="muted" aria-live="polite">
                {move || {
                    if saving.pending.get() {
                        "Saving…"
                    } else if saving.saved.get() {
                        "Saved"
                    } else {
                        ""
                    }
                }}
            </span>
            {trouble}
        </div>
    }
}
