//! Settings > Accounts: the accounts list (search, bulk enable/disable/delete), the Add panel,
//! and an account's panel: its form, its API keys, Delete.

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{Page, Permission, accounts::Account, catalog::Site};

use super::SettingsHead;
use crate::{
    api::{self, ApiError, Params},
    components::{
        admin::{accounts::AccountForm, api_keys::ApiKeys},
        common::{
            column_settings::ColumnDef,
            confirm::ConfirmDialog,
            data_list::{DataList, ListRow, Sorting},
            side_panel::SidePanel,
        },
    },
    format,
    session::use_session,
};

impl ListRow for Account {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.updated_at.timestamp_millis()
    }
}

/// What the panel on the right shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    New,
    Account(i64),
}

/// What the page's parts share.
#[derive(Clone, Copy)]
struct AccountsScreen {
    open: RwSignal<Option<Open>>,
    version: RwSignal<u64>,
    sites: LocalResource<Result<Page<Site>, ApiError>>,
}

const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "login", label: "Login", default: true },
    ColumnDef { key: "display_name", label: "Display name", default: true },
    ColumnDef { key: "email", label: "Email", default: true },
    ColumnDef { key: "permissions", label: "Permissions", default: true },
    ColumnDef { key: "sites", label: "Sites", default: true },
    ColumnDef { key: "employee", label: "Employee", default: true },
    ColumnDef { key: "enabled", label: "Enabled", default: true },
    ColumnDef { key: "phone", label: "Phone", default: false },
    ColumnDef { key: "created", label: "Created", default: false },
    ColumnDef { key: "updated", label: "Updated", default: false },
];

/// Accounts come by login; the list does not sort otherwise.
const SORTING: Sorting = Sorting { key_of: |_| None, default: ("login", false) };

fn cell(column: &str, a: &Account) -> AnyView {
    match column {
        "login" => {
            let screen = expect_context::<AccountsScreen>();
            let id = a.id;
            view! {
                <button type="button" class="link-btn row-title" on:click=move |_| screen.open.set(Some(Open::Account(id)))>
                    {a.login.clone()}
                </button>
            }
            .into_any()
        }
        "display_name" => a.display_name.clone().into_any(),
        "email" => a.email.clone().unwrap_or_else(|| "—".into()).into_any(),
        "phone" => a.phone.clone().unwrap_or_else(|| "—".into()).into_any(),
        "permissions" => {
            if a.permissions.is_empty() {
                view! { <span class="muted">"None"</span> }.into_any()
            } else {
                let chips =
                    a.permissions.iter().map(|p| view! { <li class="chip">{p.as_str()}</li> }).collect_view();
                view! { <ul class="chips">{chips}</ul> }.into_any()
            }
        }
        "sites" => {
            if a.permissions.contains(&Permission::Admin) {
                return view! { <span class="muted">"All (ADMIN)"</span> }.into_any();
            }
            let screen = expect_context::<AccountsScreen>();
            let ids = a.site_ids.clone();
            (move || {
                let names: Vec<String> = match screen.sites.get() {
                    Some(Ok(page)) => ids
                        .iter()
                        .map(|id| {
                            page.items
                                .iter()
                                .find(|s| s.id == *id)
                                .map(|s| s.name.clone())
                                .unwrap_or(format!("#{id}"))
                        })
                        .collect(),
                    _ => ids.iter().map(|id| format!("#{id}")).collect(),
                };
                if names.is_empty() { "None".to_owned() } else { names.join(", ") }
            })
            .into_any()
        }
        "employee" => match &a.employee_id {
            Some(e) => view! { <code>{e.clone()}</code> }.into_any(),
            None => "—".into_any(),
        },
        "enabled" => {
            if a.enabled {
                view! { <span class="state state-active">"Enabled"</span> }.into_any()
            } else {
                view! { <span class="state state-revoked">"Disabled"</span> }.into_any()
            }
        }
        "created" => format::datetime(a.created_at).into_any(),
        "updated" => format::datetime(a.updated_at).into_any(),
        _ => ().into_any(),
    }
}

