//! Settings > Departments: the tree, indented by parent, with a department's actions — add a
//! sub-department, edit (rename, move, manager), delete.

use leptos::prelude::*;
use socdesk_types::people::Department;

use super::SettingsHead;
use crate::{
    api,
    components::admin::{
        departments::{DeleteDepartmentDialog, EditDepartmentDialog, NewDepartmentDialog},
        tree::tree,
    },
    session::use_session,
};

/// The dialog open on top of the tree.
#[derive(Debug, Clone, PartialEq)]
enum Open {
    New(Option<i64>),
    Edit(Department),
    Delete(Department),
}

/// The Departments page.
#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u64);
    let departments = LocalResource::new(move || {
        version.track();
        session.call(api::people::all_departments)
    });
    let open = RwSignal::new(None::<Open>);
    let done = Callback::new(move |changed: bool| {
        open.set(None);
        if changed {
            version.update(|v| *v += 1);
        }
    });
    let list = move || match departments.get() {
        Some(Ok(list)) => list,
        _ => Vec::new(),
    };

    let rows = move || {
        tree(&list())
            .into_iter()
            .map(|r| {
                let d = r.department.clone();
                let (edit, delete) = (d.clone(), d.clone());
                let id = d.id;
                let name = d.name.clone();
                view! {
                    <tr data-department-id=id>
                        <td class="col-name">
                            <span class="tree-name" style=format!("padding-left: {}px", r.depth * 22)>
                                {(r.depth > 0).then(|| view! { <span class="tree-branch" aria-hidden="true">"└"</span> })}
                                <strong>{name.clone()}</strong>
                            </span>
                        </td>
                        <td class="muted small">{r.path.clone()}</td>
                        <td>{d.manager_name.clone().map(|m| format!("{m} ({})", d.manager_id.clone().unwrap_or_default())).unwrap_or_else(|| "—".into())}</td>
                        <td class="col-actions">
                            <button
                                type="button"
                                class="btn btn-secondary btn-small"
                                aria-label=format!("Add a department under {name}")
                                on:click=move |_| open.set(Some(Open::New(Some(id))))
                            >
                                "Add sub-department"
                            </button>
                            <button
                                type="button"
                                class="btn btn-secondary btn-small"
                                aria-label=format!("Edit {name}")
                                on:click=move |_| open.set(Some(Open::Edit(edit.clone())))
                            >
                                "Edit"
                            </button>
                            <button
                                type="button"
                                class="btn btn-secondary btn-small btn-danger-text"
                                aria-label=format!("Delete {name}")
                                on:click=move |_| open.set(Some(Open::Delete(delete.clone())))
                            >
                                "Delete"
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let state = move || {
        match departments.get() {
        None => Some(view! { <p class="list-state" aria-busy="true">"Loading departments…"</p> }.into_any()),
        Some(Err(e)) => Some(
            view! {
                <div class="list-state field-error" role="alert">
                    <span>{e.message()}</span>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| version.update(|v| *v += 1)>
                        "Try again"
                    </button>
                </div>
            }
            .into_any(),
        ),
        Some(Ok(list)) if list.is_empty() => Some(
            view! {
                <p class="list-state" data-testid="departments-empty">
                    "No departments yet: add one, or import employees with department paths."
                </p>
            }
            .into_any(),
        ),
        _ => None,
    }
    };
    let dialog = move || {
        open.get().map(|o| match o {
            Open::New(parent) => {
                view! { <NewDepartmentDialog departments=list() parent=parent on_done=done /> }.into_any()
            }
            Open::Edit(d) => {
                view! { <EditDepartmentDialog departments=list() department=d on_done=done /> }.into_any()
            }
            Open::Delete(d) => view! { <DeleteDepartmentDialog department=d on_done=done /> }.into_any(),
        })
    };

    view! {
        <div class="page">
            <SettingsHead
                title="Departments"
                intro="The tree explanation reviewers are found in: a violator's department manager, else the nearest manager above."
            >
                <button type="button" class="btn btn-primary" on:click=move |_| open.set(Some(Open::New(None)))>
                    "Add department"
                </button>
            </SettingsHead>
            <section class="card list-card" aria-label="Department tree">
                <div class="toolbar">
                    <span class="total">
                        {move || match departments.get() {
                            Some(Ok(l)) if l.len() == 1 => "1 department".to_owned(),
                            Some(Ok(l)) => format!("{} departments", l.len()),
                            _ => "…".to_owned(),
                        }}
                    </span>
                </div>
                <div class="table-scroll">
                    <table class="table admin-table" data-testid="department-tree">
                        <thead>
                            <tr>
                                <th scope="col" class="col-name">"Department"</th>
                                <th scope="col">"Path"</th>
                                <th scope="col">"Manager"</th>
                                <th scope="col" class="col-actions"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {state}
                </div>
            </section>
            {dialog}
        </div>
    }
}
