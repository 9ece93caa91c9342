//! Settings > Global options: separation of duties, the explanation link's expiry, reminders, the
//! default mail language and whether outbound calls may reach private addresses. Save sends only
//! what changed.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{mail::Language, settings::GlobalOptions};

use super::SettingsHead;
use crate::{
    api,
    components::{
        admin::{
            labels,
            options::{OptionsDraft, is_empty_patch},
        },
        common::form::{FieldMessage, FormErrors, FormField, FormMessage},
    },
    session::use_session,
};

/// The Global options page.
#[component]
pub fn OptionsPage() -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || session.call(api::settings::options));
    view! {
        <div class="page">
            <SettingsHead title="Global options" intro="Options that apply to every ticket and explanation." />
            <section class="card">
                {move || match loaded.get() {
                    None => view! { <p class="loading" aria-busy="true">"Loading the options…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
                    Some(Ok(o)) => view! { <OptionsForm options=o /> }.into_any(),
                }}
            </section>
        </div>
    }
}

const FIELDS: &[&str] = &[
    "separation_of_duties",
    "explanation_token_expiry",
    "explanation_reminder_days",
    "default_language",
    "allow_private_network_targets",
];

#[component]
fn OptionsForm(options: GlobalOptions) -> impl IntoView {
    let session = use_session();
    let before = StoredValue::new(options.clone());
    let draft = RwSignal::new(OptionsDraft::of(&options));
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
        let patch = match draft.get_untracked().patch(&before.get_value()) {
            Ok(p) => p,
            Err(fields) => {
                errors.fail_fields(fields);
                return;
            }
        };
        if is_empty_patch(&patch) {
            status.set(Some("Nothing to save: no option changed."));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::settings::save(t, patch.clone())).await;
            busy.set(false);
            match result {
                Ok(o) => {
                    draft.set(OptionsDraft::of(&o));
                    before.set_value(o);
                    status.set(Some("Saved."));
                }
                Err(e) => errors.fail(&e),
            }
        });
    };
    view! {
        <form class="admin-form options-form" on:submit=on_submit aria-label="Global options">
            <fieldset class="form-group">
                <legend>"Tickets"</legend>
                <label class="check-row">
                    <input
                        type="checkbox"
                        id="option-separation"
                        prop:checked=move || draft.with(|d| d.separation_of_duties)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| d.separation_of_duties = on);
                        }
                    />
                    <span>
                        "Separation of duties"
                        <span class="muted small block">"An assignee of a ticket may not approve or reject that same ticket."</span>
                    </span>
                </label>
                <FieldMessage id="option-separation" error=errors.field("separation_of_duties") />
            </fieldset>
            <fieldset class="form-group">
                <legend>"Explanations"</legend>
                <div class="settings-grid">
                    <FormField
                        label="Explanation token expiry (days)"
                        id="option-token-expiry"
                        error=errors.field("explanation_token_expiry")
                        hint="When set, a violator's link still takes a submission until the request's creation plus this many days even after the deadline (but never closes before the deadline); empty turns it off, so submissions close at the deadline."
                    >
                        <input
                            id="option-token-expiry"
                            class="input input-number"
                            inputmode="numeric"
                            placeholder="off"
                            aria-describedby="option-token-expiry-error"
                            class:invalid=move || errors.field("explanation_token_expiry").with(Option::is_some)
                            prop:value=move || draft.with(|d| d.token_expiry.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.token_expiry = v);
                            }
                        />
                    </FormField>
                    <FormField
                        label="Reminder (days before the deadline)"
                        id="option-reminder"
                        error=errors.field("explanation_reminder_days")
                        hint="A violator who has not answered is reminded once, with a new link; 0 turns reminders off."
                    >
                        <input
                            id="option-reminder"
                            class="input input-number"
                            inputmode="numeric"
                            aria-describedby="option-reminder-error"
                            class:invalid=move || errors.field("explanation_reminder_days").with(Option::is_some)
                            prop:value=move || draft.with(|d| d.reminder_days.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.reminder_days = v);
                            }
                        />
                    </FormField>
                    <FormField
                        label="Default mail language"
                        id="option-language"
                        error=errors.field("default_language")
                        hint="For employees who have no language of their own."
                    >
                        <select
                            id="option-language"
                            class="select"
                            aria-describedby="option-language-error"
                            on:change=move |ev| {
                                if let Some(l) = Language::parse(&event_target_value(&ev)) {
                                    draft.update(|d| d.default_language = l);
                                }
                            }
                        >
                            {Language::ALL
                                .iter()
                                .map(|l| {
                                    let l = *l;
                                    view! {
                                        <option value=l.as_str() selected=move || draft.with(|d| d.default_language == l)>
                                            {labels::language(l)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </FormField>
                </div>
            </fieldset>
            <fieldset class="form-group">
                <legend>"Outbound calls"</legend>
                <label class="check-row">
                    <input
                        type="checkbox"
                        id="option-private-targets"
                        prop:checked=move || draft.with(|d| d.allow_private_network_targets)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| d.allow_private_network_targets = on);
                        }
                    />
                    <span>
                        "Allow private network targets"
                        <span class="muted small block">"Webhooks, notification providers and the reputation service may be on loopback, private, link-local or unique-local addresses. Leave off unless such a service runs inside your network: it lets anyone who edits those URLs reach internal hosts."</span>
                    </span>
                </label>
                <FieldMessage id="option-private-targets" error=errors.field("allow_private_network_targets") />
            </fieldset>
            <footer class="form-foot">
                <FormMessage message=errors.rest(FIELDS) />
                <span class="form-status" role="status" data-testid="options-status">{move || status.get()}</span>
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
            </footer>
        </form>
    }
}
