//! Propagation: the sidebar's Propagate button and its dialog — recipients (accounts from the
//! user search dialog, employees from the employee picker), SMS and/or messenger, an optional
//! message, Send — with each recipient's result shown beside them.

use leptos::prelude::*;
use socdesk_types::{
    Permission,
    explanations::EmployeeRef,
    notifications::{
        Channel, ChannelResult, Outcome, PropagateRequest, RecipientId, RecipientKind, RecipientRef,
        RecipientResult,
    },
    tickets::AccountRef,
};

use super::{controls::Property, state::use_detail};
use crate::{
    api,
    components::{
        common::{account_picker::AccountPicker, dialog::Dialog, employee_picker::EmployeePicker},
        shell::can,
    },
    session::use_session,
};

/// One chosen recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub kind: RecipientKind,
    pub id: RecipientId,
    pub label: String,
}

impl Recipient {
    fn of_account(a: &AccountRef) -> Self {
        Recipient {
            kind: RecipientKind::Account,
            id: RecipientId::Number(a.id),
            label: format!("{} ({})", a.display_name, a.login),
        }
    }

    fn of_employee(e: &EmployeeRef) -> Self {
        Recipient {
            kind: RecipientKind::Employee,
            id: RecipientId::Text(e.id.clone()),
            label: format!("{} (employee {})", e.name, e.id),
        }
    }

    fn same(&self, kind: RecipientKind, id: &RecipientId) -> bool {
        self.kind == kind && self.id.to_string() == id.to_string()
    }
}

fn channel_label(c: Channel) -> &'static str {
    match c {
        Channel::Sms => "SMS",
        Channel::Messenger => "Messenger",
    }
}

/// One channel's result in words: `SMS: sent (HTTP 200)`, `Messenger: failed: no messenger id`.
pub fn channel_text(c: &ChannelResult) -> String {
    let what = match (c.outcome, c.http_status) {
        (Outcome::Sent, Some(s)) => format!("sent (HTTP {s})"),
        (Outcome::Sent, None) => "sent".to_owned(),
        (Outcome::Failed, _) => format!("failed: {}", c.reason.as_deref().unwrap_or("unknown reason")),
    };
    format!("{}: {what}", channel_label(c.channel))
}

/// The Propagation property: a button (for TICKET_EDIT) and the dialog it opens.
#[component]
pub fn PropagationProperty() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Show when=move || can(Permission::TicketEdit)>
            <Property label="Propagation" test_id="propagation">
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(true)>
                    "Propagate"
                </button>
            </Property>
        </Show>
        <Show when=move || open.get()>
            <PropagateDialog on_close=move |_| open.set(false) />
        </Show>
    }
}

