//! An employee's form (create and edit), the department select it and the list filter share,
//! and an employee's explanation record.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{
    explanations::ExplanationResult,
    people::{Department, Employee, EmployeePatch, Language, NewEmployee},
};

use super::{labels, tree::tree};
use crate::{
    api::{self, ApiError},
    components::common::{
        badges::ExplanationStatusBadge,
        dialog::Dialog,
        form::{FieldMessage, FormErrors, FormField, FormMessage},
    },
    format,
    session::use_session,
};

/// The form's values as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmployeeDraft {
    pub id: String,
    pub name: String,
    pub email: String,
    pub department_id: Option<i64>,
    pub is_admin: bool,
    pub is_manager: bool,
    pub language: Option<Language>,
}

impl EmployeeDraft {
    /// The draft of an existing employee.
    pub fn of(e: &Employee) -> Self {
        EmployeeDraft {
            id: e.id.clone(),
            name: e.name.clone(),
            email: e.email.clone(),
            department_id: e.department_id,
            is_admin: e.is_admin,
            is_manager: e.is_manager,
            language: e.language,
        }
    }

    /// The body of `POST /api/employees`.
    pub fn to_new(&self) -> NewEmployee {
        NewEmployee {
            id: self.id.trim().to_owned(),
            name: self.name.trim().to_owned(),
            email: self.email.trim().to_owned(),
            department_id: self.department_id,
            is_admin: Some(self.is_admin),
            is_manager: Some(self.is_manager),
            language: self.language,
        }
    }

    /// The body of `PUT /api/employees/{id}`: only what differs from `original`.
    pub fn patch(&self, original: &Employee) -> EmployeePatch {
        let before = EmployeeDraft::of(original);
        EmployeePatch {
            name: (self.name.trim() != before.name).then(|| self.name.trim().to_owned()),
            email: (self.email.trim() != before.email).then(|| self.email.trim().to_owned()),
            department_id: (self.department_id != before.department_id).then_some(self.department_id),
            is_admin: (self.is_admin != before.is_admin).then_some(self.is_admin),
            is_manager: (self.is_manager != before.is_manager).then_some(self.is_manager),
            language: (self.language != before.language).then_some(self.language),
        }
    }
}

/// Whether a patch changes nothing.
pub fn is_empty_patch(p: &EmployeePatch) -> bool {
    p.name.is_none()
        && p.email.is_none()
        && p.department_id.is_none()
        && p.is_admin.is_none()
        && p.is_manager.is_none()
        && p.language.is_none()
}

/// `<option>`s of every department in tree order, indented by depth, after a first option.
pub fn department_options(
    departments: &[Department],
    first: &'static str,
    selected: Option<i64>,
) -> impl IntoView + use<> {
    let rows = tree(departments);
    let options = rows
        .into_iter()
        .map(|r| {
            let id = r.department.id;
            let label = format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(r.depth), r.department.name);
            view! { <option value=id.to_string() selected=selected == Some(id) title=r.path>{label}</option> }
        })
        .collect_view();
    view! {
        <option value="" selected=selected.is_none()>{first}</option>
        {options}
    }
}

const FIELDS: &[&str] = &["id", "name", "email", "department_id", "is_admin", "is_manager", "language"];

