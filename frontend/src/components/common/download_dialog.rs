//! The Download dialog of the ticket and explanation lists: file name, column search and list,
//! file type, encoding and range; the list's own filters and sort go along. The file is fetched
//! with the access token and saved under the name the server gives it.

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{
    FieldError,
    export::{ExportColumn, ExportEncoding, ExportFormat},
};

use super::{
    dialog::Dialog,
    form::{FieldMessage, FormErrors, FormField, FormMessage},
};
use crate::{api, api::Params, session::use_session};

/// What the dialog holds.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadDraft {
    pub file_name: String,
    /// The ticked column keys.
    pub columns: Vec<&'static str>,
    pub format: ExportFormat,
    pub encoding: ExportEncoding,
    /// First and last row, 1-based, as typed (empty: from the first, to the last).
    pub from: String,
    pub to: String,
}

impl DownloadDraft {
    /// A draft with the default columns ticked, named `{stem}-{today}`.
    pub fn new(stem: &str, today: &str, defaults: &[&'static str]) -> DownloadDraft {
        DownloadDraft {
            file_name: format!("{stem}-{today}"),
            columns: defaults.to_vec(),
            format: ExportFormat::Csv,
            encoding: ExportEncoding::Utf8,
            from: String::new(),
            to: String::new(),
        }
    }

    /// The `range` parameter, or the fields that do not hold a row number.
    fn range(&self) -> Result<Option<String>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &str, raw: &str| match raw.trim() {
            "" => None,
            t => match t.parse::<u64>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    errors.push(FieldError::new(field, "must be a row number (the first row is 1)"));
                    None
                }
            },
        };
        let from = number("range_from", &self.from);
        let to = number("range_to", &self.to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(FieldError::new("range_to", "must not be before the first row"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match (from, to) {
            (None, None) => None,
            (Some(f), None) => Some(format!("{f}..")),
            (f, Some(t)) => Some(format!("{}..={t}", f.unwrap_or(1))),
        })
    }

    /// The export's query: the list's filters and sort, then the dialog's choices (columns in
    /// the catalogue's order).
    pub fn params(&self, list: &Params, catalogue: &[ExportColumn]) -> Result<Params, Vec<FieldError>> {
        let range = self.range();
        let mut errors = range.clone().err().unwrap_or_default();
        if self.columns.is_empty() {
            errors.push(FieldError::new("columns", "tick at least one column"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let columns: Vec<&str> =
            catalogue.iter().map(|c| c.key).filter(|k| self.columns.contains(k)).collect();
        let mut params = Params::new();
        for (k, v) in list.entries() {
            if k != "cursor" && k != "limit" {
                params = params.set(k, v);
            }
        }
        Ok(params
            .set("file_name", self.file_name.trim())
            .set("columns", columns.join(","))
            .set("type", self.format.as_str())
            .set("encoding", self.encoding.as_str())
            .opt("range", range.ok().flatten()))
    }
}

/// Columns whose label contains `search` (case-insensitive).
pub fn matching(catalogue: &'static [ExportColumn], search: &str) -> Vec<ExportColumn> {
    let search = search.trim().to_lowercase();
    catalogue
        .iter()
        .copied()
        .filter(|c| search.is_empty() || c.label.to_lowercase().contains(&search))
        .collect()
}

/// What a Download button exports.
#[derive(Clone, Copy)]
pub struct ExportTarget {
    /// "Download ticket list".
    pub title: &'static str,
    pub path: &'static str,
    pub catalogue: &'static [ExportColumn],
    pub defaults: &'static [&'static str],
    /// The file name's start ("tickets").
    pub stem: &'static str,
}

/// The toolbar's Download button and its dialog.
#[component]
pub fn DownloadButton(
    target: ExportTarget,
    /// The list's filters and sort, as API parameters.
    #[prop(into)]
    params: Signal<Params>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(true) data-testid="download-open">
            "Download"
        </button>
        {move || open.get().then(|| view! { <DownloadDialog target=target params=params on_close=move |_| open.set(false) /> })}
    }
}

#[component]
fn DownloadDialog(
    target: ExportTarget,
    params: Signal<Params>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    // `yyyy-MM-dd` of the browser's day.
    let today: String = crate::format::datetime(chrono::Utc::now()).chars().take(10).collect();
    let draft = RwSignal::new(DownloadDraft::new(target.stem, &today, target.defaults));
    let search = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let confirm = move || {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let query = match draft.get_untracked().params(&params.get_untracked(), target.catalogue) {
            Ok(q) => q,
            Err(fields) => {
                errors.fail_fields(fields);
                return;
            }
        };
        busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::exports::download(t, target.path, query.clone())).await;
            busy.set(false);
            match result {
                Ok(_) => on_close.run(()),
                Err(e) => errors.fail(&e),
            }
        });
    };
    let column_rows = move || {
        let shown = matching(target.catalogue, &search.get());
        if shown.is_empty() {
            return view! { <li class="muted small">"No column matches."</li> }.into_any();
        }
        shown
            .into_iter()
            .map(|c| {
                let key = c.key;
                view! {
                    <li>
                        <label class="check-row">
                            <input
                                type="checkbox"
                                data-column=key
                                prop:checked=move || draft.with(|d| d.columns.contains(&key))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft.update(|d| {
                                        d.columns.retain(|k| *k != key);
                                        if on {
                                            d.columns.push(key);
                                        }
                                    });
                                }
                            />
                            {c.label}
                        </label>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let ticked = move || draft.with(|d| d.columns.len());
    view! {
        <Dialog title=target.title on_close=on_close test_id="download-dialog">
            <form
                class="download-form"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    confirm();
                }
            >
                <FormField label="File name" id="download-file-name" error=errors.field("file_name") hint="The type's extension is added.">
                    <input
                        id="download-file-name"
                        class="input"
                        aria-describedby="download-file-name-error"
                        prop:value=move || draft.with(|d| d.file_name.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.file_name = v);
                        }
                    />
                </FormField>
                <fieldset class="form-group download-columns">
                    <legend>{move || format!("Columns ({} ticked)", ticked())}</legend>
                    <input
                        class="input"
                        type="search"
                        placeholder="Search columns"
                        aria-label="Search columns"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    <div class="download-column-actions">
                        <button
                            type="button"
                            class="btn btn-secondary btn-small"
                            on:click=move |_| draft.update(|d| d.columns = target.catalogue.iter().map(|c| c.key).collect())
                        >
                            "Tick all"
                        </button>
                        <button type="button" class="btn btn-secondary btn-small" on:click=move |_| draft.update(|d| d.columns.clear())>
                            "Clear"
                        </button>
                    </div>
                    <ul class="download-column-list" aria-label="Columns">{column_rows}</ul>
                    <FieldMessage id="download-columns" error=errors.field("columns") />
                </fieldset>
                <div class="settings-grid">
                    <FormField label="File type" id="download-type" error=errors.field("type")>
                        <select
                            id="download-type"
                            class="select"
                            on:change=move |ev| {
                                if let Some(f) = ExportFormat::parse(&event_target_value(&ev)) {
                                    draft.update(|d| d.format = f);
                                }
                            }
                        >
                            {ExportFormat::ALL
                                .iter()
                                .map(|f| {
                                    let f = *f;
                                    view! { <option value=f.as_str() selected=move || draft.with(|d| d.format == f)>{f.label()}</option> }
                                })
                                .collect_view()}
                        </select>
                    </FormField>
                    <FormField label="File encoding" id="download-encoding" error=errors.field("encoding")>
                        <select
                            id="download-encoding"
                            class="select"
                            on:change=move |ev| {
                                if let Some(e) = ExportEncoding::parse(&event_target_value(&ev)) {
                                    draft.update(|d| d.encoding = e);
                                }
                            }
                        >
                            {ExportEncoding::ALL
                                .iter()
                                .map(|e| {
                                    let e = *e;
                                    view! { <option value=e.as_str() selected=move || draft.with(|d| d.encoding == e)>{e.label()}</option> }
                                })
                                .collect_view()}
                        </select>
                    </FormField>
                    <FormField label="From row" id="download-from" error=errors.field("range_from") hint="The first row of page 1 is 1; empty: the first.">
                        <input
                            id="download-from"
                            class="input input-number"
                            inputmode="numeric"
                            placeholder="1"
                            aria-describedby="download-from-error"
                            prop:value=move || draft.with(|d| d.from.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.from = v);
                            }
                        />
                    </FormField>
                    <FormField label="To row" id="download-to" error=errors.field("range_to") hint="Empty: the last.">
                        <input
                            id="download-to"
                            class="input input-number"
                            inputmode="numeric"
                            placeholder="last"
                            aria-describedby="download-to-error"
                            prop:value=move || draft.with(|d| d.to.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.to = v);
                            }
                        />
                    </FormField>
                </div>
                <footer class="dialog-foot">
                    <FormMessage message=errors.rest(&["file_name", "columns", "type", "encoding", "range_from", "range_to"]) />
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                        "Cancel"
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=busy data-testid="download-confirm">
                        {move || if busy.get() { "Preparing…" } else { "Confirm" }}
                    </button>
                </footer>
            </form>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socdesk_types::export::{TICKET_COLUMNS, TICKET_DEFAULT_COLUMNS};

    fn draft() -> DownloadDraft {
        DownloadDraft::new("tickets", "2026-12-02", TICKET_DEFAULT_COLUMNS)
    }

    #[test]
    fn the_query_carries_the_filters_but_not_the_paging() {
        let list = Params::new().set("priority", "high").set("sort", "-created_at").set("limit", 50);
        let mut d = draft();
        d.columns = vec!["title", "id"];
        d.format = ExportFormat::Json;
        d.from = "2".into();
        d.to = " 9 ".into();
        let q = d.params(&list, TICKET_COLUMNS).unwrap();
        assert_eq!(
            q.entries(),
            [
                ("priority", "high"),
                ("sort", "-created_at"),
                ("file_name", "tickets-2026-12-02"),
                // The catalogue's order, whatever order they were ticked in.
                ("columns", "id,title"),
                ("type", "json"),
                ("encoding", "utf-8"),
                ("range", "2..=9"),
            ]
        );
    }

    #[test]
    fn ranges_may_be_open_at_either_end_and_are_checked() {
        let list = Params::new();
        let range = |from: &str, to: &str| {
            let d = DownloadDraft { from: from.into(), to: to.into(), ..draft() };
            d.params(&list, TICKET_COLUMNS)
                .map(|q| q.entries().iter().find(|(k, _)| *k == "range").map(|(_, v)| (*v).to_owned()))
        };
        assert_eq!(range("", ""), Ok(None));
        assert_eq!(range("5", ""), Ok(Some("5..".into())));
        assert_eq!(range("", "7"), Ok(Some("1..=7".into())));
        let fields = |r: Result<Option<String>, Vec<FieldError>>| {
            r.unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>()
        };
        assert_eq!(fields(range("0", "x")), ["range_from", "range_to"]);
        assert_eq!(fields(range("9", "3")), ["range_to"]);
        let none = DownloadDraft { columns: vec![], ..draft() };
        assert_eq!(none.params(&list, TICKET_COLUMNS).unwrap_err()[0].field, "columns");
    }

    #[test]
    fn the_column_search_matches_labels() {
        let found: Vec<_> = matching(TICKET_COLUMNS, "  ASSIGN ").iter().map(|c| c.key).collect();
        assert_eq!(found, ["assignees"]);
        assert_eq!(matching(TICKET_COLUMNS, "").len(), TICKET_COLUMNS.len());
    }
}
