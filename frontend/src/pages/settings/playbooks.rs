//! Settings > Playbooks: the playbooks analysts run on tickets (Run Playbook in the bulk toolbar
//! and the ticket panel), Add, and a playbook's panel: its editor and Delete.

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::playbooks::Playbook;

use super::SettingsHead;
use crate::{
    api::{self, Params},
    components::{
        admin::playbook_form::PlaybookForm,
        common::{
            column_settings::ColumnDef,
            confirm::ConfirmDialog,
            data_list::{DataList, ListRow, Sorting},
            side_panel::SidePanel,
        },
    },
    format, labels,
    session::use_session,
};

impl ListRow for Playbook {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    New,
    Playbook(i64),
}

#[derive(Clone, Copy)]
struct PlaybooksScreen {
    open: RwSignal<Option<Open>>,
    version: RwSignal<u64>,
}

const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "name", label: "Name", default: true },
    ColumnDef { key: "enabled", label: "Enabled", default: true },
    ColumnDef { key: "steps", label: "Steps", default: true },
    ColumnDef { key: "modified", label: "Modified", default: true },
];

/// Playbooks come by name.
const SORTING: Sorting = Sorting { key_of: |_| None, default: ("name", false) };

fn cell(column: &str, b: &Playbook) -> AnyView {
    match column {
        "name" => {
            let screen = expect_context::<PlaybooksScreen>();
            let id = b.id;
            view! {
                <button type="button" class="link-btn row-title" on:click=move |_| screen.open.set(Some(Open::Playbook(id)))>
                    {b.name.clone()}
                </button>
            }
            .into_any()
        }
        "enabled" => (if b.enabled { "On" } else { "Off" }).into_any(),
        "steps" => {
            let steps: Vec<&str> = b.steps.iter().map(|s| labels::step_kind(s.kind())).collect();
            view! { <span class="small">{steps.join(" → ")}</span> }.into_any()
        }
        "modified" => format::datetime(b.modified_at).into_any(),
        _ => ().into_any(),
    }
}

/// The Playbooks page.
#[component]
pub fn PlaybooksPage() -> impl IntoView {
    let screen = PlaybooksScreen { open: RwSignal::new(None), version: RwSignal::new(0) };
    provide_context(screen);
    let selection = RwSignal::new(BTreeSet::new());
    let panel = move || {
        screen.open.get().map(|open| match open {
            Open::New => view! {
                <SidePanel label="New playbook".to_string() on_close=move |_| screen.open.set(None) test_id="playbook-panel">
                    <h2 class="admin-title">"New playbook"</h2>
                    <PlaybookForm on_saved=Callback::new(move |b: Playbook| {
                        screen.version.update(|v| *v += 1);
                        screen.open.set(Some(Open::Playbook(b.id)));
                    }) />
                </SidePanel>
            }
            .into_any(),
            Open::Playbook(id) => view! {
                <SidePanel label=format!("Playbook #{id}") on_close=move |_| screen.open.set(None) test_id="playbook-panel">
                    <PlaybookPanel id=id />
                </SidePanel>
            }
            .into_any(),
        })
    };
    view! {
        <div class="page">
            <SettingsHead
                title="Playbooks"
                intro="Ordered steps analysts run on tickets: set priority, add tags, assign, write a memo, call a webhook, request an explanation."
            />
            <DataList
                name="playbooks"
                noun=("playbook", "playbooks")
                columns=COLUMNS
                fetch=|t, p| Box::pin(api::playbooks::list(t, p))
                params=Signal::derive(Params::new)
                sort=Signal::derive(|| None::<String>)
                sorting=SORTING
                on_sort=Callback::new(|_| {})
                version=screen.version
                selection=selection
                selectable=false
                cell=cell
                empty="No playbooks yet: add one for analysts to run on tickets."
                open=Signal::derive(move || match screen.open.get() {
                    Some(Open::Playbook(id)) => Some(id),
                    _ => None,
                })
                actions=ViewFn::from(move || view! {
                    <button type="button" class="btn btn-primary btn-small" data-testid="add-playbook" on:click=move |_| screen.open.set(Some(Open::New))>
                        "Add playbook"
                    </button>
                })
            />
            {panel}
        </div>
    }
}

/// One playbook: its editor and Delete.
#[component]
fn PlaybookPanel(id: i64) -> impl IntoView {
    let session = use_session();
    let screen = expect_context::<PlaybooksScreen>();
    let loaded = LocalResource::new(move || session.call(move |t| api::playbooks::get_one(t, id)));
    let deleting = RwSignal::new(false);
    let delete_busy = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let remove = Callback::new(move |()| {
        if delete_busy.get_untracked() {
            return;
        }
        delete_busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::playbooks::remove(t, id)).await;
            delete_busy.set(false);
            match result {
                Ok(()) => {
                    screen.open.set(None);
                    screen.version.update(|v| *v += 1);
                }
                Err(e) => delete_error.set(Some(e.message())),
            }
        });
    });
    // Only the first answer builds the form, so it keeps its draft and the version it saved.
    move || match loaded.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading the playbook…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(book)) => {
            let name = book.name.clone();
            view! {
                <header class="panel-head">
                    <h2 class="admin-title">{book.name.clone()}</h2>
                    <button type="button" class="btn btn-secondary btn-small btn-danger-text" on:click=move |_| deleting.set(true)>
                        "Delete"
                    </button>
                </header>
                <PlaybookForm playbook=book on_saved=Callback::new(move |_| screen.version.update(|v| *v += 1)) />
                <Show when=move || deleting.get()>
                    <ConfirmDialog
                        title=format!("Delete the playbook {name}?")
                        confirm_label="Delete"
                        danger=true
                        pending=delete_busy
                        error=delete_error
                        on_confirm=remove
                        on_close=Callback::new(move |()| deleting.set(false))
                    >
                        <p>"The playbook is deleted. Its runs stay in the tickets' Tasks tabs."</p>
                    </ConfirmDialog>
                </Show>
            }
            .into_any()
        }
    }
}
