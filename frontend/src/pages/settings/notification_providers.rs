//! Settings > Notification providers: the SMS and messenger webhooks ticket propagation calls.
//! A table of providers; Add or Edit opens the form (channel, name, URL, headers whose stored
//! values stay hidden, the JSON body template) with Send test, whose outcome shows in place.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::notifications::{
    Channel, Delivery, NotificationProvider, Outcome, ProviderTestRequest, TestRecipient,
};

use super::SettingsHead;
use crate::{
    api,
    components::{
        admin::providers::{ProviderDraft, sample_template},
        common::{
            confirm::ConfirmDialog,
            form::{FieldMessage, FormErrors, FormField, FormMessage},
        },
    },
    session::use_session,
};

/// Which provider the form shows.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    None,
    New,
    Existing(NotificationProvider),
}

fn channel_label(c: Channel) -> &'static str {
    match c {
        Channel::Sms => "SMS",
        Channel::Messenger => "Messenger",
    }
}

/// What a delivery says, in words: `sent (HTTP 200)` or `failed: reason`.
pub fn outcome_text(d: &Delivery) -> String {
    match d.outcome {
        Outcome::Sent => match d.http_status {
            Some(s) => format!("sent (HTTP {s})"),
            None => "sent".to_owned(),
        },
        Outcome::Failed => format!("failed: {}", d.reason.as_deref().unwrap_or("unknown reason")),
    }
}

/// The Notification providers page.
#[component]
pub fn NotificationProvidersPage() -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u64);
    let providers = LocalResource::new(move || {
        version.track();
        async move { session.call(api::notifications::list).await }
    });
    let editing = RwSignal::new(Editing::None);
    let deleting = RwSignal::new(None::<NotificationProvider>);
    let delete_busy = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let saved = Callback::new(move |p: Option<NotificationProvider>| {
        version.update(|v| *v += 1);
        editing.set(p.map_or(Editing::None, Editing::Existing));
    });
    let confirm_delete = move |_| {
        let Some(p) = deleting.get_untracked() else { return };
        delete_busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::notifications::remove(t, p.id)).await;
            delete_busy.set(false);
            match result {
                Ok(()) => {
                    deleting.set(None);
                    if matches!(editing.get_untracked(), Editing::Existing(ref e) if e.id == p.id) {
                        editing.set(Editing::None);
                    }
                    version.update(|v| *v += 1);
                }
                Err(e) => delete_error.set(Some(e.message())),
            }
        });
    };
    let table = move || {
        match providers.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading the providers…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <p class="muted empty-note">"No provider yet: propagation has nothing to send through. Add one."</p>
        }
        .into_any(),
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|p| {
                    let edit = p.clone();
                    let del = p.clone();
                    view! {
                        <tr data-testid="provider-row">
                            <td>{p.name.clone()}</td>
                            <td>{channel_label(p.kind)}</td>
                            <td class="mono small">{p.url.clone()}</td>
                            <td>{if p.enabled { "Enabled" } else { "Disabled" }}</td>
                            <td class="num">{p.headers.len()}</td>
                            <td class="row-actions">
                                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| editing.set(Editing::Existing(edit.clone()))>
                                    "Edit"
                                </button>
                                <button type="button" class="btn btn-secondary btn-small" on:click=move |_| {
                                    delete_error.set(None);
                                    deleting.set(Some(del.clone()));
                                }>
                                    "Delete"
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll table-scroll-short">
                    <table class="table admin-table" data-testid="providers-table">
                        <thead>
                            <tr>
                                <th>"Name"</th>
                                <th>"Channel"</th>
                                <th>"URL"</th>
                                <th>"State"</th>
                                <th>"Headers"</th>
                                <th><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <div class="page">
            <SettingsHead
                title="Notification providers"
                intro="SMS and messenger gateways that ticket propagation calls: each is an HTTP webhook receiving a POST with a JSON body."
            >
                <button type="button" class="btn btn-primary" on:click=move |_| editing.set(Editing::New)>
                    "Add provider"
                </button>
            </SettingsHead>
            <section class="card">{table}</section>
            {move || match editing.get() {
                Editing::None => ().into_any(),
                Editing::New => view! { <ProviderForm stored=None on_saved=saved on_cancel=move |_| editing.set(Editing::None) /> }.into_any(),
                Editing::Existing(p) => {
                    let id = p.id;
                    view! {
                        <div data-provider=id>
                            <ProviderForm stored=Some(p) on_saved=saved on_cancel=move |_| editing.set(Editing::None) />
                        </div>
                    }
                    .into_any()
                }
            }}
            <Show when=move || deleting.with(Option::is_some)>
                <ConfirmDialog
                    title="Delete provider"
                    confirm_label="Delete"
                    danger=true
                    pending=delete_busy
                    error=delete_error
                    on_confirm=confirm_delete
                    on_close=move |_| deleting.set(None)
                >
                    {move || deleting.get().map(|p| format!("Delete the provider {}? Propagation stops using it at once.", p.name))}
                </ConfirmDialog>
            </Show>
        </div>
    }
}