#[component]
fn PropagateDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let recipients = RwSignal::new(Vec::<Recipient>::new());
    let results = RwSignal::new(Vec::<RecipientResult>::new());
    let channels = RwSignal::new(vec![Channel::Sms]);
    let message = RwSignal::new(String::new());
    let picking = RwSignal::new(false);
    let employee = RwSignal::new(None::<EmployeeRef>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // A picked employee joins the list and the picker empties for the next one.
    Effect::new(move || {
        if let Some(e) = employee.get() {
            let r = Recipient::of_employee(&e);
            recipients.update(|list| {
                if !list.iter().any(|x| x.same(r.kind, &r.id)) {
                    list.push(r);
                }
            });
            employee.set(None);
        }
    });
    let add_accounts = move |chosen: Vec<AccountRef>| {
        picking.set(false);
        recipients.update(|list| {
            for a in &chosen {
                let r = Recipient::of_account(a);
                if !list.iter().any(|x| x.same(r.kind, &r.id)) {
                    list.push(r);
                }
            }
        });
    };
    let toggle = move |c: Channel, on: bool| {
        channels.update(|list| {
            list.retain(|x| *x != c);
            if on {
                list.push(c);
            }
            list.sort();
        })
    };
    let send = move |_| {
        error.set(None);
        let body = PropagateRequest {
            recipients: recipients
                .get_untracked()
                .iter()
                .map(|r| RecipientRef { kind: r.kind, id: r.id.clone() })
                .collect(),
            channels: channels.get_untracked(),
            message: Some(message.get_untracked()).filter(|m| !m.trim().is_empty()),
        };
        if body.recipients.is_empty() {
            error.set(Some("Add at least one recipient.".to_owned()));
            return;
        }
        if body.channels.is_empty() {
            error.set(Some("Choose SMS, Messenger or both.".to_owned()));
            return;
        }
        busy.set(true);
        let id = detail.id;
        leptos::task::spawn_local(async move {
            let answer = session.call(move |t| api::notifications::propagate(t, id, body.clone())).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match answer {
                Ok(r) => {
                    results.set(r.results);
                    detail.propagated();
                }
                Err(e) => {
                    let fields: Vec<String> =
                        e.field_errors().iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
                    error.set(Some(if fields.is_empty() { e.message() } else { fields.join("; ") }));
                }
            }
        });
    };
    let result_of =
        move |r: &Recipient| results.with(|all| all.iter().find(|x| r.same(x.kind, &x.id)).cloned());
    let rows = move || {
        let list = recipients.get();
        if list.is_empty() {
            return view! { <li class="muted">"Nobody yet: add accounts or employees."</li> }.into_any();
        }
        list.into_iter()
            .map(|r| {
                let result = result_of(&r);
                let remove = r.clone();
                let lines = result
                    .map(|res| {
                        res.channels
                            .iter()
                            .map(|c| {
                                let sent = c.outcome == Outcome::Sent;
                                view! {
                                    <span class="propagate-outcome" class:sent=sent class:failed=!sent data-testid="propagate-result">
                                        {channel_text(c)}
                                    </span>
                                }
                            })
                            .collect_view()
                    });
                view! {
                    <li class="propagate-recipient" data-testid="propagate-recipient">
                        <span class="propagate-name">{r.label.clone()}</span>
                        <span class="propagate-results">{lines}</span>
                        <button
                            type="button"
                            class="icon-btn"
                            aria-label=format!("Remove {}", r.label)
                            on:click=move |_| recipients.update(|l| l.retain(|x| *x != remove))
                        >
                            "✕"
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let title = format!("Propagate ticket #{}", detail.id);
    view! {
        <Dialog title=title on_close=on_close test_id="propagate-dialog" wide=true>
            <p class="muted small">"Sends the ticket's summary and link to each recipient through the enabled notification providers."</p>
            <div class="request-row">
                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| picking.set(true)>
                    "Add accounts…"
                </button>
            </div>
            <EmployeePicker label="Add an employee" id="propagate-employee" chosen=employee />
            <ul class="propagate-list" aria-label="Recipients">{rows}</ul>
            <fieldset class="form-group">
                <legend>"Delivery"</legend>
                {Channel::ALL
                    .iter()
                    .map(|c| {
                        let c = *c;
                        view! {
                            <label class="check-row inline">
                                <input
                                    type="checkbox"
                                    name="propagate-channel"
                                    value=c.as_str()
                                    prop:checked=move || channels.with(|l| l.contains(&c))
                                    on:change=move |ev| toggle(c, event_target_checked(&ev))
                                />
                                <span>{channel_label(c)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label class="form-field">
                <span class="form-label">"Message (optional)"</span>
                <textarea
                    id="propagate-message"
                    class="md-input"
                    rows="3"
                    maxlength="1000"
                    prop:value=move || message.get()
                    on:input=move |ev| message.set(event_target_value(&ev))
                ></textarea>
            </label>
            <p class="form-foot-error" role="alert" data-testid="propagate-error">{move || error.get()}</p>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Close"</button>
                <button type="button" class="btn btn-primary" disabled=busy on:click=send>
                    {move || if busy.get() { "Sending…" } else { "Send" }}
                </button>
            </footer>
        </Dialog>
        <Show when=move || picking.get()>
            <AccountPicker
                title="Recipients"
                initial=Vec::new()
                confirm_label="Add"
                on_confirm=add_accounts
                on_close=move |_| picking.set(false)
            />
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_result_reads_as_a_sentence() {
        let sent = ChannelResult {
            channel: Channel::Sms,
            outcome: Outcome::Sent,
            http_status: Some(200),
            reason: None,
            deliveries: Vec::new(),
        };
        assert_eq!(channel_text(&sent), "SMS: sent (HTTP 200)");
        let failed = ChannelResult {
            channel: Channel::Messenger,
            outcome: Outcome::Failed,
            http_status: None,
            reason: Some("recipient has no messenger id".into()),
            deliveries: Vec::new(),
        };
        assert_eq!(channel_text(&failed), "Messenger: failed: recipient has no messenger id");
    }
}
