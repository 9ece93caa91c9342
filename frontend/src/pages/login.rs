//! The sign-in page.

use leptos::{html, prelude::*};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::session::use_session;

/// Login and password; the server's refusal is shown in place, under the form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    // Signed in already, or just now: back to the page that sent here, else the start page.
    // Only paths of this app: `next` must not send anyone to another site.
    Effect::new(move || {
        if session.is_signed_in() {
            let next = query
                .with_untracked(|q| q.get("next"))
                .filter(|n| {
                    n.starts_with('/')
                        && !n.starts_with("//")
                        && !n.contains('\\')
                        && !n.starts_with("/login")
                })
                .unwrap_or_else(|| "/".to_owned());
            navigate(&next, NavigateOptions { replace: true, ..Default::default() });
        }
    });

    let (login, set_login) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let submit = Action::new_local(move |(login, password): &(String, String)| {
        session.sign_in(login.clone(), password.clone())
    });
    let pending = submit.pending();
    let error = move || match submit.value().get() {
        Some(Err(e)) => e.message(),
        _ => String::new(),
    };

    let login_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();
    // `autofocus` only works on a page's first load, not after a client-side navigation here.
    Effect::new(move || {
        if let Some(input) = login_input.get() {
            let _ = input.focus();
        }
    });
    // After a refusal, select the password so that typing replaces it.
    Effect::new(move || {
        if let (Some(Err(_)), Some(input)) = (submit.value().get(), password_input.get_untracked()) {
            input.select();
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !pending.get_untracked() {
            submit.dispatch_local((login.get_untracked(), password.get_untracked()));
        }
    };

    view! {
        <main class="login-page">
            <form class="login-card" on:submit=on_submit aria-busy=move || pending.get().to_string()>
                <h1 class="login-title">"socdesk"</h1>
                <p class="subtitle">"Sign in to the security operations desk"</p>
                <div class="field">
                    <label for="login">"Login"</label>
                    <input
                        id="login"
                        name="login"
                        node_ref=login_input
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        autofocus
                        required
                        prop:value=login
                        on:input=move |ev| set_login.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        node_ref=password_input
                        autocomplete="current-password"
                        required
                        prop:value=password
                        on:input=move |ev| set_password.set(event_target_value(&ev))
                    />
                </div>
                <button class="btn btn-primary" type="submit" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
                // Always present with a reserved height, so an error does not move the form.
                <p class="form-error" role="alert">{error}</p>
            </form>
        </main>
    }
}