const FIELDS: &[&str] = &["kind", "name", "enabled", "url", "headers", "body_template"];

#[component]
fn ProviderForm(
    stored: Option<NotificationProvider>,
    #[prop(into)] on_saved: Callback<Option<NotificationProvider>>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let id = stored.as_ref().map(|p| p.id);
    let draft = RwSignal::new(stored.as_ref().map(ProviderDraft::of).unwrap_or_default());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        status.set(None);
        busy.set(true);
        let d = draft.get_untracked();
        spawn_local(async move {
            let result = match id {
                None => session.call(move |t| api::notifications::create(t, d.create_body())).await,
                Some(id) => session.call(move |t| api::notifications::update(t, id, d.patch_body())).await,
            };
            busy.set(false);
            match result {
                Ok(p) => {
                    status.set(Some("Saved."));
                    on_saved.run(Some(p));
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    let header_rows = move || draft.with(|d| d.headers.iter().map(|h| h.key).collect::<Vec<_>>());
    let title = if id.is_some() { "Edit provider" } else { "New provider" };
    view! {
        <section class="card">
            <h2 class="card-title">{title}</h2>
            <form class="admin-form provider-form" on:submit=on_submit aria-label=title data-testid="provider-form">
                <div class="settings-grid">
                    <FormField label="Channel" id="provider-kind" error=errors.field("kind")>
                        <select
                            id="provider-kind"
                            class="select"
                            on:change=move |ev| {
                                if let Some(k) = Channel::parse(&event_target_value(&ev)) {
                                    draft.update(|d| {
                                        // A template still as it started follows the channel.
                                        if d.body_template == sample_template(d.kind) {
                                            d.body_template = sample_template(k).to_owned();
                                        }
                                        d.kind = k;
                                    });
                                }
                            }
                        >
                            {Channel::ALL
                                .iter()
                                .map(|c| {
                                    let c = *c;
                                    view! { <option value=c.as_str() selected=move || draft.with(|d| d.kind == c)>{channel_label(c)}</option> }
                                })
                                .collect_view()}
                        </select>
                    </FormField>
                    <FormField label="Name" id="provider-name" error=errors.field("name")>
                        <input
                            id="provider-name"
                            class="input"
                            aria-describedby="provider-name-error"
                            class:invalid=move || errors.field("name").with(Option::is_some)
                            prop:value=move || draft.with(|d| d.name.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.name = v);
                            }
                        />
                    </FormField>
                    <FormField label="URL (POST)" id="provider-url" error=errors.field("url") wide=true
                        hint="http or https. Loopback and private addresses are refused unless Global options allow private network targets.">
                        <input
                            id="provider-url"
                            class="input"
                            placeholder="https://sms.example.com/send"
                            aria-describedby="provider-url-error"
                            class:invalid=move || errors.field("url").with(Option::is_some)
                            prop:value=move || draft.with(|d| d.url.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.url = v);
                            }
                        />
                    </FormField>
                </div>
                <label class="check-row">
                    <input
                        type="checkbox"
                        id="provider-enabled"
                        prop:checked=move || draft.with(|d| d.enabled)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| d.enabled = on);
                        }
                    />
                    <span>"Enabled (propagation calls it)"</span>
                </label>
                <fieldset class="form-group">
                    <legend>"Headers"</legend>
                    <p class="muted small">"Sent with every call (an API token, say). Stored values are never shown again: leave a value empty to keep it."</p>
                    <ul class="header-rows" data-testid="provider-headers">
                        <For each=header_rows key=|k| *k let:key>
                            <HeaderRow draft=draft row=key errors=errors />
                        </For>
                    </ul>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| draft.update(ProviderDraft::add_header)>
                        "Add header"
                    </button>
                    <FieldMessage id="provider-headers" error=errors.list("headers") />
                </fieldset>
                <FormField label="Body template (JSON)" id="provider-body" error=errors.field("body_template") wide=true
                    hint="Placeholders go inside strings and are filled JSON-escaped: {{recipient.name}}, {{recipient.phone}}, {{recipient.messenger_id}}, {{recipient.email}}, {{ticket.id}}, {{ticket.title}}, {{ticket.priority}}, {{ticket.status}}, {{ticket.url}}, {{message}}.">
                    <textarea
                        id="provider-body"
                        class="md-input template-body mono"
                        rows="8"
                        spellcheck="false"
                        aria-describedby="provider-body-error"
                        class:invalid=move || errors.field("body_template").with(Option::is_some)
                        prop:value=move || draft.with(|d| d.body_template.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.body_template = v);
                        }
                    ></textarea>
                </FormField>
                <footer class="form-foot">
                    <FormMessage message=errors.rest(FIELDS) />
                    <span class="form-status" role="status" data-testid="provider-status">{move || status.get()}</span>
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel.run(())>"Close"</button>
                    <button type="submit" class="btn btn-primary" disabled=busy>
                        {move || if busy.get() { "Saving…" } else { "Save" }}
                    </button>
                </footer>
            </form>
            {id.map(|id| view! { <SendTest id=id /> })}
        </section>
    }
}

