//! The status and the workflow controls of the sidebar, built only from what the API allows
//! the signed-in account (`allowed_actions`): Change Status buttons, Submit Approval, the
//! assignee's Assigned task dropdown and the approver's Approval status dropdown. Every action
//! asks for an optional comment first.

use leptos::{html, prelude::*};
use socdesk_types::tickets::TicketAction;

use super::{
    controls::{Property, focus_id},
    state::{SaveNote, Saving, use_detail},
};
use crate::{
    components::common::{badges::StatusBadge, dialog::Dialog},
    labels,
};

/// The longest comment a transition takes.
const MAX_COMMENT: usize = 10_000;

/// Buttons under Change Status.
const STATUS_BUTTONS: [TicketAction; 3] = [TicketAction::Close, TicketAction::Reopen, TicketAction::Restart];
/// The assignee's dropdown.
const TASK_ACTIONS: [TicketAction; 2] = [TicketAction::Start, TicketAction::BackToAssigned];
/// The approver's dropdown.
const APPROVAL_ACTIONS: [TicketAction; 2] = [TicketAction::Approve, TicketAction::Reject];

/// What an action does, in a sentence for its dialog.
fn what_it_does(action: TicketAction) -> &'static str {
    match action {
        TicketAction::Start => "Marks that you are working on the ticket.",
        TicketAction::BackToAssigned => "Puts the ticket back to Assigned, as not being worked on.",
        TicketAction::Submit => "Asks the approvers to review your work on the ticket.",
        TicketAction::Approve => "Approves the assignees' work on the ticket.",
        TicketAction::Reject => "Sends the ticket back to its assignees for more work.",
        TicketAction::Close => "Closes the ticket now, whatever its status.",
        TicketAction::Reopen => "Opens the closed ticket again for more work.",
        TicketAction::Restart => "Sets the ticket back to New.",
    }
}

/// Ticket status, Change Status, Approval, Assigned task and Approval status.
#[component]
pub fn StatusProperties() -> impl IntoView {
    let detail = use_detail();
    let asking = RwSignal::new(None::<TicketAction>);
    let ask = move |action: TicketAction| asking.set(Some(action));
    let status = move || view! { <StatusBadge status=detail.ticket.with(|t| t.status) /> };
    let buttons = move || {
        let allowed: Vec<TicketAction> = STATUS_BUTTONS.into_iter().filter(|a| detail.allows(*a)).collect();
        if allowed.is_empty() {
            return view! { <span class="muted small">"No change available to you now."</span> }.into_any();
        }
        allowed
            .into_iter()
            .map(|action| {
                view! {
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        data-action=action.as_str()
                        on:click=move |_| ask(action)
                    >
                        {labels::ticket_action(action)}
                    </button>
                }
            })
            .collect_view()
            .into_any()
    };
    let dialog = move || {
        asking.get().map(|action| {
            let close = move |_| {
                asking.set(None);
                focus_id("ticket-status-now");
            };
            view! { <TransitionDialog action=action on_close=close /> }
        })
    };
    view! {
        <Property label="Ticket status" test_id="ticket-status">
            <div class="status-now" id="ticket-status-now" tabindex="-1">{status}</div>
        </Property>
        <Property label="Change status" test_id="change-status">
            <div class="action-buttons">{buttons}</div>
        </Property>
        <Show when=move || detail.allows(TicketAction::Submit)>
            <Property label="Approval" test_id="approval">
                <button
                    type="button"
                    class="btn btn-primary btn-small"
                    data-action=TicketAction::Submit.as_str()
                    on:click=move |_| ask(TicketAction::Submit)
                >
                    {labels::ticket_action(TicketAction::Submit)}
                </button>
            </Property>
        </Show>
        <Show when=move || detail.is_assignee()>
            <Property label="Assigned task" control="assigned-task" test_id="assigned-task">
                <ActionSelect id="assigned-task" actions=&TASK_ACTIONS on_pick=ask />
            </Property>
        </Show>
        <Show when=move || detail.is_approver()>
            <Property label="Approval status" control="approval-status" test_id="approval-status">
                <ActionSelect id="approval-status" actions=&APPROVAL_ACTIONS on_pick=ask />
            </Property>
        </Show>
        {dialog}
    }
}

/// A dropdown of the `actions` the API allows now; picking one opens its dialog.
#[component]
fn ActionSelect(
    id: &'static str,
    actions: &'static [TicketAction],
    #[prop(into)] on_pick: Callback<TicketAction>,
) -> impl IntoView {
    let detail = use_detail();
    let node = NodeRef::<html::Select>::new();
    let allowed =
        Memo::new(move |_| actions.iter().copied().filter(|a| detail.allows(*a)).collect::<Vec<_>>());
    let placeholder = move || {
        if allowed.with(Vec::is_empty) { "Nothing to change now" } else { "Choose an action…" }
    };
    let options = move || {
        allowed
            .get()
            .into_iter()
            .map(|a| view! { <option value=a.as_str() data-action=a.as_str()>{labels::ticket_action(a)}</option> })
            .collect_view()
    };
    let on_change = move |ev| {
        if let Some(action) = TicketAction::parse(&event_target_value(&ev)) {
            on_pick.run(action);
        }
        // The dropdown goes back to its prompt; the dialog says what was chosen.
        if let Some(el) = node.get_untracked() {
            el.set_value("");
        }
    };
    view! {
        <select
            id=id
            class="select prop-control"
            node_ref=node
            disabled=move || allowed.with(Vec::is_empty)
            on:change=on_change
        >
            <option value="" selected>{placeholder}</option>
            {options}
        </select>
    }
}

/// Confirms one action, with an optional comment for the history; a refusal (409, 403) shows
/// in place and the dialog stays open.
#[component]
fn TransitionDialog(action: TicketAction, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let detail = use_detail();
    let comment = RwSignal::new(String::new());
    let saving = Saving::new();
    let label = labels::ticket_action(action);
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = comment.get_untracked().trim().to_owned();
        if text.chars().count() > MAX_COMMENT {
            saving.refuse(format!("The comment can be at most {MAX_COMMENT} characters."));
            return;
        }
        let comment = (!text.is_empty()).then_some(text);
        saving.run(detail.transition(action, comment), move || on_close.run(()));
    };
    view! {
        <Dialog title=format!("{label}: ticket #{}", detail.id) on_close=on_close test_id="transition-dialog">
            <form class="transition-form" on:submit=confirm>
                <p class="muted">{what_it_does(action)}</p>
                <label class="prop-label" for="transition-comment">"Comment (optional)"</label>
                <textarea
                    id="transition-comment"
                    class="md-input comment-input"
                    rows="4"
                    placeholder="Recorded in the history with the change"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
                <SaveNote saving=saving />
                <footer class="dialog-foot">
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                        "Cancel"
                    </button>
                    <button
                        type="submit"
                        class="btn btn-primary"
                        data-testid="confirm-transition"
                        disabled=move || saving.pending.get()
                    >
                        {label}
                    </button>
                </footer>
            </form>
        </Dialog>
    }
}
