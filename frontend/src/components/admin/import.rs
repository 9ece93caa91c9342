//! Import employees from a CSV file: pick the file and its encoding, upload, then see what was
//! created and updated and every refused row with its number, column and reason.

use leptos::{html, prelude::*, task::spawn_local};
use socdesk_types::people::ImportResult;

use crate::{api, components::common::dialog::Dialog, session::use_session};

/// The encodings the import reads: the value sent as `?encoding=` and its label.
pub const ENCODINGS: &[(&str, &str)] = &[
    ("", "Automatic (UTF-8 if valid, else EUC-KR)"),
    ("utf-8", "UTF-8"),
    ("euc-kr", "EUC-KR (Korean Excel)"),
];

/// The dialog. `on_imported` runs after an import that applied rows.
#[component]
pub fn ImportDialog(
    #[prop(into)] on_imported: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let input = NodeRef::<html::Input>::new();
    let file = RwSignal::new_local(None::<web_sys::File>);
    let encoding = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<ImportResult>);

    let on_pick = move |_| {
        let picked = input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0));
        file.set(picked);
        error.set(None);
        result.set(None);
    };
    let upload = move |_| {
        let Some(f) = file.get_untracked() else {
            error.set(Some("Choose a CSV file first.".into()));
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        result.set(None);
        let enc = encoding.get_untracked();
        spawn_local(async move {
            let answer =
                session.call(move |t| api::people::import_employees(t, f.clone(), enc.clone())).await;
            busy.set(false);
            match answer {
                Ok(r) => {
                    if r.created + r.updated > 0 {
                        on_imported.run(());
                    }
                    result.set(Some(r));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    let outcome = move || {
        result.get().map(|r| {
            let rows = r
                .errors
                .iter()
                .map(|e| {
                    view! {
                        <tr data-import-row=e.row>
                            <td class="num">{e.row}</td>
                            <td>{e.field.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{e.reason.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            let refused = r.errors.len();
            view! {
                <div class="import-result" data-testid="import-result" role="status">
                    <dl class="record-counts">
                        <div><dt>"Created"</dt><dd data-testid="import-created">{r.created}</dd></div>
                        <div><dt>"Updated"</dt><dd data-testid="import-updated">{r.updated}</dd></div>
                        <div><dt>"Departments created"</dt><dd data-testid="import-departments">{r.departments_created}</dd></div>
                        <div><dt>"Rows refused"</dt><dd data-testid="import-refused">{refused}</dd></div>
                    </dl>
                    {(refused > 0).then(|| view! {
                        <p class="small">"Refused rows changed nothing; every other row was applied. Row 1 is the first line after the header."</p>
                        <div class="table-scroll table-scroll-short">
                            <table class="table admin-table" data-testid="import-errors">
                                <thead>
                                    <tr>
                                        <th scope="col">"Row"</th>
                                        <th scope="col">"Column"</th>
                                        <th scope="col">"Reason"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    })}
                </div>
            }
        })
    };

    view! {
        <Dialog title="Import employees from CSV" on_close=on_close test_id="import-dialog" wide=true>
            <p class="small muted">
                "The header names the columns in any order: " <code>"employee_id, name, email, department, manager, admin"</code>
                " and optionally " <code>"language"</code> ". " <code>"department"</code>
                " is a name or a path from the top (" <code>"HQ/Security/SOC"</code>
                "); missing departments are created. " <code>"manager"</code> " and " <code>"admin"</code>
                " take true/false, yes/no, y/n, 1/0. Employees are matched by id: existing ones are updated."
            </p>
            <div class="settings-grid">
                <div class="form-field">
                    <label class="form-label" for="import-file">"CSV file"</label>
                    <input id="import-file" type="file" accept=".csv,text/csv" class="input input-file" node_ref=input on:change=on_pick />
                </div>
                <div class="form-field">
                    <label class="form-label" for="import-encoding">"Encoding"</label>
                    <select id="import-encoding" class="select" on:change=move |ev| encoding.set(event_target_value(&ev))>
                        {ENCODINGS
                            .iter()
                            .map(|(value, label)| view! { <option value=*value>{*label}</option> })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <p class="form-error" role="alert" data-testid="import-error">{move || error.get()}</p>
            {outcome}
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>"Close"</button>
                <button
                    type="button"
                    class="btn btn-primary"
                    disabled=move || busy.get() || file.with(Option::is_none)
                    on:click=upload
                >
                    {move || if busy.get() { "Importing…" } else { "Import" }}
                </button>
            </footer>
        </Dialog>
    }
}
