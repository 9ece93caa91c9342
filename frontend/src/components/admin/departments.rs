//! The department dialogs: add (at the top or under a parent), edit (rename, move under
//! another parent, set the manager from the department's own employees), delete.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::people::{Department, DepartmentPatch, NewDepartment};

use super::tree::tree;
use crate::{
    api::{self, Params},
    components::common::{
        confirm::ConfirmDialog,
        dialog::Dialog,
        form::{FormErrors, FormField, FormMessage},
    },
    session::use_session,
};

/// `<option>`s for a parent select: "Top level", then every department (but `except`) indented
/// in tree order.
fn parent_options(
    departments: &[Department],
    except: Option<i64>,
    selected: Option<i64>,
) -> impl IntoView + use<> {
    let options = tree(departments)
        .into_iter()
        .filter(|r| Some(r.department.id) != except)
        .map(|r| {
            let id = r.department.id;
            let label = format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(r.depth), r.department.name);
            view! { <option value=id.to_string() selected=selected == Some(id) title=r.path>{label}</option> }
        })
        .collect_view();
    view! {
        <option value="" selected=selected.is_none()>"Top level"</option>
        {options}
    }
}

/// The patch an edit sends: only what changed.
pub fn department_patch(
    before: &Department,
    name: &str,
    parent_id: Option<i64>,
    manager_id: Option<String>,
) -> DepartmentPatch {
    DepartmentPatch {
        name: (name.trim() != before.name).then(|| name.trim().to_owned()),
        parent_id: (parent_id != before.parent_id).then_some(parent_id),
        manager_id: (manager_id != before.manager_id).then_some(manager_id),
    }
}

/// Adds a department under `parent` (or at the top).
#[component]
pub fn NewDepartmentDialog(
    departments: Vec<Department>,
    parent: Option<i64>,
    #[prop(into)] on_done: Callback<bool>,
) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let parent_id = RwSignal::new(parent);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        let body = NewDepartment {
            name: name.get_untracked().trim().to_owned(),
            parent_id: parent_id.get_untracked(),
        };
        spawn_local(async move {
            let result = session.call(move |t| api::people::create_department(t, body.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => on_done.run(true),
                Err(e) => errors.fail(&e),
            }
        });
    };
    let title = match parent.and_then(|p| departments.iter().find(|d| d.id == p)) {
        Some(p) => format!("New department under {}", p.name),
        None => "New department".to_owned(),
    };
    view! {
        <Dialog title=title on_close=move |_| on_done.run(false) test_id="department-dialog">
            <form class="admin-form" on:submit=on_submit aria-label="New department">
                <FormField label="Name" id="department-name" error=errors.field("name") hint="Unique among its siblings; no “/”.">
                    <input
                        id="department-name"
                        class="input"
                        autofocus
                        aria-describedby="department-name-error"
                        class:invalid=move || errors.field("name").with(Option::is_some)
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </FormField>
                <FormField label="Parent" id="department-parent" error=errors.field("parent_id")>
                    <select
                        id="department-parent"
                        class="select"
                        aria-describedby="department-parent-error"
                        on:change=move |ev| parent_id.set(event_target_value(&ev).parse().ok())
                    >
                        {parent_options(&departments, None, parent)}
                    </select>
                </FormField>
                <footer class="dialog-foot">
                    <FormMessage message=errors.rest(&["name", "parent_id"]) />
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_done.run(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=busy>
                        {move || if busy.get() { "Adding…" } else { "Add department" }}
                    </button>
                </footer>
            </form>
        </Dialog>
    }
}

