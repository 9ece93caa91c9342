//! A rule's suppressions: matches whose fields have the given values open nothing (they are
//! counted) until the suppression expires. List, add (values, reason, expiry), delete.

use std::collections::BTreeMap;

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{
    FieldError,
    rules::{NewSuppression, Suppression},
};

use crate::{
    api,
    components::common::{
        confirm::ConfirmDialog,
        form::{FormErrors, FormField, FormMessage},
    },
    format,
    session::use_session,
};

/// `field=value` lines as key values, or the first line that is not one.
pub fn parse_key_values(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match line.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_owned(), v.trim().to_owned());
            }
            _ => return Err(format!("line {} must read field=value", i + 1)),
        }
    }
    if out.is_empty() {
        return Err("name at least one field=value".into());
    }
    Ok(out)
}

/// The suppressions of rule `rule_id`.
#[component]
pub fn Suppressions(rule_id: i64, #[prop(optional, into)] suggested: String) -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u64);
    let list = LocalResource::new(move || {
        version.track();
        session.call(move |t| api::rules::suppressions(t, rule_id))
    });
    let deleting = RwSignal::new(None::<Suppression>);
    let rows = move || {
        match list.get() {
        None => view! { <tr><td colspan="7" class="muted" aria-busy="true">"Loading suppressions…"</td></tr> }.into_any(),
        Some(Err(e)) => view! { <tr><td colspan="7" class="field-error" role="alert">{e.message()}</td></tr> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => view! {
            <tr><td colspan="7" class="muted" data-testid="suppressions-empty">"No suppressions: every match opens or adds to a ticket."</td></tr>
        }
        .into_any(),
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|s| {
                let values = s
                    .key_values
                    .iter()
                    .map(|(k, v)| view! { <li class="chip chip-field">{format!("{k} = {v}")}</li> })
                    .collect_view();
                let item = s.clone();
                view! {
                    <tr data-suppression-id=s.id>
                        <td><ul class="chips">{values}</ul></td>
                        <td>{s.reason.clone()}</td>
                        <td class="col-time">{s.expires_at.map(format::datetime).unwrap_or_else(|| "Never".into())}</td>
                        <td class="num">{s.hit_count}</td>
                        <td>
                            {if s.active {
                                view! { <span class="state state-active">"Active"</span> }
                            } else {
                                view! { <span class="state state-revoked">"Expired"</span> }
                            }}
                        </td>
                        <td class="small">{format!("{} · {}", s.created_by.clone().unwrap_or_else(|| "—".into()), format::datetime(s.created_at))}</td>
                        <td class="col-actions">
                            <button
                                type="button"
                                class="btn btn-secondary btn-small btn-danger-text"
                                aria-label=format!("Delete suppression #{}", s.id)
                                on:click=move |_| deleting.set(Some(item.clone()))
                            >
                                "Delete"
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <section class="admin-section" aria-label="Suppressions">
            <NewSuppression rule_id=rule_id suggested=suggested on_added=Callback::new(move |()| version.update(|v| *v += 1)) />
            <div class="table-scroll table-scroll-short">
                <table class="table admin-table" data-testid="suppressions">
                    <thead>
                        <tr>
                            <th scope="col">"Values"</th>
                            <th scope="col">"Reason"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col" class="num">"Hits"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        {move || deleting.get().map(|s| view! {
            <DeleteSuppression suppression=s on_close=Callback::new(move |deleted: bool| {
                deleting.set(None);
                if deleted {
                    version.update(|v| *v += 1);
                }
            }) />
        })}
    }
}

#[component]
fn NewSuppression(rule_id: i64, suggested: String, on_added: Callback<()>) -> impl IntoView {
    let session = use_session();
    let values = RwSignal::new(suggested);
    let reason = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let mut local = Vec::new();
        let key_values = match parse_key_values(&values.get_untracked()) {
            Ok(kv) => kv,
            Err(m) => {
                local.push(FieldError::new("key_values", m));
                BTreeMap::new()
            }
        };
        let raw = expires.get_untracked();
        let expires_at = format::from_local_input(&raw);
        if !raw.trim().is_empty() && expires_at.is_none() {
            local.push(FieldError::new("expires_at", "is not a date and time"));
        }
        if !local.is_empty() {
            errors.fail_fields(local);
            return;
        }
        let body = NewSuppression {
            rule_id,
            key_values,
            reason: reason.get_untracked().trim().to_owned(),
            expires_at,
        };
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::rules::suppress(t, body.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    reason.set(String::new());
                    expires.set(String::new());
                    on_added.run(());
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    view! {
        <form class="admin-form" on:submit=on_submit aria-label="New suppression">
            <div class="settings-grid">
                <FormField
                    label="Field values"
                    id="suppression-values"
                    error=errors.field("key_values")
                    hint="One field=value per line; a match with all these values is suppressed."
                >
                    <textarea
                        id="suppression-values"
                        class="md-input rule-textarea"
                        rows="2"
                        spellcheck="false"
                        placeholder="src_ip=10.0.0.5"
                        aria-describedby="suppression-values-error"
                        class:invalid=move || errors.field("key_values").with(Option::is_some)
                        prop:value=move || values.get()
                        on:input=move |ev| values.set(event_target_value(&ev))
                    ></textarea>
                </FormField>
                <FormField label="Reason" id="suppression-reason" error=errors.field("reason")>
                    <input
                        id="suppression-reason"
                        class="input"
                        maxlength="1000"
                        placeholder="Known scanner of the IT team"
                        aria-describedby="suppression-reason-error"
                        class:invalid=move || errors.field("reason").with(Option::is_some)
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                </FormField>
                <FormField label="Expires (optional)" id="suppression-expires" error=errors.field("expires_at") hint="Empty: never.">
                    <input
                        id="suppression-expires"
                        class="input"
                        type="datetime-local"
                        aria-describedby="suppression-expires-error"
                        prop:value=move || expires.get()
                        on:input=move |ev| expires.set(event_target_value(&ev))
                    />
                </FormField>
            </div>
            <footer class="form-foot">
                <FormMessage message=errors.rest(&["key_values", "reason", "expires_at"]) />
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { "Adding…" } else { "Add suppression" }}
                </button>
            </footer>
        </form>
    }
}

#[component]
fn DeleteSuppression(suppression: Suppression, on_close: Callback<bool>) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = suppression.id;
    let confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::rules::remove_suppression(t, id)).await;
            busy.set(false);
            match result {
                Ok(()) => on_close.run(true),
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    view! {
        <ConfirmDialog
            title="Delete this suppression?"
            confirm_label="Delete"
            danger=true
            pending=busy
            error=error
            on_confirm=confirm
            on_close=Callback::new(move |()| on_close.run(false))
        >
            <p>{format!("Matches with these values ({}) open tickets again.", suppression.reason)}</p>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_key_values;

    #[test]
    fn key_values_are_read_one_per_line() {
        let kv = parse_key_values(" src_ip = 10.0.0.5\n\nuser=alice=admin\n").unwrap();
        assert_eq!(kv.get("src_ip").map(String::as_str), Some("10.0.0.5"));
        assert_eq!(kv.get("user").map(String::as_str), Some("alice=admin"));
        assert!(parse_key_values("").is_err());
        assert_eq!(parse_key_values("a=1\nnope").unwrap_err(), "line 2 must read field=value");
    }
}
