//! My account: who is signed in, with which permissions and sites.

use leptos::prelude::*;
use socdesk_types::auth::Me;

use crate::session::use_session;

/// The signed-in account: name, login, permissions and sites.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    move || match session.account() {
        Some(me) => account_card(me).into_any(),
        None => view! { <p class="loading">"Loading your account…"</p> }.into_any(),
    }
}

fn account_card(me: Me) -> impl IntoView {
    let permissions = if me.permissions.is_empty() {
        view! { <span class="muted">"None"</span> }.into_any()
    } else {
        let items =
            me.permissions.iter().map(|p| view! { <li class="chip">{p.as_str()}</li> }).collect_view();
        view! { <ul class="chips" aria-label="Permissions">{items}</ul> }.into_any()
    };
    let sites = if me.sites.is_empty() {
        view! { <span class="muted">"None"</span> }.into_any()
    } else {
        let items =
            me.sites.into_iter().map(|s| view! { <li class="chip chip-site">{s.name}</li> }).collect_view();
        view! { <ul class="chips" aria-label="Sites">{items}</ul> }.into_any()
    };

    view! {
        <section class="card">
            <h1 class="page-title">"Signed in as " {me.display_name.clone()}</h1>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd>{me.display_name}</dd>
                <dt>"Login"</dt>
                <dd><code>{me.login}</code></dd>
                <dt>"Email"</dt>
                <dd>{me.email.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Permissions"</dt>
                <dd>{permissions}</dd>
                <dt>"Sites"</dt>
                <dd>{sites}</dd>
            </dl>
        </section>
    }
}