/// The Accounts page.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let session = use_session();
    let screen = AccountsScreen {
        open: RwSignal::new(None),
        version: RwSignal::new(0),
        sites: LocalResource::new(move || session.call(api::catalog::sites)),
    };
    provide_context(screen);
    let selection = RwSignal::new(BTreeSet::new());
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let debounce = StoredValue::new_local(None::<TimeoutHandle>);
    let on_search = move |ev| {
        query.set(event_target_value(&ev));
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(
            // The page may be gone by then.
            move || {
                if let Some(q) = query.try_get_untracked() {
                    asked.set(q);
                }
            },
            std::time::Duration::from_millis(250),
        );
        debounce.set_value(h.ok());
    };
    let params = Signal::derive(move || Params::new().set("q", asked.get().trim()));
    let empty = Signal::derive(move || match asked.get().trim() {
        "" => "No accounts.".to_owned(),
        q => format!("No account's login or name contains “{q}”."),
    });
    let changed = move || screen.version.update(|v| *v += 1);

    let panel = move || {
        screen.open.get().map(|open| match open {
            Open::New => view! {
                <SidePanel label="New account".to_string() on_close=move |_| screen.open.set(None) test_id="account-panel">
                    <h2 class="admin-title">"New account"</h2>
                    <AccountForm on_saved=Callback::new(move |a: Account| {
                        changed();
                        screen.open.set(Some(Open::Account(a.id)));
                    }) />
                </SidePanel>
            }
            .into_any(),
            Open::Account(id) => view! {
                <SidePanel label=format!("Account #{id}") on_close=move |_| screen.open.set(None) test_id="account-panel">
                    <AccountPanel id=id />
                </SidePanel>
            }
            .into_any(),
        })
    };

    view! {
        <div class="page">
            <SettingsHead title="Accounts" intro="Who may sign in, with which permissions and sites, and the API keys integrations use." />
            <div class="filter-bar" role="search">
                <label class="filter filter-grow">
                    "Search"
                    <input
                        class="input"
                        type="search"
                        placeholder="Login or display name"
                        prop:value=move || query.get()
                        on:input=on_search
                    />
                </label>
            </div>
            <DataList
                name="accounts"
                noun=("account", "accounts")
                columns=COLUMNS
                fetch=|t, p| Box::pin(api::accounts::list(t, p))
                params=params
                sort=Signal::derive(|| None::<String>)
                sorting=SORTING
                on_sort=Callback::new(|_| {})
                version=screen.version
                selection=selection
                cell=cell
                empty=empty
                open=Signal::derive(move || match screen.open.get() {
                    Some(Open::Account(id)) => Some(id),
                    _ => None,
                })
                bulk=ViewFn::from(move || view! { <AccountsBulk selection=selection /> })
                actions=ViewFn::from(move || view! {
                    <button type="button" class="btn btn-primary btn-small" on:click=move |_| screen.open.set(Some(Open::New))>
                        "Add account"
                    </button>
                })
            />
            {panel}
        </div>
    }
}

/// An account's panel: the form, its API keys, and Delete.
#[component]
fn AccountPanel(id: i64) -> impl IntoView {
    let session = use_session();
    let screen = expect_context::<AccountsScreen>();
    let account = LocalResource::new(move || session.call(move |t| api::accounts::get_one(t, id)));
    let deleting = RwSignal::new(false);
    move || match account.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading the account…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(a)) => {
            let title = format!("{} ({})", a.display_name, a.login);
            let login = a.login.clone();
            view! {
                <header class="panel-head">
                    <div>
                        <h2 class="admin-title">{title}</h2>
                    </div>
                    <button type="button" class="btn btn-secondary btn-small btn-danger-text" on:click=move |_| deleting.set(true)>
                        "Delete account"
                    </button>
                </header>
                <AccountForm account=a on_saved=Callback::new(move |_| screen.version.update(|v| *v += 1)) />
                <ApiKeys account_id=id />
                <Show when=move || deleting.get()>
                    <DeleteAccount id=id login=login.clone() on_close=Callback::new(move |deleted: bool| {
                        deleting.set(false);
                        if deleted {
                            screen.open.set(None);
                            screen.version.update(|v| *v += 1);
                        }
                    }) />
                </Show>
            }
            .into_any()
        }
    }
}

