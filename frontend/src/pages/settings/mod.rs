//! Settings: the administrators' pages under `/settings`, one file each, inside a layout with
//! the side menu. Every page needs `ADMIN` (the API answers 403 without it anyway); an account
//! without it sees a message saying so instead of the page.

pub mod accounts;
pub mod catalogue;
pub mod departments;
pub mod employees;
pub mod log_tables;
pub mod mail_templates;
pub mod notification_providers;
pub mod options;
pub mod outbox;
pub mod playbooks;
pub mod reputation;
pub mod rules;

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use socdesk_types::Permission;

use crate::{components::shell::can, session::use_session};

/// The side menu's entries: path under `/settings` and label, in menu order.
pub const MENU: &[(&str, &str)] = &[
    ("accounts", "Accounts"),
    ("sites", "Sites"),
    ("ticket-categories", "Ticket categories"),
    ("tags", "Tags"),
    ("explanation-categories", "Explanation categories"),
    ("employees", "Employees"),
    ("departments", "Departments"),
    ("mail-templates", "Mail templates"),
    ("options", "Global options"),
    ("notification-providers", "Notification providers"),
    ("reputation", "Reputation"),
    ("log-tables", "Log tables"),
    ("rules", "Rules"),
    ("playbooks", "Playbooks"),
    ("outbox", "Outbox"),
];

/// Who is looking at Settings, as far as the layout cares.
#[derive(Debug, Clone, PartialEq)]
enum Gate {
    /// The account is not known yet.
    Loading,
    /// Signed in without `ADMIN` (the login, for the message).
    Forbidden(String),
    Admin,
}

/// The settings layout: the side menu and the page, or the permission message.
#[component]
pub fn SettingsLayout() -> impl IntoView {
    let session = use_session();
    // A memo: a fresh copy of the same account (GET /api/me after sign-in) must not rebuild the
    // page under the menu, which would drop whatever it is loading or holding.
    let gate = Memo::new(move |_| match session.account() {
        None => Gate::Loading,
        Some(me) if !can(Permission::Admin) => Gate::Forbidden(me.login),
        Some(_) => Gate::Admin,
    });
    move || {
        match gate.get() {
        Gate::Loading => view! { <p class="loading">"Loading your account…"</p> }.into_any(),
        Gate::Forbidden(login) => view! {
            <section class="card settings-forbidden" data-testid="settings-forbidden" role="alert">
                <h1 class="page-title">"Settings need the ADMIN permission"</h1>
                <p>
                    "Your account ("
                    <code>{login}</code>
                    ") does not have the ADMIN permission, so it cannot manage accounts, catalogues, employees, mail or rules. Ask an administrator if you need a change made."
                </p>
            </section>
        }
        .into_any(),
        Gate::Admin => view! {
            <div class="settings">
                <nav class="settings-nav" aria-label="Settings">
                    <h2 class="settings-nav-title">"Settings"</h2>
                    <ul>{menu_links()}</ul>
                </nav>
                <div class="settings-page">
                    <Outlet />
                </div>
            </div>
        }
        .into_any(),
    }
    }
}

fn menu_links() -> impl IntoView {
    MENU.iter()
        .map(|(path, label)| {
            view! {
                <li>
                    <A href=format!("/settings/{path}") attr:class="settings-link">{*label}</A>
                </li>
            }
        })
        .collect_view()
}

/// A settings page's heading with an optional line under it.
#[component]
pub fn SettingsHead(
    #[prop(into)] title: String,
    #[prop(optional, into)] intro: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="settings-head">
            <div>
                <h1 class="page-title">{title}</h1>
                {intro.map(|i| view! { <p class="muted settings-intro">{i}</p> })}
            </div>
            <span class="spacer"></span>
            {children.map(|c| c())}
        </header>
    }
}
