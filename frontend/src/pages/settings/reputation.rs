//! Settings > Reputation: the VirusTotal API key (stored, never shown again), base URL, cache
//! TTL and quota per minute that ticket Details' reputation lookups use.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{
    FieldError,
    reputation::{ReputationSettings, ReputationSettingsPatch},
};

use super::SettingsHead;
use crate::{
    api,
    components::common::form::{FormErrors, FormField, FormMessage},
    session::use_session,
};

/// The Reputation page.
#[component]
pub fn ReputationPage() -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || session.call(api::reputation::settings));
    view! {
        <div class="page">
            <SettingsHead
                title="Reputation"
                intro="VirusTotal (API v3) looks up the IP addresses, domains, URLs and file hashes of a ticket's Details."
            />
            <section class="card">
                {move || match loaded.get() {
                    None => view! { <p class="loading" aria-busy="true">"Loading the settings…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
                    Some(Ok(s)) => view! { <ReputationForm settings=s /> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// The body that changes what the form says; the numbers must be numbers.
pub fn patch_of(
    key: &str,
    remove_key: bool,
    base_url: &str,
    ttl_hours: &str,
    quota: &str,
) -> Result<ReputationSettingsPatch, Vec<FieldError>> {
    let mut errors = Vec::new();
    let ttl = ttl_hours.trim().parse::<f64>().ok().filter(|h| *h >= 0.0 && h.is_finite());
    if ttl.is_none() {
        errors.push(FieldError::new("cache_ttl_secs", "must be a number of hours (0 asks every time)"));
    }
    let quota_n = quota.trim().parse::<u32>().ok();
    if quota_n.is_none() {
        errors.push(FieldError::new("quota_per_minute", "must be a whole number of lookups"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let api_key = if remove_key {
        Some(None)
    } else if key.trim().is_empty() {
        None
    } else {
        Some(Some(key.trim().to_owned()))
    };
    Ok(ReputationSettingsPatch {
        api_key,
        base_url: Some(base_url.trim().to_owned()),
        cache_ttl_secs: ttl.map(|h| (h * 3600.0).round() as u64),
        quota_per_minute: quota_n,
    })
}

fn hours(secs: u64) -> String {
    let h = secs as f64 / 3600.0;
    if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h}") }
}

#[component]
fn ReputationForm(settings: ReputationSettings) -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(settings.clone());
    let key = RwSignal::new(String::new());
    let remove_key = RwSignal::new(false);
    let base_url = RwSignal::new(settings.base_url.clone());
    let ttl = RwSignal::new(hours(settings.cache_ttl_secs));
    let quota = RwSignal::new(settings.quota_per_minute.to_string());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        status.set(None);
        let patch = match patch_of(
            &key.get_untracked(),
            remove_key.get_untracked(),
            &base_url.get_untracked(),
            &ttl.get_untracked(),
            &quota.get_untracked(),
        ) {
            Ok(p) => p,
            Err(fields) => {
                errors.fail_fields(fields);
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::reputation::save(t, patch.clone())).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    key.set(String::new());
                    remove_key.set(false);
                    current.set(s);
                    status.set(Some("Saved."));
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    let bind = |signal: RwSignal<String>| move |ev: leptos::ev::Event| signal.set(event_target_value(&ev));
    view! {
        <form class="admin-form" on:submit=on_submit aria-label="Reputation settings" data-testid="reputation-form">
            <div class="settings-grid">
                <FormField label="VirusTotal API key" id="vt-key" error=errors.field("api_key")
                    hint="Stored and sent as x-apikey; never shown again. Leave empty to keep the current key.">
                    <input id="vt-key" class="input" type="password" autocomplete="off"
                        placeholder=move || if current.with(|c| c.key_set) { "•••••••• (a key is set)" } else { "no key set" }
                        prop:value=move || key.get() on:input=bind(key) />
                </FormField>
                <FormField label="Base URL" id="vt-base-url" error=errors.field("base_url")
                    hint="https://www.virustotal.com/api/v3 unless you go through a proxy.">
                    <input id="vt-base-url" class="input" prop:value=move || base_url.get() on:input=bind(base_url) />
                </FormField>
                <FormField label="Cache TTL (hours)" id="vt-ttl" error=errors.field("cache_ttl_secs")
                    hint="How long an answer is reused before VirusTotal is asked again.">
                    <input id="vt-ttl" class="input input-number" inputmode="decimal" prop:value=move || ttl.get() on:input=bind(ttl) />
                </FormField>
                <FormField label="Quota (lookups per minute)" id="vt-quota" error=errors.field("quota_per_minute")
                    hint="The key's quota, shared by every server process (the free key allows 4).">
                    <input id="vt-quota" class="input input-number" inputmode="numeric" prop:value=move || quota.get() on:input=bind(quota) />
                </FormField>
            </div>
            <Show when=move || current.with(|c| c.key_set)>
                <label class="check-row">
                    <input type="checkbox" prop:checked=move || remove_key.get()
                        on:change=move |ev| remove_key.set(event_target_checked(&ev)) />
                    <span>"Remove the stored key (lookups stop until a new one is set)"</span>
                </label>
            </Show>
            <footer class="form-foot">
                <FormMessage message=errors.rest(&["api_key", "base_url", "cache_ttl_secs", "quota_per_minute"]) />
                <span class="form-status" role="status" data-testid="reputation-status">{move || status.get()}</span>
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
            </footer>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_key_is_kept_hours_become_seconds_and_words_are_named() {
        let p = patch_of("", false, " https://vt.example/api/v3 ", "24", "4").unwrap();
        assert_eq!(p.api_key, None);
        assert_eq!(p.cache_ttl_secs, Some(86_400));
        assert_eq!(p.base_url.as_deref(), Some("https://vt.example/api/v3"));
        assert_eq!(patch_of("k", false, "u", "0.5", "1").unwrap().api_key, Some(Some("k".into())));
        assert_eq!(patch_of("k", true, "u", "1", "1").unwrap().api_key, Some(None));
        let fields: Vec<_> =
            patch_of("", false, "u", "day", "-1").unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["cache_ttl_secs", "quota_per_minute"]);
        assert_eq!(hours(86_400), "24");
        assert_eq!(hours(1800), "0.5");
    }
}
