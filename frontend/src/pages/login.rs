//! The sign-in page.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{api, session};

/// Login and password, with the server's refusal shown in place.
#[component]
pub fn LoginPage() -> impl IntoView {
    let navigate = use_navigate();
    if session::is_signed_in() {
        navigate("/", Default::default());
    }
    let (login, set_login) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let submit = Action::new_local(|input: &(String, String)| {
        let (login, password) = input.clone();
        api::login(login, password)
    });
    let pending = submit.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            navigate("/", Default::default());
        }
    });
    let error = move || match submit.value().get() {
        Some(Err(e)) => e.message(),
        _ => String::new(),
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.dispatch_local((login.get_untracked(), password.get_untracked()));
    };

    view! {
        <main class="login-page">
            <form class="login-card" on:submit=on_submit>
                <h1>"socdesk"</h1>
                <p class="subtitle">"Sign in to the security operations desk"</p>
                <div class="field">
                    <label for="login">"Login"</label>
                    <input
                        id="login"
                        name="login"
                        autocomplete="username"
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
                        autocomplete="current-password"
                        required
                        prop:value=password
                        on:input=move |ev| set_password.set(event_target_value(&ev))
                    />
                </div>
                <button class="btn btn-primary" type="submit" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="form-error" role="alert" aria-live="polite">{error}</p>
            </form>
        </main>
    }
}