/// The employee form: creates one without `employee`, else edits it sending only the changes.
#[component]
pub fn EmployeeForm(
    #[prop(optional)] employee: Option<Employee>,
    #[prop(into)] on_saved: Callback<Employee>,
) -> impl IntoView {
    let session = use_session();
    let creating = employee.is_none();
    let original = StoredValue::new(employee.clone());
    let draft = RwSignal::new(employee.as_ref().map(EmployeeDraft::of).unwrap_or_default());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(None::<&'static str>);
    let departments = LocalResource::new(move || session.call(api::people::all_departments));

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(None);
        let current = draft.get_untracked();
        match original.get_value() {
            None => {
                let body = current.to_new();
                busy.set(true);
                spawn_local(async move {
                    let result = session.call(move |t| api::people::create_employee(t, body.clone())).await;
                    busy.set(false);
                    match result {
                        Ok(e) => on_saved.run(e),
                        Err(e) => errors.fail(&e),
                    }
                });
            }
            Some(before) => {
                let patch = current.patch(&before);
                if is_empty_patch(&patch) {
                    saved.set(Some("Nothing to save: no field changed."));
                    return;
                }
                busy.set(true);
                let id = before.id.clone();
                spawn_local(async move {
                    let result = session
                        .call(move |t| api::people::update_employee(t, id.clone(), patch.clone()))
                        .await;
                    busy.set(false);
                    match result {
                        Ok(e) => {
                            draft.set(EmployeeDraft::of(&e));
                            original.set_value(Some(e.clone()));
                            saved.set(Some("Saved."));
                            on_saved.run(e);
                        }
                        Err(e) => errors.fail(&e),
                    }
                });
            }
        }
    };

    let text = move |id: &'static str,
                     label: &'static str,
                     get: fn(&EmployeeDraft) -> String,
                     set: fn(&mut EmployeeDraft, String),
                     input_type: &'static str| {
        view! {
            <FormField label=label id=format!("employee-{id}") error=errors.field(id)>
                <input
                    id=format!("employee-{id}")
                    class="input"
                    type=input_type
                    autocomplete="off"
                    aria-describedby=format!("employee-{id}-error")
                    class:invalid=move || errors.field(id).with(Option::is_some)
                    prop:value=move || draft.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        draft.update(|d| set(d, value));
                    }
                />
            </FormField>
        }
    };
    let id_field = if creating {
        view! {
            <FormField
                label="Employee id"
                id="employee-id"
                error=errors.field("id")
                hint="What log records carry as emp_key: letters, digits, . _ - @"
            >
                <input
                    id="employee-id"
                    class="input"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="employee-id-error"
                    class:invalid=move || errors.field("id").with(Option::is_some)
                    prop:value=move || draft.with(|d| d.id.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        draft.update(|d| d.id = value);
                    }
                />
            </FormField>
        }
        .into_any()
    } else {
        view! {
            <div class="form-field">
                <span class="form-label">"Employee id"</span>
                <code class="form-static">{move || draft.with(|d| d.id.clone())}</code>
                <p class="form-hint">"An employee id never changes."</p>
            </div>
        }
        .into_any()
    };
    let department_select = move || {
        let selected = draft.with_untracked(|d| d.department_id);
        match departments.get() {
            Some(Ok(list)) => department_options(&list, "No department", selected).into_any(),
            Some(Err(_)) => view! { <option value="">"Departments could not be loaded"</option> }.into_any(),
            None => view! { <option value="">"Loading departments…"</option> }.into_any(),
        }
    };

    view! {
        <form class="admin-form" on:submit=on_submit aria-label=if creating { "New employee" } else { "Employee" }>
            <div class="settings-grid">
                {id_field}
                {text("name", "Name", |d| d.name.clone(), |d, v| d.name = v, "text")}
                {text("email", "Email", |d| d.email.clone(), |d, v| d.email = v, "email")}
                <FormField label="Department" id="employee-department_id" error=errors.field("department_id")>
                    <select
                        id="employee-department_id"
                        class="select"
                        aria-describedby="employee-department_id-error"
                        on:change=move |ev| {
                            let value = event_target_value(&ev).parse::<i64>().ok();
                            draft.update(|d| d.department_id = value);
                        }
                    >
                        {department_select}
                    </select>
                </FormField>
                <FormField
                    label="Language"
                    id="employee-language"
                    error=errors.field("language")
                    hint="Of the mails sent to them; none: the global default."
                >
                    <select
                        id="employee-language"
                        class="select"
                        aria-describedby="employee-language-error"
                        on:change=move |ev| {
                            let value = Language::parse(&event_target_value(&ev));
                            draft.update(|d| d.language = value);
                        }
                    >
                        <option value="" selected=move || draft.with(|d| d.language.is_none())>"Default"</option>
                        {Language::ALL
                            .iter()
                            .map(|l| {
                                let l = *l;
                                view! {
                                    <option value=l.as_str() selected=move || draft.with(|d| d.language == Some(l))>
                                        {labels::language(l)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </FormField>
                <div class="form-field">
                    <span class="form-label">"Roles"</span>
                    <label class="check-row">
                        <input
                            type="checkbox"
                            id="employee-is_manager"
                            prop:checked=move || draft.with(|d| d.is_manager)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| d.is_manager = on);
                            }
                        />
                        <span>"Manager of their department (replaces the current one)"</span>
                    </label>
                    <label class="check-row">
                        <input
                            type="checkbox"
                            id="employee-is_admin"
                            prop:checked=move || draft.with(|d| d.is_admin)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| d.is_admin = on);
                            }
                        />
                        <span>"Administrator privileges (the reviewer of last resort)"</span>
                    </label>
                    <FieldMessage
                        id="employee-roles"
                        error=Signal::derive(move || errors.field("is_manager").get().or_else(|| errors.field("is_admin").get()))
                    />
                </div>
            </div>
            <footer class="form-foot">
                <FormMessage message=errors.rest(FIELDS) />
                <span class="form-status" role="status">{move || saved.get()}</span>
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || match (busy.get(), creating) {
                        (true, _) => "Saving…",
                        (false, true) => "Create employee",
                        (false, false) => "Save changes",
                    }}
                </button>
            </footer>
        </form>
    }
}

