//! An account's API keys: the list (active, expired, revoked), a new key whose secret is shown
//! this once with a copy button, and revoking one.

use chrono::Utc;
use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};
use socdesk_types::accounts::{ApiKey, CreatedApiKey, NewApiKey};

use crate::{
    api,
    components::common::{
        confirm::ConfirmDialog,
        form::{FieldMessage, FormErrors, FormMessage},
    },
    format,
    session::use_session,
};

/// Where a key stands now.
pub fn key_state(key: &ApiKey, now: chrono::DateTime<Utc>) -> &'static str {
    if key.revoked_at.is_some() {
        "Revoked"
    } else if key.expires_at.is_some_and(|t| t <= now) {
        "Expired"
    } else {
        "Active"
    }
}

/// Copies `text` to the clipboard through `navigator.clipboard.writeText`; false when the
/// browser has no clipboard for this page (then the secret stays selectable in its box).
fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let get = |target: &JsValue, name: &str| js_sys::Reflect::get(target, &JsValue::from_str(name)).ok();
    let Some(navigator) = get(&js_sys::global(), "navigator") else { return false };
    let Some(clipboard) = get(&navigator, "clipboard").filter(|c| !c.is_undefined()) else { return false };
    let Some(write) = get(&clipboard, "writeText").and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else {
        return false;
    };
    write.call1(&clipboard, &JsValue::from_str(text)).is_ok()
}