/// One header row: name, value (stored values masked), remove.
#[component]
fn HeaderRow(draft: RwSignal<ProviderDraft>, row: u64, errors: FormErrors) -> impl IntoView {
    let key = row;
    let index = move || draft.with(|d| d.headers.iter().position(|h| h.key == key));
    let name = move || {
        draft.with(|d| d.headers.iter().find(|h| h.key == key).map(|h| h.name.clone()).unwrap_or_default())
    };
    let value = move || {
        draft.with(|d| d.headers.iter().find(|h| h.key == key).map(|h| h.value.clone()).unwrap_or_default())
    };
    let stored = move || draft.with(|d| d.headers.iter().any(|h| h.key == key && h.stored));
    let error = Signal::derive(move || {
        let i = index()?;
        errors.item("headers", i).get()
    });
    view! {
        <li class="header-row">
            <input
                class="input"
                aria-label="Header name"
                placeholder="Authorization"
                prop:value=name
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| if let Some(h) = d.headers.iter_mut().find(|h| h.key == key) { h.name = v });
                }
            />
            <input
                class="input"
                aria-label="Header value"
                autocomplete="off"
                placeholder=move || if stored() { "•••••••• (unchanged)" } else { "value" }
                prop:value=value
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| if let Some(h) = d.headers.iter_mut().find(|h| h.key == key) { h.value = v });
                }
            />
            <button
                type="button"
                class="icon-btn"
                aria-label="Remove header"
                on:click=move |_| draft.update(|d| d.headers.retain(|h| h.key != key))
            >
                "✕"
            </button>
            <span class="form-field-error">{move || error.get()}</span>
        </li>
    }
}

/// Send test: a recipient's phone, messenger id and name, and the outcome in place.
#[component]
fn SendTest(id: i64) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let messenger = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<Delivery, String>>);
    let send = move |_| {
        busy.set(true);
        result.set(None);
        let opt = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty());
        let body = ProviderTestRequest {
            recipient: TestRecipient { name: opt(name), phone: opt(phone), messenger_id: opt(messenger) },
            message: None,
        };
        spawn_local(async move {
            let outcome = session.call(move |t| api::notifications::test(t, id, body.clone())).await;
            busy.set(false);
            result.set(Some(outcome.map_err(|e| e.message())));
        });
    };
    let input = move |label: &'static str, id: &'static str, signal: RwSignal<String>| {
        view! {
            <label class="form-field">
                <span class="form-label">{label}</span>
                <input id=id class="input" prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <fieldset class="form-group send-test">
            <legend>"Send test"</legend>
            <div class="settings-grid">
                {input("Recipient name", "test-name", name)}
                {input("Phone", "test-phone", phone)}
                {input("Messenger id", "test-messenger", messenger)}
            </div>
            <div class="request-row">
                <button type="button" class="btn btn-secondary" disabled=busy on:click=send data-testid="send-test">
                    {move || if busy.get() { "Sending…" } else { "Send test" }}
                </button>
                <span class="test-result" role="status" data-testid="test-result"
                    class:sent=move || matches!(result.get(), Some(Ok(ref d)) if d.outcome == Outcome::Sent)
                    class:failed=move || matches!(result.get(), Some(Ok(ref d)) if d.outcome == Outcome::Failed) || matches!(result.get(), Some(Err(_)))
                >
                    {move || match result.get() {
                        None => String::new(),
                        Some(Ok(d)) => outcome_text(&d),
                        Some(Err(message)) => format!("failed: {message}"),
                    }}
                </span>
            </div>
        </fieldset>
    }
}