/// The delete question for one account.
#[component]
fn DeleteAccount(id: i64, login: String, on_close: Callback<bool>) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::accounts::remove(t, id)).await;
            busy.set(false);
            match result {
                Ok(()) => on_close.run(true),
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    view! {
        <ConfirmDialog
            title=format!("Delete the account {login}?")
            confirm_label="Delete"
            danger=true
            pending=busy
            error=error
            on_confirm=confirm
            on_close=Callback::new(move |()| on_close.run(false))
        >
            <p>"The account is deleted with its sessions, API keys and preferences. Tickets and history it wrote stay."</p>
        </ConfirmDialog>
    }
}

/// What can be done to the ticked accounts at once, and how it went.
#[derive(Debug, Clone, Copy, PartialEq)]
enum BulkAction {
    Enable,
    Disable,
    Delete,
}

/// The bulk toolbar: Enable, Disable, Delete (after a question), and the outcome per account.
#[component]
fn AccountsBulk(selection: RwSignal<BTreeSet<i64>>) -> impl IntoView {
    let session = use_session();
    let screen = expect_context::<AccountsScreen>();
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    let asking = RwSignal::new(false);
    let run = move |action: BulkAction| {
        if busy.get_untracked() {
            return;
        }
        let ids: Vec<i64> = selection.get_untracked().into_iter().collect();
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let mut done = 0;
            let mut failures = Vec::new();
            for id in ids {
                let result = match action {
                    BulkAction::Delete => session.call(move |t| api::accounts::remove(t, id)).await,
                    BulkAction::Enable | BulkAction::Disable => {
                        let patch = socdesk_types::accounts::AccountPatch {
                            enabled: Some(action == BulkAction::Enable),
                            ..Default::default()
                        };
                        session.call(move |t| api::accounts::update(t, id, patch.clone())).await.map(drop)
                    }
                };
                match result {
                    Ok(()) => done += 1,
                    Err(e) => failures.push(format!("#{id}: {}", e.message())),
                }
            }
            busy.set(false);
            asking.set(false);
            let mut text = format!("{done} changed");
            if !failures.is_empty() {
                text.push_str(&format!("; not changed: {}", failures.join("; ")));
            }
            outcome.set(Some(text));
            if failures.is_empty() {
                selection.set(BTreeSet::new());
            }
            screen.version.update(|v| *v += 1);
        });
    };
    view! {
        <Show when=move || !selection.with(BTreeSet::is_empty) || outcome.with(Option::is_some)>
            <div class="bulk-toolbar" role="group" aria-label="Selected accounts">
                <Show when=move || !selection.with(BTreeSet::is_empty)>
                    <span class="bulk-count">{move || format!("{} selected", selection.with(BTreeSet::len))}</span>
                    <button type="button" class="btn btn-secondary btn-small" disabled=busy on:click=move |_| run(BulkAction::Enable)>
                        "Enable"
                    </button>
                    <button type="button" class="btn btn-secondary btn-small" disabled=busy on:click=move |_| run(BulkAction::Disable)>
                        "Disable"
                    </button>
                    <button type="button" class="btn btn-secondary btn-small btn-danger-text" disabled=busy on:click=move |_| asking.set(true)>
                        "Delete"
                    </button>
                    <button type="button" class="link-btn small" on:click=move |_| selection.set(BTreeSet::new())>
                        "Clear selection"
                    </button>
                </Show>
                <span class="small muted" role="status">{move || outcome.get()}</span>
            </div>
        </Show>
        <Show when=move || asking.get()>
            <ConfirmDialog
                title=format!("Delete {} accounts?", selection.with_untracked(BTreeSet::len))
                confirm_label="Delete"
                danger=true
                pending=busy
                error=Signal::derive(|| None::<String>)
                on_confirm=Callback::new(move |()| run(BulkAction::Delete))
                on_close=Callback::new(move |()| asking.set(false))
            >
                <p>"Each account is deleted with its sessions, API keys and preferences. Your own account is kept."</p>
            </ConfirmDialog>
        </Show>
    }
}
