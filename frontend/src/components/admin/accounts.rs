//! An account's form (create and edit alike) and the draft behind it, which knows what
//! changed so that an edit sends only that.

use std::collections::BTreeSet;

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{
    Permission,
    accounts::{Account, AccountPatch, NewAccount},
};

use super::labels;
use crate::{
    api::{self, Params},
    components::common::form::{FieldMessage, FormErrors, FormField, FormMessage},
    session::use_session,
};

/// The form's values as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountDraft {
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub messenger_id: String,
    /// The new password; empty keeps the current one.
    pub password: String,
    pub permissions: BTreeSet<Permission>,
    pub site_ids: BTreeSet<i64>,
    /// The linked employee's id; empty for none.
    pub employee_id: String,
    pub enabled: bool,
}

impl Default for AccountDraft {
    fn default() -> Self {
        AccountDraft {
            login: String::new(),
            display_name: String::new(),
            email: String::new(),
            phone: String::new(),
            messenger_id: String::new(),
            password: String::new(),
            permissions: BTreeSet::new(),
            site_ids: BTreeSet::new(),
            employee_id: String::new(),
            enabled: true,
        }
    }
}

fn some_if_filled(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl AccountDraft {
    /// The draft of an existing account (no password).
    pub fn of(a: &Account) -> Self {
        AccountDraft {
            login: a.login.clone(),
            display_name: a.display_name.clone(),
            email: a.email.clone().unwrap_or_default(),
            phone: a.phone.clone().unwrap_or_default(),
            messenger_id: a.messenger_id.clone().unwrap_or_default(),
            password: String::new(),
            permissions: a.permissions.iter().copied().collect(),
            site_ids: a.site_ids.iter().copied().collect(),
            employee_id: a.employee_id.clone().unwrap_or_default(),
            enabled: a.enabled,
        }
    }

    /// The body of `POST /api/accounts`: empty optional fields left out.
    pub fn to_new(&self) -> NewAccount {
        NewAccount {
            login: self.login.trim().to_owned(),
            display_name: some_if_filled(&self.display_name),
            email: some_if_filled(&self.email),
            phone: some_if_filled(&self.phone),
            messenger_id: some_if_filled(&self.messenger_id),
            password: self.password.clone(),
            permissions: self.permissions.iter().copied().collect(),
            site_ids: self.site_ids.iter().copied().collect(),
            employee_id: some_if_filled(&self.employee_id),
            enabled: Some(self.enabled),
        }
    }

    /// The body of `PATCH /api/accounts/{id}`: only what differs from `original`. Emptied
    /// contact fields are sent empty (which clears them), an emptied employee id as `null`.
    pub fn patch(&self, original: &Account) -> AccountPatch {
        let before = AccountDraft::of(original);
        let changed = |now: &str, was: &str| (now.trim() != was.trim()).then(|| now.trim().to_owned());
        AccountPatch {
            display_name: changed(&self.display_name, &before.display_name),
            email: changed(&self.email, &before.email),
            phone: changed(&self.phone, &before.phone),
            messenger_id: changed(&self.messenger_id, &before.messenger_id),
            password: (!self.password.is_empty()).then(|| self.password.clone()),
            permissions: (self.permissions != before.permissions)
                .then(|| self.permissions.iter().copied().collect()),
            site_ids: (self.site_ids != before.site_ids).then(|| self.site_ids.iter().copied().collect()),
            employee_id: changed(&self.employee_id, &before.employee_id).map(|id| some_if_filled(&id)),
            enabled: (self.enabled != before.enabled).then_some(self.enabled),
        }
    }
}

/// Whether a patch changes nothing.
pub fn is_empty_patch(p: &AccountPatch) -> bool {
    p.display_name.is_none()
        && p.email.is_none()
        && p.phone.is_none()
        && p.messenger_id.is_none()
        && p.password.is_none()
        && p.permissions.is_none()
        && p.site_ids.is_none()
        && p.employee_id.is_none()
        && p.enabled.is_none()
}

/// The fields the form shows errors for (everything else goes to its foot).
const FIELDS: &[&str] = &[
    "login",
    "display_name",
    "email",
    "phone",
    "messenger_id",
    "password",
    "permissions",
    "site_ids",
    "employee_id",
    "enabled",
];

/// The account form. Without `account` it creates one; with it, it edits that one and sends
/// only the changes. `on_saved` gets the account as the server answered it.
#[component]
pub fn AccountForm(
    #[prop(optional)] account: Option<Account>,
    #[prop(into)] on_saved: Callback<Account>,
) -> impl IntoView {
    let session = use_session();
    let creating = account.is_none();
    let original = StoredValue::new(account.clone());
    let draft = RwSignal::new(account.as_ref().map(AccountDraft::of).unwrap_or_default());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(None::<&'static str>);
    let sites = LocalResource::new(move || session.call(api::catalog::sites));

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let current = draft.get_untracked();
        errors.clear();
        saved.set(None);
        match original.get_value() {
            None => {
                busy.set(true);
                let body = current.to_new();
                spawn_local(async move {
                    let result = session.call(move |t| api::accounts::create(t, body.clone())).await;
                    busy.set(false);
                    match result {
                        Ok(a) => on_saved.run(a),
                        Err(e) => errors.fail(&e),
                    }
                });
            }
            Some(before) => {
                let patch = current.patch(&before);
                if is_empty_patch(&patch) {
                    saved.set(Some("Nothing to save: no field changed."));
                    return;
                }
                busy.set(true);
                let id = before.id;
                spawn_local(async move {
                    let result = session.call(move |t| api::accounts::update(t, id, patch.clone())).await;
                    busy.set(false);
                    match result {
                        Ok(a) => {
                            draft.set(AccountDraft::of(&a));
                            original.set_value(Some(a.clone()));
                            saved.set(Some("Saved."));
                            on_saved.run(a);
                        }
                        Err(e) => errors.fail(&e),
                    }
                });
            }
        }
    };

    // One text input bound to one draft field.
    let text = move |id: &'static str,
                     label: &'static str,
                     get: fn(&AccountDraft) -> String,
                     set: fn(&mut AccountDraft, String),
                     input_type: &'static str,
                     autocomplete: &'static str| {
        view! {
            <FormField label=label id=format!("account-{id}") error=errors.field(id)>
                <input
                    id=format!("account-{id}")
                    class="input"
                    type=input_type
                    autocomplete=autocomplete
                    aria-describedby=format!("account-{id}-error")
                    class:invalid=move || errors.field(id).with(Option::is_some)
                    prop:value=move || draft.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        draft.update(|d| set(d, value));
                    }
                />
            </FormField>
        }
    };

    let login_field = if creating {
        text("login", "Login", |d| d.login.clone(), |d, v| d.login = v, "text", "off").into_any()
    } else {
        view! {
            <div class="form-field">
                <span class="form-label">"Login"</span>
                <code class="form-static">{move || draft.with(|d| d.login.clone())}</code>
                <p class="form-hint">"A login never changes."</p>
            </div>
        }
        .into_any()
    };
    let password_label = if creating { "Password" } else { "New password" };
    let password_hint = if creating {
        "12 characters or more."
    } else {
        "Leave empty to keep the current one. A new password signs the account out everywhere."
    };

    let permission_boxes = Permission::ALL
        .into_iter()
        .map(|p| {
            let on = move || draft.with(|d| d.permissions.contains(&p));
            view! {
                <label class="check-row">
                    <input
                        type="checkbox"
                        name="permissions"
                        value=p.as_str()
                        prop:checked=on
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            draft.update(|d| {
                                if checked {
                                    d.permissions.insert(p);
                                } else {
                                    d.permissions.remove(&p);
                                }
                            });
                        }
                    />
                    <span>
                        <code>{p.as_str()}</code>
                        <span class="muted small">{labels::permission_help(p)}</span>
                    </span>
                </label>
            }
        })
        .collect_view();

    let site_boxes = move || match sites.get() {
        None => view! { <p class="muted small" aria-busy="true">"Loading sites…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error">{e.message()}</p> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => {
            view! { <p class="muted small">"No sites yet: add them under Settings > Sites."</p> }.into_any()
        }
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|s| {
                let id = s.id;
                view! {
                    <label class="check-row">
                        <input
                            type="checkbox"
                            name="sites"
                            prop:checked=move || draft.with(|d| d.site_ids.contains(&id))
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                draft.update(|d| {
                                    if checked {
                                        d.site_ids.insert(id);
                                    } else {
                                        d.site_ids.remove(&id);
                                    }
                                });
                            }
                        />
                        <span>{s.name}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any(),
    };

    // Suggestions for the employee id, as it is typed.
    // Asked a moment after the last key stroke, not on every one.
    let employee_query = Memo::new(move |_| draft.with(|d| d.employee_id.trim().to_owned()));
    let asked = RwSignal::new(employee_query.get_untracked());
    let debounce = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let q = employee_query.get();
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        // The form may be gone by then (a created account's panel replaces it).
        let ask = move || {
            if asked.try_get_untracked().is_some_and(|a| a != q) {
                asked.set(q.clone());
            }
        };
        let h = set_timeout_with_handle(ask, std::time::Duration::from_millis(250));
        debounce.set_value(h.ok());
    });
    let suggestions = LocalResource::new(move || {
        let q = asked.get();
        async move {
            let params = Params::new().set("q", q).set("limit", 10);
            session.call(move |t| api::people::employees(t, params.clone())).await
        }
    });
    let options = move || {
        suggestions.get().and_then(Result::ok).map(|page| {
            page.items
                .into_iter()
                .map(|e| view! { <option value=e.id.clone()>{format!("{} ({})", e.name, e.id)}</option> })
                .collect_view()
        })
    };

    view! {
        <form class="admin-form" on:submit=on_submit aria-label=if creating { "New account" } else { "Account" }>
            <div class="settings-grid">
                {login_field}
                {text("display_name", "Display name", |d| d.display_name.clone(), |d, v| d.display_name = v, "text", "off")}
                {text("email", "Email", |d| d.email.clone(), |d, v| d.email = v, "email", "off")}
                {text("phone", "Phone", |d| d.phone.clone(), |d, v| d.phone = v, "tel", "off")}
                {text("messenger_id", "Messenger id", |d| d.messenger_id.clone(), |d, v| d.messenger_id = v, "text", "off")}
                <FormField label=password_label id="account-password" error=errors.field("password") hint=password_hint>
                    <input
                        id="account-password"
                        class="input"
                        type="password"
                        autocomplete="new-password"
                        aria-describedby="account-password-error"
                        class:invalid=move || errors.field("password").with(Option::is_some)
                        prop:value=move || draft.with(|d| d.password.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            draft.update(|d| d.password = value);
                        }
                    />
                </FormField>
                <FormField
                    label="Linked employee id"
                    id="account-employee_id"
                    error=errors.field("employee_id")
                    hint="The employee this account belongs to (reviews of explanations need one). Empty: none."
                >
                    <input
                        id="account-employee_id"
                        class="input"
                        list="account-employee-options"
                        autocomplete="off"
                        aria-describedby="account-employee_id-error"
                        class:invalid=move || errors.field("employee_id").with(Option::is_some)
                        prop:value=move || draft.with(|d| d.employee_id.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            draft.update(|d| d.employee_id = value);
                        }
                    />
                    <datalist id="account-employee-options">{options}</datalist>
                </FormField>
                <div class="form-field">
                    <span class="form-label">"Status"</span>
                    <label class="check-row">
                        <input
                            type="checkbox"
                            id="account-enabled"
                            prop:checked=move || draft.with(|d| d.enabled)
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                draft.update(|d| d.enabled = checked);
                            }
                        />
                        <span>"Enabled (a disabled account cannot sign in, and its API keys stop working)"</span>
                    </label>
                    <FieldMessage id="account-enabled" error=errors.field("enabled") />
                </div>
            </div>
            <fieldset class="form-group">
                <legend>"Permissions"</legend>
                <div class="check-list">{permission_boxes}</div>
                <FieldMessage id="account-permissions" error=errors.field("permissions") />
            </fieldset>
            <fieldset class="form-group">
                <legend>"Allowed sites"</legend>
                <p class="form-hint">"The account sees only these sites' tickets (ADMIN sees every site)."</p>
                <div class="check-list check-list-columns">{site_boxes}</div>
                <FieldMessage id="account-site_ids" error=errors.field("site_ids") />
            </fieldset>
            <footer class="form-foot">
                <FormMessage message=errors.rest(FIELDS) />
                <span class="form-status" role="status">{move || saved.get()}</span>
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || match (busy.get(), creating) {
                        (true, _) => "Saving…",
                        (false, true) => "Create account",
                        (false, false) => "Save changes",
                    }}
                </button>
            </footer>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn account() -> Account {
        Account {
            id: 7,
            login: "alice".into(),
            display_name: "Alice Kim".into(),
            email: Some("alice@example.com".into()),
            phone: None,
            messenger_id: None,
            permissions: vec![Permission::TicketView],
            site_ids: vec![2, 1],
            employee_id: Some("E1001".into()),
            enabled: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn an_untouched_draft_changes_nothing() {
        let a = account();
        assert!(is_empty_patch(&AccountDraft::of(&a).patch(&a)));
    }

    #[test]
    fn only_the_changed_fields_are_sent() {
        let a = account();
        let mut d = AccountDraft::of(&a);
        d.email = String::new();
        d.phone = " 010-1234 ".into();
        d.permissions.insert(Permission::TicketEdit);
        d.site_ids = [1, 2].into_iter().collect();
        d.enabled = false;
        let p = d.patch(&a);
        assert_eq!(p.email.as_deref(), Some(""), "an emptied email is cleared");
        assert_eq!(p.phone.as_deref(), Some("010-1234"));
        assert_eq!(p.permissions, Some(vec![Permission::TicketView, Permission::TicketEdit]));
        assert_eq!(p.site_ids, None, "the same sites in another order are no change");
        assert_eq!(p.enabled, Some(false));
        assert_eq!(p.display_name, None);
        assert_eq!(p.password, None);
        assert_eq!(p.employee_id, None);
    }

    #[test]
    fn an_emptied_employee_id_unlinks_and_a_new_password_is_sent() {
        let a = account();
        let mut d = AccountDraft::of(&a);
        d.employee_id = " ".into();
        d.password = "a-new-password-1".into();
        let p = d.patch(&a);
        assert_eq!(p.employee_id, Some(None));
        assert_eq!(p.password.as_deref(), Some("a-new-password-1"));
    }

    #[test]
    fn a_new_account_leaves_empty_fields_out() {
        let d = AccountDraft {
            login: " bob ".into(),
            password: "bob-password-1234".into(),
            permissions: [Permission::TicketEdit, Permission::Admin].into_iter().collect(),
            site_ids: [3].into_iter().collect(),
            ..AccountDraft::default()
        };
        let n = d.to_new();
        assert_eq!(n.login, "bob");
        assert_eq!(n.display_name, None);
        assert_eq!(n.email, None);
        assert_eq!(n.employee_id, None);
        assert_eq!(n.permissions, vec![Permission::Admin, Permission::TicketEdit]);
        assert_eq!(n.site_ids, vec![3]);
        assert_eq!(n.enabled, Some(true));
    }
}
