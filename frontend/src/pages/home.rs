//! The shell's home: who is signed in.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use socdesk_types::auth::Me;

use crate::{api, session};

fn account_card(me: Me) -> impl IntoView {
    let permissions =
        me.permissions.iter().map(|p| view! { <span class="chip">{p.as_str()}</span> }).collect_view();
    let sites = if me.sites.is_empty() {
        view! { <span class="muted">"None"</span> }.into_any()
    } else {
        me.sites.into_iter().map(|s| view! { <span class="chip">{s.name}</span> }).collect_view().into_any()
    };
    view! {
        <section class="card">
            <h2>"Signed in"</h2>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd>{me.display_name}</dd>
                <dt>"Login"</dt>
                <dd>{me.login}</dd>
                <dt>"Email"</dt>
                <dd>{me.email.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Permissions"</dt>
                <dd class="chips">{permissions}</dd>
                <dt>"Sites"</dt>
                <dd class="chips">{sites}</dd>
            </dl>
        </section>
    }
}

/// The signed-in shell: top bar with the account and Sign out, and the account's details.
#[component]
pub fn HomePage() -> impl IntoView {
    let navigate = use_navigate();
    if !session::is_signed_in() {
        navigate("/login", Default::default());
    }
    let me = LocalResource::new(api::me);
    let nav = navigate.clone();
    Effect::new(move |_| {
        if let Some(Err(e)) = me.get()
            && e.is_unauthenticated()
        {
            nav("/login", Default::default());
        }
    });
    let sign_out = Action::new_local(|_: &()| api::logout());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            navigate("/login", Default::default());
        }
    });
    let current_user = move || {
        me.get().and_then(Result::ok).map(|m| {
            view! {
                <span class="user" data-testid="current-user">
                    <strong>{m.display_name}</strong>
                    " ("
                    {m.login}
                    ")"
                </span>
            }
        })
    };

    view! {
        <header class="topbar">
            <span class="brand">"socdesk"</span>
            <span class="spacer"></span>
            {current_user}
            <button class="btn btn-ghost" on:click=move |_| { sign_out.dispatch_local(()); }>
                "Sign out"
            </button>
        </header>
        <main class="main">
            <Suspense fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
                {move || {
                    me.get()
                        .map(|result| match result {
                            Ok(m) => account_card(m).into_any(),
                            Err(e) => view! { <p class="error-box" role="alert">{e.message()}</p> }.into_any(),
                        })
                }}
            </Suspense>
        </main>
    }
}
