//! The bulk toolbar shown while tickets are ticked: Change Assignee, Change Approver, Change
//! Status (Restart, Close with a shared reason), Apply Tag, Change Attack, Change Incident, Run
//! Playbook and Clear selection. Each posts one `POST /api/tickets/bulk` over the selection, then shows what
//! happened to each ticket; the selection stays, so a refused subset can be tried again.

mod dialogs;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{
    Permission,
    tickets::{AccountRef, Attack, BulkAction, BulkRequest, Incident},
};

use self::dialogs::{StatusDialog, TagsDialog};
use super::{
    run_playbook::{self, RunPlaybookDialog},
    use_tickets_screen,
};
use crate::{
    api::{self, ApiError},
    components::common::{
        account_picker::AccountPicker,
        bulk_results::{BulkLine, BulkOutcome, BulkResults},
        menu_button::{MenuButton, MenuItem},
    },
    labels,
    session::use_session,
};

/// The most tickets one bulk request may carry (the API's limit).
pub const MAX_IDS: usize = 10_000;

/// The dialog a bulk action asks its parameters in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    Assignees,
    Approvers,
    Status(BulkAction),
    Tags,
    Playbook,
}

/// A bulk request for `action` with nothing set yet (the ids are added when it is sent).
fn request(action: BulkAction) -> BulkRequest {
    BulkRequest {
        ids: Vec::new(),
        action,
        comment: None,
        assignee_ids: None,
        approver_ids: None,
        tag_ids: None,
        attack: None,
        incident: None,
    }
}

/// A refused request as one line: the server's message and the fields it names.
fn refusal(e: &ApiError) -> String {
    let mut message = e.message();
    for f in e.field_errors() {
        message.push_str(&format!(" {}: {}", f.field, f.message));
    }
    message
}

/// A ticket's result as the results dialog shows it.
fn line(r: &socdesk_types::tickets::BulkItemResult) -> BulkLine {
    BulkLine {
        id: r.id,
        ok: r.ok,
        now: r.status.map(|s| (labels::ticket_status(s), labels::ticket_status_color(s))),
        error_status: r.error_status,
        error: r.error.clone(),
    }
}