/// Renames a department, moves it under another parent, or sets its manager. A move under
/// itself or one of its own sub-departments is refused by the server (422 on `parent_id`),
/// which shows under the Parent select.
#[component]
pub fn EditDepartmentDialog(
    departments: Vec<Department>,
    department: Department,
    #[prop(into)] on_done: Callback<bool>,
) -> impl IntoView {
    let session = use_session();
    let before = StoredValue::new(department.clone());
    let name = RwSignal::new(department.name.clone());
    let parent_id = RwSignal::new(department.parent_id);
    let manager_id = RwSignal::new(department.manager_id.clone());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let id = department.id;
    let staff = LocalResource::new(move || async move {
        let params = Params::new().set("department_id", id).set("limit", 500);
        session.call(move |t| api::people::employees(t, params.clone())).await
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let patch = department_patch(
            &before.get_value(),
            &name.get_untracked(),
            parent_id.get_untracked(),
            manager_id.get_untracked(),
        );
        if patch.name.is_none() && patch.parent_id.is_none() && patch.manager_id.is_none() {
            on_done.run(false);
            return;
        }
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::people::update_department(t, id, patch.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => on_done.run(true),
                Err(e) => errors.fail(&e),
            }
        });
    };
    let current_manager = department.manager_id.clone();
    let manager_options = move || match staff.get() {
        None => view! { <option value="">"Loading employees…"</option> }.into_any(),
        Some(Err(e)) => view! { <option value="">{e.message()}</option> }.into_any(),
        Some(Ok(page)) => {
            let chosen = current_manager.clone();
            let none_label = if page.items.is_empty() {
                "No manager (the department has no employees)"
            } else {
                "No manager"
            };
            let options = page
                .items
                .into_iter()
                .map(|e| {
                    let selected = chosen.as_deref() == Some(e.id.as_str());
                    view! { <option value=e.id.clone() selected=selected>{format!("{} ({})", e.name, e.id)}</option> }
                })
                .collect_view();
            view! {
                <option value="" selected=chosen.is_none()>{none_label}</option>
                {options}
            }
            .into_any()
        }
    };
    let title = format!("Edit department {}", department.name);
    view! {
        <Dialog title=title on_close=move |_| on_done.run(false) test_id="department-dialog">
            <form class="admin-form" on:submit=on_submit aria-label="Edit department">
                <FormField label="Name" id="department-name" error=errors.field("name") hint="Unique among its siblings; no “/”.">
                    <input
                        id="department-name"
                        class="input"
                        autofocus
                        aria-describedby="department-name-error"
                        class:invalid=move || errors.field("name").with(Option::is_some)
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </FormField>
                <FormField label="Parent" id="department-parent" error=errors.field("parent_id") hint="Moving a department moves its sub-departments with it.">
                    <select
                        id="department-parent"
                        class="select"
                        aria-describedby="department-parent-error"
                        class:invalid=move || errors.field("parent_id").with(Option::is_some)
                        on:change=move |ev| parent_id.set(event_target_value(&ev).parse().ok())
                    >
                        {parent_options(&departments, Some(id), department.parent_id)}
                    </select>
                </FormField>
                <FormField label="Manager" id="department-manager" error=errors.field("manager_id") hint="One of the department's own employees.">
                    <select
                        id="department-manager"
                        class="select"
                        aria-describedby="department-manager-error"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            manager_id.set((!v.is_empty()).then_some(v));
                        }
                    >
                        {manager_options}
                    </select>
                </FormField>
                <footer class="dialog-foot">
                    <FormMessage message=errors.rest(&["name", "parent_id", "manager_id"]) />
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_done.run(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=busy>
                        {move || if busy.get() { "Saving…" } else { "Save" }}
                    </button>
                </footer>
            </form>
        </Dialog>
    }
}

/// The delete question: a department with sub-departments or employees stays (409), and the
/// server's reason shows in the dialog.
#[component]
pub fn DeleteDepartmentDialog(
    department: Department,
    #[prop(into)] on_done: Callback<bool>,
) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = department.id;
    let confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = session.call(move |t| api::people::delete_department(t, id)).await;
            busy.set(false);
            match result {
                Ok(()) => on_done.run(true),
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    view! {
        <ConfirmDialog
            title=format!("Delete department {}?", department.name)
            confirm_label="Delete"
            danger=true
            pending=busy
            error=error
            on_confirm=confirm
            on_close=Callback::new(move |()| on_done.run(false))
        >
            <p>"Only a department without sub-departments and without employees can be deleted."</p>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    #[test]
    fn an_edit_sends_only_what_changed() {
        let d = Department {
            id: 2,
            name: "SOC".into(),
            parent_id: Some(1),
            manager_id: Some("E1".into()),
            manager_name: Some("Kim".into()),
            created_at: Utc::now(),
            modified_at: Utc::now(),
        };
        let p = department_patch(&d, " SOC ", Some(1), Some("E1".into()));
        assert!(p.name.is_none() && p.parent_id.is_none() && p.manager_id.is_none());
        let p = department_patch(&d, "Blue team", None, None);
        assert_eq!(p.name.as_deref(), Some("Blue team"));
        assert_eq!(p.parent_id, Some(None), "to the top level is sent as null");
        assert_eq!(p.manager_id, Some(None));
    }
}