/// An employee's explanation record in a dialog: Normal / Violated / open counts and the
/// latest requests.
#[component]
pub fn ExplanationRecord(id: String, name: String, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let record = {
        let id = id.clone();
        LocalResource::new(move || {
            let id = id.clone();
            async move { session.call(move |t| api::people::explanations(t, id.clone())).await }
        })
    };
    let body = move || match record.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the record…"</p> }.into_any(),
        Some(Err(e)) => record_error(&e).into_any(),
        Some(Ok(r)) => {
            let rows = r
                .explanations
                .items
                .into_iter()
                .map(|x| {
                    let result = match x.result {
                        Some(ExplanationResult::Normal) => "Normal",
                        Some(ExplanationResult::Violated) => "Violated",
                        None => "—",
                    };
                    view! {
                        <tr>
                            <td>{format!("#{}", x.id)}</td>
                            <td><ExplanationStatusBadge status=x.status /></td>
                            <td>{x.category.name}</td>
                            <td>{result}</td>
                            <td class="col-time">{format::datetime(x.created_at)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let empty = r.counts.total == 0;
            view! {
                <dl class="record-counts" data-testid="record-counts">
                    <div><dt>"Normal"</dt><dd data-testid="record-normal">{r.counts.normal}</dd></div>
                    <div><dt>"Violated"</dt><dd data-testid="record-violated">{r.counts.violated}</dd></div>
                    <div><dt>"Open"</dt><dd data-testid="record-open">{r.counts.open}</dd></div>
                    <div><dt>"Total"</dt><dd>{r.counts.total}</dd></div>
                </dl>
                {if empty {
                    view! { <p class="muted">"No explanation was ever asked of this employee."</p> }.into_any()
                } else {
                    view! {
                        <table class="table admin-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Id"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Category"</th>
                                    <th scope="col">"Result"</th>
                                    <th scope="col">"Requested"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                    .into_any()
                }}
            }
            .into_any()
        }
    };
    view! {
        <Dialog title=format!("Explanation record of {name} ({id})") on_close=on_close test_id="explanation-record" wide=true>
            {body}
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Close"</button>
            </footer>
        </Dialog>
    }
}

fn record_error(e: &ApiError) -> impl IntoView + use<> {
    view! { <p class="field-error" role="alert">{e.message()}</p> }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn employee() -> Employee {
        Employee {
            id: "E1001".into(),
            name: "Kim Chulsoo".into(),
            email: "kim@example.com".into(),
            department_id: Some(3),
            department_name: Some("SOC".into()),
            is_admin: false,
            is_manager: true,
            language: Some(Language::Ko),
            account_id: None,
            created_at: Utc::now(),
            modified_at: Utc::now(),
        }
    }

    #[test]
    fn an_edit_sends_only_what_changed() {
        let e = employee();
        assert!(is_empty_patch(&EmployeeDraft::of(&e).patch(&e)));
        let mut d = EmployeeDraft::of(&e);
        d.department_id = None;
        d.language = None;
        d.name = " Kim Chul-soo ".into();
        let p = d.patch(&e);
        assert_eq!(p.department_id, Some(None), "no department is sent as null");
        assert_eq!(p.language, Some(None));
        assert_eq!(p.name.as_deref(), Some("Kim Chul-soo"));
        assert_eq!(p.email, None);
        assert_eq!(p.is_manager, None);
    }

    #[test]
    fn a_new_employee_is_trimmed() {
        let d = EmployeeDraft {
            id: " E1 ".into(),
            name: " A ".into(),
            email: "a@b.c ".into(),
            ..Default::default()
        };
        let n = d.to_new();
        assert_eq!((n.id.as_str(), n.name.as_str(), n.email.as_str()), ("E1", "A", "a@b.c"));
        assert_eq!(n.is_manager, Some(false));
    }
}
