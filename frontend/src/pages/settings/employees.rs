//! Settings > Employees: the list (search, department, administrators), Add, Import CSV, an
//! employee's panel (form, Delete) and their explanation record.

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{Page, people::Employee};

use super::SettingsHead;
use crate::{
    api::{self, Params},
    components::{
        admin::{
            employees::{EmployeeForm, ExplanationRecord, department_options},
            import::ImportDialog,
            labels,
        },
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

/// An employee as a list row. Employee ids are text; the list keys rows by a hash of it.
#[derive(Debug, Clone, PartialEq)]
struct EmployeeRow(Employee);

/// A stable 64-bit key of an employee id (FNV-1a).
fn row_key(id: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

impl ListRow for EmployeeRow {
    fn id(&self) -> i64 {
        row_key(&self.0.id)
    }
    fn version(&self) -> i64 {
        self.0.modified_at.timestamp_millis()
    }
}

/// What the panel or dialog on top shows.
#[derive(Debug, Clone, PartialEq)]
enum Open {
    New,
    Employee(String),
    /// An employee's record: id, name, and whether closing it goes back to their panel.
    Record(String, String, bool),
    Import,
}

#[derive(Clone, Copy)]
struct EmployeesScreen {
    open: RwSignal<Option<Open>>,
    version: RwSignal<u64>,
}

const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "id", label: "Employee id", default: true },
    ColumnDef { key: "name", label: "Name", default: true },
    ColumnDef { key: "email", label: "Email", default: true },
    ColumnDef { key: "department", label: "Department", default: true },
    ColumnDef { key: "manager", label: "Manager", default: true },
    ColumnDef { key: "admin", label: "Administrator", default: true },
    ColumnDef { key: "language", label: "Language", default: false },
    ColumnDef { key: "account", label: "Account", default: false },
    ColumnDef { key: "record", label: "Explanations", default: true },
    ColumnDef { key: "modified", label: "Modified", default: false },
];

/// Employees come by name.
const SORTING: Sorting = Sorting { key_of: |_| None, default: ("name", false) };

fn yes(flag: bool) -> AnyView {
    if flag { view! { <span class="state state-active">"Yes"</span> }.into_any() } else { "—".into_any() }
}

fn cell(column: &str, row: &EmployeeRow) -> AnyView {
    let e = &row.0;
    match column {
        "id" => view! { <code>{e.id.clone()}</code> }.into_any(),
        "name" => {
            let screen = expect_context::<EmployeesScreen>();
            let id = e.id.clone();
            view! {
                <button
                    type="button"
                    class="link-btn row-title"
                    on:click=move |_| screen.open.set(Some(Open::Employee(id.clone())))
                >
                    {e.name.clone()}
                </button>
            }
            .into_any()
        }
        "email" => e.email.clone().into_any(),
        "department" => e.department_name.clone().unwrap_or_else(|| "—".into()).into_any(),
        "manager" => yes(e.is_manager),
        "admin" => yes(e.is_admin),
        "language" => e.language.map(labels::language).unwrap_or("Default").into_any(),
        "account" => e.account_id.map(|a| format!("#{a}")).unwrap_or_else(|| "—".into()).into_any(),
        "record" => {
            let screen = expect_context::<EmployeesScreen>();
            let (id, name) = (e.id.clone(), e.name.clone());
            view! {
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    aria-label=format!("Explanation record of {name}")
                    on:click=move |_| screen.open.set(Some(Open::Record(id.clone(), name.clone(), false)))
                >
                    "Record"
                </button>
            }
            .into_any()
        }
        "modified" => format::datetime(e.modified_at).into_any(),
        _ => ().into_any(),
    }
}

/// The Employees page.
#[component]
pub fn EmployeesPage() -> impl IntoView {
    let session = use_session();
    let screen = EmployeesScreen { open: RwSignal::new(None), version: RwSignal::new(0) };
    provide_context(screen);
    let departments = LocalResource::new(move || {
        screen.version.track();
        session.call(api::people::all_departments)
    });
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let department = RwSignal::new(None::<i64>);
    let admins_only = RwSignal::new(false);
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
    let params = Signal::derive(move || {
        Params::new()
            .set("q", asked.get().trim())
            .opt("department_id", department.get())
            .opt("is_admin", admins_only.get().then_some(true))
    });
    let empty = Signal::derive(move || {
        if asked.with(|q| q.trim().is_empty()) && department.get().is_none() && !admins_only.get() {
            "No employees yet: add one, or import a CSV file.".to_owned()
        } else {
            "No employee matches these filters.".to_owned()
        }
    });
    let changed = move || screen.version.update(|v| *v += 1);
    let close = move || screen.open.set(None);

    let overlay = move || {
        screen.open.get().map(|open| match open {
            Open::New => view! {
                <SidePanel label="New employee".to_string() on_close=move |_| close() test_id="employee-panel">
                    <h2 class="admin-title">"New employee"</h2>
                    <EmployeeForm on_saved=Callback::new(move |e: Employee| {
                        changed();
                        screen.open.set(Some(Open::Employee(e.id)));
                    }) />
                </SidePanel>
            }
            .into_any(),
            Open::Employee(id) => view! {
                <SidePanel label=format!("Employee {id}") on_close=move |_| close() test_id="employee-panel">
                    <EmployeePanel id=id />
                </SidePanel>
            }
            .into_any(),
            Open::Record(id, name, back) => {
                let back_to = back.then(|| id.clone());
                let on_close = move |_| screen.open.set(back_to.clone().map(Open::Employee));
                view! { <ExplanationRecord id=id name=name on_close=on_close /> }.into_any()
            }
            Open::Import => view! { <ImportDialog on_imported=move |_| changed() on_close=move |_| close() /> }.into_any(),
        })
    };
    let department_filter = move || {
        let selected = department.get_untracked();
        match departments.get() {
            Some(Ok(list)) => department_options(&list, "All", selected).into_any(),
            _ => view! { <option value="">"All"</option> }.into_any(),
        }
    };

    view! {
        <div class="page">
            <SettingsHead
                title="Employees"
                intro="The people explanation requests go to and are reviewed by. Log records name them by employee id (emp_key)."
            />
            <div class="filter-bar" role="search">
                <label class="filter filter-grow">
                    "Search"
                    <input class="input" type="search" placeholder="Name, id or email" prop:value=move || query.get() on:input=on_search />
                </label>
                <label class="filter">
                    "Department"
                    <select class="select" on:change=move |ev| department.set(event_target_value(&ev).parse().ok())>
                        {department_filter}
                    </select>
                </label>
                <label class="filter filter-checkbox">
                    <input type="checkbox" prop:checked=move || admins_only.get() on:change=move |ev| admins_only.set(event_target_checked(&ev)) />
                    "Administrators only"
                </label>
            </div>
            <DataList
                selectable=false
                name="employees"
                noun=("employee", "employees")
                columns=COLUMNS
                fetch=|t, p| Box::pin(async move {
                    api::people::employees(t, p).await.map(|page| Page {
                        items: page.items.into_iter().map(EmployeeRow).collect(),
                        next_cursor: page.next_cursor,
                        total: page.total,
                    })
                })
                params=params
                sort=Signal::derive(|| None::<String>)
                sorting=SORTING
                on_sort=Callback::new(|_| {})
                version=screen.version
                selection=RwSignal::new(BTreeSet::new())
                cell=cell
                empty=empty
                open=Signal::derive(move || match screen.open.get() {
                    Some(Open::Employee(id)) => Some(row_key(&id)),
                    _ => None,
                })
                actions=ViewFn::from(move || view! {
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| screen.open.set(Some(Open::Import))>
                        "Import CSV"
                    </button>
                    <button type="button" class="btn btn-primary btn-small" on:click=move |_| screen.open.set(Some(Open::New))>
                        "Add employee"
                    </button>
                })
            />
            {overlay}
        </div>
    }
}

/// An employee's panel: the form, their record, Delete.
#[component]
fn EmployeePanel(id: String) -> impl IntoView {
    let session = use_session();
    let screen = expect_context::<EmployeesScreen>();
    let employee = {
        let id = id.clone();
        LocalResource::new(move || {
            let id = id.clone();
            async move { session.call(move |t| api::people::employee(t, id.clone())).await }
        })
    };
    let deleting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let remove = {
        let id = id.clone();
        Callback::new(move |()| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            let id = id.clone();
            spawn_local(async move {
                let result = session.call(move |t| api::people::delete_employee(t, id.clone())).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        deleting.set(false);
                        screen.open.set(None);
                        screen.version.update(|v| *v += 1);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    move || match employee.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading the employee…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(e)) => {
            let (eid, name) = (e.id.clone(), e.name.clone());
            let title = format!("{} ({})", e.name, e.id);
            let question = format!("Delete the employee {} ({})?", e.name, e.id);
            view! {
                <header class="panel-head">
                    <div>
                        <h2 class="admin-title">{title}</h2>
                    </div>
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        on:click=move |_| screen.open.set(Some(Open::Record(eid.clone(), name.clone(), true)))
                    >
                        "Explanation record"
                    </button>
                    <button type="button" class="btn btn-secondary btn-small btn-danger-text" on:click=move |_| deleting.set(true)>
                        "Delete"
                    </button>
                </header>
                <EmployeeForm employee=e on_saved=Callback::new(move |_| screen.version.update(|v| *v += 1)) />
                <Show when=move || deleting.get()>
                    <ConfirmDialog
                        title=question.clone()
                        confirm_label="Delete"
                        danger=true
                        pending=busy
                        error=error
                        on_confirm=remove
                        on_close=Callback::new(move |()| {
                            deleting.set(false);
                            error.set(None);
                        })
                    >
                        <p>"Their department loses its manager if they were it, and a linked account is unlinked. An employee named on an explanation request is not deleted; the reason then shows here."</p>
                    </ConfirmDialog>
                </Show>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::row_key;

    #[test]
    fn row_keys_are_stable_and_tell_ids_apart() {
        assert_eq!(row_key("E1001"), row_key("E1001"));
        assert_ne!(row_key("E1001"), row_key("E1002"));
        assert_ne!(row_key(""), row_key("a"));
    }
}