/// The keys of one account.
#[component]
pub fn ApiKeys(account_id: i64) -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u64);
    let keys = LocalResource::new(move || {
        version.track();
        async move { session.call(move |t| api::accounts::api_keys(t, account_id)).await }
    });
    let created = RwSignal::new(None::<CreatedApiKey>);
    let revoking = RwSignal::new(None::<ApiKey>);

    let rows = move || {
        let now = Utc::now();
        match keys.get() {
            None => view! { <tr><td colspan="7" class="muted" aria-busy="true">"Loading keys…"</td></tr> }.into_any(),
            Some(Err(e)) => view! { <tr><td colspan="7" class="field-error" role="alert">{e.message()}</td></tr> }
                .into_any(),
            Some(Ok(page)) if page.items.is_empty() => {
                view! { <tr><td colspan="7" class="muted" data-testid="api-keys-empty">"No API keys yet."</td></tr> }
                    .into_any()
            }
            Some(Ok(page)) => page
                .items
                .into_iter()
                .map(|k| {
                    let state = key_state(&k, now);
                    let key = k.clone();
                    view! {
                        <tr data-key-id=k.id>
                            <td><strong>{k.name.clone()}</strong></td>
                            <td><code>{format!("{}…", k.prefix)}</code></td>
                            <td class="col-time">{format::datetime(k.created_at)}</td>
                            <td class="col-time">{k.expires_at.map(format::datetime).unwrap_or_else(|| "Never".into())}</td>
                            <td class="col-time">{format::datetime_or_dash(k.last_used_at)}</td>
                            <td><span class=format!("state state-{}", state.to_lowercase())>{state}</span></td>
                            <td class="col-actions">
                                {(state == "Active").then(|| view! {
                                    <button
                                        type="button"
                                        class="btn btn-secondary btn-small btn-danger-text"
                                        aria-label=format!("Revoke {}", k.name)
                                        on:click=move |_| revoking.set(Some(key.clone()))
                                    >
                                        "Revoke"
                                    </button>
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
        }
    };

    view! {
        <section class="admin-section" aria-label="API keys">
            <h3 class="section-title">"API keys"</h3>
            <p class="muted small">
                "Integrations send a key as " <code>"Authorization: Bearer sd_…"</code>
                " and act as this account, with its permissions."
            </p>
            {move || created.get().map(|c| view! { <SecretOnce created=c on_done=move || created.set(None) /> })}
            <NewKeyForm account_id=account_id on_created=Callback::new(move |c: CreatedApiKey| {
                created.set(Some(c));
                version.update(|v| *v += 1);
            }) />
            <div class="table-scroll table-scroll-short">
                <table class="table admin-table" data-testid="api-keys">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"State"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        {move || revoking.get().map(|key| view! {
            <RevokeKey key=key on_close=Callback::new(move |revoked: bool| {
                revoking.set(None);
                if revoked {
                    version.update(|v| *v += 1);
                }
            }) />
        })}
    }
}

/// Name and optional expiry, Create.
#[component]
fn NewKeyForm(account_id: i64, on_created: Callback<CreatedApiKey>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let raw = expires.get_untracked();
        let expires_at = format::from_local_input(&raw);
        if !raw.trim().is_empty() && expires_at.is_none() {
            errors.fail_fields(vec![socdesk_types::FieldError::new("expires_at", "is not a date and time")]);
            return;
        }
        let body = NewApiKey { name: name.get_untracked().trim().to_owned(), expires_at };
        busy.set(true);
        spawn_local(async move {
            let result =
                session.call(move |t| api::accounts::create_api_key(t, account_id, body.clone())).await;
            busy.set(false);
            match result {
                Ok(c) => {
                    name.set(String::new());
                    expires.set(String::new());
                    on_created.run(c);
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    view! {
        <form class="inline-add inline-add-flat" on:submit=on_submit aria-label="New API key">
            <div class="inline-add-field inline-add-grow">
                <label class="form-label" for="key-name">"Key name"</label>
                <input
                    id="key-name"
                    class="input"
                    placeholder="e.g. SIEM pipeline"
                    maxlength="100"
                    aria-describedby="key-name-error"
                    class:invalid=move || errors.field("name").with(Option::is_some)
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <FieldMessage id="key-name" error=errors.field("name") />
            </div>
            <div class="inline-add-field">
                <label class="form-label" for="key-expires">"Expires (optional)"</label>
                <input
                    id="key-expires"
                    class="input"
                    type="datetime-local"
                    aria-describedby="key-expires-error"
                    class:invalid=move || errors.field("expires_at").with(Option::is_some)
                    prop:value=move || expires.get()
                    on:input=move |ev| expires.set(event_target_value(&ev))
                />
                <FieldMessage id="key-expires" error=errors.field("expires_at") />
            </div>
            <div class="inline-add-actions">
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { "Creating…" } else { "Create key" }}
                </button>
                <FormMessage message=errors.rest(&["name", "expires_at"]) />
            </div>
        </form>
    }
}

/// The new key's secret, once: selectable, a copy button, and the warning that it will not be
/// shown again.
#[component]
fn SecretOnce(created: CreatedApiKey, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let secret = created.secret.clone();
    let copied = RwSignal::new(None::<bool>);
    let input = NodeRef::<html::Input>::new();
    Effect::new(move || {
        if let Some(i) = input.get() {
            let _ = i.focus();
            i.select();
        }
    });
    let copy = {
        let secret = secret.clone();
        move |_| {
            copied.set(Some(copy_to_clipboard(&secret)));
            if let Some(i) = input.get_untracked() {
                i.select();
            }
        }
    };
    view! {
        <div class="secret-once" data-testid="api-key-secret" role="region" aria-label="New API key secret">
            <p class="secret-warning">
                <strong>{format!("Copy the key “{}” now.", created.key.name)}</strong>
                " It is stored only as a hash and will not be shown again."
            </p>
            <div class="secret-row">
                <input
                    class="input secret-value"
                    readonly
                    aria-label="API key secret"
                    node_ref=input
                    prop:value=secret
                    on:focus=move |_| {
                        if let Some(i) = input.get_untracked() {
                            i.select();
                        }
                    }
                />
                <button type="button" class="btn btn-secondary" on:click=copy>"Copy"</button>
                <button type="button" class="btn btn-primary" on:click=move |_| on_done.run(())>"Done"</button>
            </div>
            <p class="small" role="status">
                {move || match copied.get() {
                    Some(true) => "Copied to the clipboard.",
                    Some(false) => "This browser would not copy it: the key is selected, press Ctrl+C.",
                    None => "",
                }}
            </p>
        </div>
    }
}

/// The revoke question.
#[component]
fn RevokeKey(key: ApiKey, on_close: Callback<bool>) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let (account_id, key_id) = (key.account_id, key.id);
    let confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::accounts::revoke_api_key(t, account_id, key_id)).await;
            busy.set(false);
            match result {
                Ok(()) => on_close.run(true),
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    view! {
        <ConfirmDialog
            title=format!("Revoke the key {}?", key.name)
            confirm_label="Revoke"
            danger=true
            pending=busy
            error=error
            on_confirm=confirm
            on_close=Callback::new(move |()| on_close.run(false))
        >
            <p>"Whatever uses this key stops working at once. This cannot be undone."</p>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;

    fn key() -> ApiKey {
        ApiKey {
            id: 1,
            account_id: 2,
            name: "siem".into(),
            prefix: "sd_AbCd".into(),
            created_at: Utc::now(),
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn a_key_is_active_until_it_expires_or_is_revoked() {
        let now = Utc::now();
        assert_eq!(key_state(&key(), now), "Active");
        assert_eq!(key_state(&ApiKey { expires_at: Some(now + Duration::hours(1)), ..key() }, now), "Active");
        assert_eq!(
            key_state(&ApiKey { expires_at: Some(now - Duration::hours(1)), ..key() }, now),
            "Expired"
        );
        assert_eq!(key_state(&ApiKey { revoked_at: Some(now), ..key() }, now), "Revoked");
    }
}
