//! The signed-in shell: top bar with the account and Sign out, and the page below it.

use leptos::prelude::*;
use leptos_router::{NavigateOptions, components::Outlet, hooks::use_navigate};

use crate::{api, session::use_session};

/// Wraps every page that needs a session; without one, it replaces the page with the login page.
#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move || {
        if !session.is_signed_in() {
            // Replace, so that Back from the login page does not bounce straight back here.
            navigate("/login", NavigateOptions { replace: true, ..Default::default() });
        }
    });
    // A fresh copy of the account (after a reload only the tokens are known).
    let me = LocalResource::new(move || session.call(api::me));
    Effect::new(move || {
        if let Some(Ok(account)) = me.get() {
            session.set_account(account);
        }
    });
    let load_error = move || match me.get() {
        Some(Err(e)) if !e.is_unauthorized() => {
            Some(view! { <p class="banner banner-error" role="alert">{e.message()}</p> })
        }
        _ => None,
    };

    view! {
        <Show when=move || session.is_signed_in()>
            <TopBar />
            <main class="main">{load_error} <Outlet /></main>
        </Show>
    }
}

/// The product name, the signed-in account and Sign out.
#[component]
fn TopBar() -> impl IntoView {
    let session = use_session();
    let sign_out = Action::new_local(move |_: &()| session.sign_out());
    let signing_out = sign_out.pending();
    let current_user = move || {
        session.account().map(|me| {
            view! {
                <span class="user" data-testid="current-user">
                    <strong>{me.display_name}</strong>
                    <span class="user-login">{me.login}</span>
                </span>
            }
        })
    };

    view! {
        <header class="topbar">
            <span class="brand">"socdesk"</span>
            <span class="spacer"></span>
            {current_user}
            <button
                class="btn btn-ghost"
                type="button"
                disabled=signing_out
                on:click=move |_| {
                    sign_out.dispatch_local(());
                }
            >
                "Sign out"
            </button>
        </header>
    }
}
