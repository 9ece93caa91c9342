//! Assignees and approvers: who they are, and the user search dialog to change them.

use leptos::{html, prelude::*};
use socdesk_types::tickets::{AccountRef, Ticket, TicketPatch};

use super::{
    controls::{EditButton, Property, refocus},
    state::{SaveNote, Saving, use_detail},
};
use crate::components::common::account_picker::AccountPicker;

/// Which people of the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum People {
    Assignees,
    Approvers,
}

impl People {
    fn label(self) -> &'static str {
        match self {
            People::Assignees => "Assignees",
            People::Approvers => "Approvers",
        }
    }

    fn of(self, t: &Ticket) -> Vec<AccountRef> {
        match self {
            People::Assignees => t.assignees.clone(),
            People::Approvers => t.approvers.clone(),
        }
    }

    fn patch(self, ids: Vec<i64>) -> TicketPatch {
        match self {
            People::Assignees => TicketPatch { assignee_ids: Some(ids), ..Default::default() },
            People::Approvers => TicketPatch { approver_ids: Some(ids), ..Default::default() },
        }
    }
}

/// The names, and (for editors) a button opening the user search dialog, limited to accounts
/// that may see the ticket's site.
#[component]
pub fn PeopleProperty(which: People) -> impl IntoView {
    let detail = use_detail();
    let picking = RwSignal::new(false);
    let saving = Saving::new();
    let button = NodeRef::<html::Button>::new();
    let current = Memo::new(move |_| detail.ticket.with(|t| which.of(t)));
    let key = which.label().to_lowercase();
    let names = move || {
        let people = current.get();
        if people.is_empty() {
            return view! { <li class="muted nobody">"Nobody"</li> }.into_any();
        }
        people
            .into_iter()
            .map(|a| view! { <li class="chip" title=a.login.clone()>{a.display_name}</li> })
            .collect_view()
            .into_any()
    };
    let edit = ViewFn::from(move || {
        detail.can_edit().then(|| {
            view! {
                <EditButton
                    label=format!("Edit {}", which.label().to_lowercase())
                    node_ref=button
                    on_click=move |_| picking.set(true)
                />
            }
        })
    });
    let close = move || {
        picking.set(false);
        refocus(button);
    };
    let confirm = move |chosen: Vec<AccountRef>| {
        close();
        let ids: Vec<i64> = chosen.iter().map(|a| a.id).collect();
        let mut before: Vec<i64> = current.get_untracked().iter().map(|a| a.id).collect();
        let mut after = ids.clone();
        before.sort_unstable();
        after.sort_unstable();
        if before != after {
            saving.run(detail.patch(which.patch(ids)), || ());
        }
    };
    let picker = move || {
        picking.get().then(|| {
            let (site_id, site) = detail.ticket.with_untracked(|t| (t.site.id, t.site.name.clone()));
            view! {
                <AccountPicker
                    title=format!("{} of ticket #{} (accounts of {site})", which.label(), detail.id)
                    initial=current.get_untracked()
                    site_id=site_id
                    on_confirm=confirm
                    on_close=move |_| close()
                />
            }
        })
    };
    view! {
        <Property label=which.label() action=edit test_id=key.clone()>
            <ul class="chips people" aria-label=which.label()>{names}</ul>
            <SaveNote saving=saving />
        </Property>
        {picker}
    }
}
