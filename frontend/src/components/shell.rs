//! The signed-in shell: the top bar (product, navigation, the account menu with Sign out) and
//! the page below it.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::{A, Outlet},
    hooks::{use_location, use_navigate},
};
use socdesk_types::Permission;

use crate::{
    api,
    app::{Bundle, use_bundle},
    session::use_session,
};

/// Wraps every page that needs a session; without one, it replaces the page with the login page.
#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move || {
        if !session.is_signed_in() {
            // Back here after signing in (a reviewer's mailed link, a shared view).
            // The router's `search` comes without its `?`.
            let search = location.search.get_untracked();
            let here = match search.trim_start_matches('?') {
                "" => location.pathname.get_untracked(),
                q => format!("{}?{q}", location.pathname.get_untracked()),
            };
            let login = match here.as_str() {
                "" | "/" => "/login".to_owned(),
                // Already on the way out (this shell is being replaced by the login page).
                h if h.starts_with("/login") => return,
                _ => format!("/login?next={}", api::encode(&here)),
            };
            // Replace, so that Back from the login page does not bounce straight back here.
            navigate(&login, NavigateOptions { replace: true, ..Default::default() });
        }
    });
    // One live-update stream for every list below.
    crate::live::provide(session);
    // A fresh copy of the account (after a reload only the tokens are known).
    let me = LocalResource::new(move || session.call(api::auth::me));
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

/// Whether the signed-in account holds `p` (`ADMIN` holds every permission).
pub fn can(p: Permission) -> bool {
    use_session()
        .account()
        .is_some_and(|me| me.permissions.contains(&Permission::Admin) || me.permissions.contains(&p))
}

/// The product name, the navigation and the account menu.
#[component]
fn TopBar() -> impl IntoView {
    let session = use_session();
    let sign_out = Action::new_local(move |_: &()| session.sign_out());
    let signing_out = sign_out.pending();
    let location = use_location();
    let menu_open = RwSignal::new(false);
    // The menu closes when the page changes.
    Effect::new(move || {
        location.pathname.track();
        menu_open.set(false);
    });
    let account_menu = move || {
        session.account().map(|me| {
            view! {
                <div class="user-menu" on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        menu_open.set(false);
                    }
                }>
                    <button
                        type="button"
                        class="user"
                        data-testid="current-user"
                        aria-haspopup="menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|o| *o = !*o)
                    >
                        <strong>{me.display_name}</strong>
                        <span class="user-login">{me.login}</span>
                    </button>
                    <Show when=move || menu_open.get()>
                        <ul class="menu-list user-menu-list" role="menu">
                            <li role="none">
                                <NavLink href="/account" class="menu-item" role="menuitem">"My account"</NavLink>
                            </li>
                            <li role="none">
                                <button
                                    type="button"
                                    role="menuitem"
                                    class="menu-item"
                                    disabled=signing_out
                                    on:click=move |_| {
                                        sign_out.dispatch_local(());
                                    }
                                >
                                    "Sign out"
                                </button>
                            </li>
                        </ul>
                    </Show>
                </div>
            }
        })
    };

    view! {
        <header class="topbar">
            <span class="brand">"socdesk"</span>
            <nav class="nav" aria-label="Main">
                <Show when=move || can(Permission::TicketView)>
                    <NavLink href="/tickets">"Tickets"</NavLink>
                </Show>
                <Show when=move || can(Permission::ExplanationView) || can(Permission::ExplanationAudit)>
                    <NavLink href="/explanations">"Explanations"</NavLink>
                </Show>
                <Show when=move || can(Permission::Admin)>
                    <NavLink href="/settings">"Settings"</NavLink>
                </Show>
            </nav>
            <span class="spacer"></span>
            {account_menu}
        </header>
    }
}

/// A link to a screen: the router's link within this bundle, a full page load into the other
/// one (the analyst app and the Settings area are separate bundles).
#[component]
fn NavLink(
    href: &'static str,
    #[prop(default = "nav-link")] class: &'static str,
    #[prop(optional)] role: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    if Bundle::of(href) == use_bundle() {
        view! { <A href=href attr:class=class attr:role=role>{children()}</A> }.into_any()
    } else {
        view! { <a href=href class=class role=role rel="external">{children()}</a> }.into_any()
    }
}