/// How many tickets are ticked, the bulk actions, and Clear selection.
#[component]
pub fn BulkToolbar() -> impl IntoView {
    let screen = use_tickets_screen();
    let session = use_session();
    let count = move || screen.selection.with(|s| s.len());
    let may_edit = move || {
        session.account().is_some_and(|me| {
            me.permissions.iter().any(|p| matches!(p, Permission::Admin | Permission::TicketEdit))
        })
    };
    let asking = RwSignal::new(None::<Asking>);
    let outcome = RwSignal::new(None::<BulkOutcome>);
    // What is being applied while the request is out.
    let pending = RwSignal::new(None::<String>);
    let too_many = move || count() > MAX_IDS;
    let blocked = Signal::derive(move || pending.with(Option::is_some) || too_many());

    let run = move |what: String, mut req: BulkRequest| {
        if pending.with_untracked(Option::is_some) {
            return;
        }
        let ids: Vec<i64> = screen.selection.with_untracked(|s| s.iter().copied().collect());
        if ids.is_empty() || ids.len() > MAX_IDS {
            return;
        }
        req.ids = ids.clone();
        asking.set(None);
        pending.set(Some(format!("{what}: applying to {}…", plural(ids.len()))));
        spawn_local(async move {
            let answer = session.call(move |t| api::tickets::bulk(t, req.clone())).await;
            pending.set(None);
            if answer.is_ok() {
                screen.reload();
            }
            outcome.set(Some(BulkOutcome {
                what,
                noun: ("ticket", "tickets"),
                verb: "changed",
                sent: ids.len(),
                answer: answer.map(|r| r.results.iter().map(line).collect()).map_err(|e| refusal(&e)),
            }));
        });
    };

    let status_items = StoredValue::new(vec![
        MenuItem::new("Restart", move || asking.set(Some(Asking::Status(BulkAction::Restart)))),
        MenuItem::new("Close", move || asking.set(Some(Asking::Status(BulkAction::Close)))),
    ]);
    let attack_items = StoredValue::new(
        Attack::ALL
            .iter()
            .map(|&a| {
                MenuItem::new(labels::attack(a), move || {
                    run(
                        format!("Change Attack to {}", labels::attack(a)),
                        BulkRequest { attack: Some(a), ..request(BulkAction::Attack) },
                    )
                })
            })
            .collect::<Vec<_>>(),
    );
    let incident_items = StoredValue::new(
        Incident::ALL
            .iter()
            .map(|&i| {
                MenuItem::new(labels::incident(i), move || {
                    run(
                        format!("Change Incident to {}", labels::incident(i)),
                        BulkRequest { incident: Some(i), ..request(BulkAction::Incident) },
                    )
                })
            })
            .collect::<Vec<_>>(),
    );

    let people_dialog = move || {
        let (title, assign) = match asking.get() {
            Some(Asking::Assignees) => ("Change Assignee", true),
            Some(Asking::Approvers) => ("Change Approver", false),
            _ => return None,
        };
        let confirm = move |chosen: Vec<AccountRef>| {
            let ids = Some(chosen.iter().map(|a| a.id).collect());
            let req = if assign {
                BulkRequest { assignee_ids: ids, ..request(BulkAction::Assign) }
            } else {
                BulkRequest { approver_ids: ids, ..request(BulkAction::SetApprovers) }
            };
            run(title.to_string(), req);
        };
        Some(view! {
            <AccountPicker
                title=title
                initial=Vec::new()
                confirm_label=format!("Apply to {}", plural(count()))
                on_confirm=confirm
                on_close=move |_| asking.set(None)
            />
        })
    };
    let status_dialog = move || match asking.get() {
        Some(Asking::Status(action)) => {
            let confirm = move |comment: Option<String>| {
                let what = if action == BulkAction::Close { "Close" } else { "Restart" };
                run(what.to_string(), BulkRequest { comment, ..request(action) });
            };
            Some(view! {
                <StatusDialog action=action count=count() on_confirm=confirm on_close=move |_| asking.set(None) />
            })
        }
        _ => None,
    };
    let tags_dialog = move || {
        (asking.get() == Some(Asking::Tags)).then(|| {
            let confirm = move |tags: Vec<i64>| {
                let what = if tags.is_empty() { "Remove all tags" } else { "Apply Tag" };
                run(what.to_string(), BulkRequest { tag_ids: Some(tags), ..request(BulkAction::Tags) });
            };
            view! { <TagsDialog count=count() on_confirm=confirm on_close=move |_| asking.set(None) /> }
        })
    };
    let playbook_dialog = move || {
        (asking.get() == Some(Asking::Playbook)).then(|| {
            let confirm = move |(id, name): (i64, String)| {
                if pending.with_untracked(Option::is_some) {
                    return;
                }
                let ids: Vec<i64> = screen.selection.with_untracked(|s| s.iter().copied().collect());
                if ids.is_empty() || ids.len() > MAX_IDS {
                    return;
                }
                asking.set(None);
                pending.set(Some(format!("Run playbook {name}: starting on {}…", plural(ids.len()))));
                spawn_local(async move {
                    let o = run_playbook::start(session, id, name, ids).await;
                    pending.set(None);
                    screen.reload();
                    outcome.set(Some(o));
                });
            };
            view! {
                <RunPlaybookDialog target=plural(count()) on_confirm=confirm on_close=move |_| asking.set(None) />
            }
        })
    };
    let results_dialog = move || {
        outcome.get().map(|o| {
            let keep = move |ids: Vec<i64>| {
                screen.selection.set(ids.into_iter().collect());
                outcome.set(None);
            };
            let clear = move |()| {
                outcome.set(None);
                screen.selection.set(Default::default());
            };
            let open = move |id: i64| {
                outcome.set(None);
                screen.open_ticket(id);
            };
            view! {
                <BulkResults
                    outcome=o
                    on_close=move |_| outcome.set(None)
                    on_keep=keep
                    on_clear=clear
                    on_open=open
                />
            }
        })
    };

    view! {
        <Show when=move || { count() > 0 }>
            <div class="bulk-toolbar" role="toolbar" aria-label="Bulk actions" data-testid="bulk-toolbar">
                <span class="bulk-count" data-testid="bulk-count">{move || format!("{} selected", count())}</span>
                <Show
                    when=may_edit
                    fallback=|| view! { <span class="muted small">"Bulk actions need the TICKET_EDIT permission."</span> }
                >
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        disabled=blocked
                        on:click=move |_| asking.set(Some(Asking::Assignees))
                    >
                        "Change Assignee"
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        disabled=blocked
                        on:click=move |_| asking.set(Some(Asking::Approvers))
                    >
                        "Change Approver"
                    </button>
                    <MenuButton label="Change Status".to_string() items=status_items.get_value() disabled=blocked />
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        disabled=blocked
                        on:click=move |_| asking.set(Some(Asking::Tags))
                    >
                        "Apply Tag"
                    </button>
                    <MenuButton label="Change Attack".to_string() items=attack_items.get_value() disabled=blocked />
                    <MenuButton label="Change Incident".to_string() items=incident_items.get_value() disabled=blocked />
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        disabled=blocked
                        data-testid="bulk-run-playbook"
                        on:click=move |_| asking.set(Some(Asking::Playbook))
                    >
                        "Run Playbook"
                    </button>
                </Show>
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    disabled=move || pending.with(Option::is_some)
                    on:click=move |_| screen.selection.set(Default::default())
                >
                    "Clear selection"
                </button>
                <span class="bulk-state" aria-live="polite" data-testid="bulk-state">
                    {move || {
                        pending
                            .get()
                            .or_else(|| {
                                too_many()
                                    .then(|| format!("Bulk actions take at most {MAX_IDS} tickets at a time."))
                            })
                    }}
                </span>
            </div>
            {people_dialog}
            {status_dialog}
            {tags_dialog}
            {playbook_dialog}
        </Show>
        // Outside the toolbar: the answer shows even if the selection was cleared meanwhile.
        {results_dialog}
    }
}

/// `1 ticket`, `3 tickets`.
pub fn plural(n: usize) -> String {
    if n == 1 { "1 ticket".into() } else { format!("{n} tickets") }
}
