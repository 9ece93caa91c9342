//! A detection rule's form: what it reads (table, and a stream rule's condition or a batch
//! rule's query, schedule, threshold and grouping), the ticket it opens, the explanation it may
//! ask for, and deduplication. Create and edit alike; edits send the version read (`If-Match`).

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use socdesk_types::{
    rules::{Rule, RuleKind},
    tickets::{AccountRef, Priority, TagRef},
};

use super::{
    condition_editor::ConditionEditor,
    labels,
    rule_draft::{Duration, RuleDraft, Unit},
};
use crate::{
    api::{self, Params},
    components::common::{
        account_picker::AccountPicker,
        badges::TagBadge,
        form::{FieldMessage, FormErrors, FormField, FormMessage},
    },
    session::use_session,
};

/// The fields the form shows errors beside; anything else goes to its foot.
const FIELDS: &[&str] = &[
    "name",
    "description",
    "kind",
    "table",
    "condition",
    "batch",
    "ticket.site_id",
    "ticket.category_id",
    "ticket.priority",
    "ticket.assignee_ids",
    "ticket.approver_ids",
    "ticket.tag_ids",
    "ticket.title",
    "ticket.body",
    "ticket.fields",
    "explanation",
    "dedup_fields",
    "dedup_window_secs",
];

/// Every account as a picker entry, to name a stored rule's assignees and approvers.
async fn people(session: crate::session::Session) -> Vec<AccountRef> {
    let params = Params::new().set("limit", 500);
    match session.call(move |t| api::accounts::list(t, params.clone())).await {
        Ok(page) => page
            .items
            .into_iter()
            .map(|a| AccountRef { id: a.id, login: a.login, display_name: a.display_name })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The form of a new rule, or of `rule`. `on_saved` gets the rule as stored.
#[component]
pub fn RuleForm(
    #[prop(optional)] rule: Option<Rule>,
    #[prop(into)] on_saved: Callback<Rule>,
) -> impl IntoView {
    let session = use_session();
    match rule {
        None => view! { <Form rule=None draft=RuleDraft::default() on_saved=on_saved /> }.into_any(),
        Some(rule) => {
            // The stored rule names people by id; their names come first.
            let named = LocalResource::new(move || people(session));
            let rule = StoredValue::new(rule);
            (move || {
                named.get().map(|people| {
                    let r = rule.get_value();
                    let draft = RuleDraft::of(&r, &people);
                    view! { <Form rule=Some(r) draft=draft on_saved=on_saved /> }
                })
            })
            .into_any()
        }
    }
}

/// A duration input: a number and its unit.
#[component]
fn DurationInput(
    #[prop(into)] id: String,
    get: Signal<Duration>,
    set: Callback<Duration>,
    #[prop(into)] error_id: String,
) -> impl IntoView {
    view! {
        <span class="duration-input">
            <input
                id=id
                class="input input-number"
                inputmode="numeric"
                aria-describedby=error_id
                prop:value=move || get.get().value
                on:input=move |ev| set.run(Duration { value: event_target_value(&ev), unit: get.get_untracked().unit })
            />
            <select
                class="select"
                aria-label="Unit"
                on:change=move |ev| {
                    if let Some(unit) = Unit::parse(&event_target_value(&ev)) {
                        set.run(Duration { value: get.get_untracked().value, unit });
                    }
                }
            >
                {Unit::ALL
                    .into_iter()
                    .map(|u| view! { <option value=u.as_str() selected=move || get.get().unit == u>{u.as_str()}</option> })
                    .collect_view()}
            </select>
        </span>
    }
}

#[component]
fn Form(rule: Option<Rule>, draft: RuleDraft, on_saved: Callback<Rule>) -> impl IntoView {
    let session = use_session();
    let stored = StoredValue::new(rule);
    let draft = RwSignal::new(draft);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let picking = RwSignal::new(None::<&'static str>);

    let tables = LocalResource::new(move || session.call(api::logs::tables));
    let schemas = LocalResource::new(move || session.call(api::logs::schemas));
    let sites = LocalResource::new(move || session.call(api::catalog::sites));
    let categories = LocalResource::new(move || session.call(api::catalog::ticket_categories));
    let tags = LocalResource::new(move || session.call(api::catalog::tags));
    let explanation_categories =
        LocalResource::new(move || session.call(api::catalog::explanation_categories));

    let kind = Memo::new(move |_| draft.with(|d| d.kind));
    let explain = Memo::new(move |_| draft.with(|d| d.explain));
    let table = Memo::new(move |_| draft.with(|d| d.table.clone()));
    // The selected table's schema fields, and the record's own, for the condition's suggestions.
    let field_names = Signal::derive(move || {
        let mut names = vec!["_id".to_owned(), "_time".to_owned(), "emp_key".to_owned()];
        let schema_id = match tables.get() {
            Some(Ok(page)) => page.items.iter().find(|t| t.name == table.get()).map(|t| t.schema_id),
            _ => None,
        };
        if let (Some(id), Some(Ok(page))) = (schema_id, schemas.get())
            && let Some(s) = page.items.iter().find(|s| s.id == id)
        {
            names.extend(s.fields.iter().map(|f| f.name.clone()));
        }
        names
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        status.set(None);
        let body = match draft.get_untracked().to_new() {
            Ok(b) => b,
            Err(fields) => {
                errors.fail_fields(fields);
                return;
            }
        };
        busy.set(true);
        let existing = stored.get_value().map(|r| (r.id, r.version));
        spawn_local(async move {
            let result = match existing {
                None => session.call(move |t| api::rules::create(t, body.clone())).await,
                Some((id, version)) => {
                    session.call(move |t| api::rules::replace(t, id, version, body.clone())).await
                }
            };
            busy.set(false);
            match result {
                Ok(r) => {
                    stored.set_value(Some(r.clone()));
                    status.set(Some("Saved."));
                    on_saved.run(r);
                }
                Err(e) if e.status() == Some(412) => errors.fail_message(
                    "Someone changed this rule since you opened it. Close the panel and open the rule again to see their version.",
                ),
                Err(e) => errors.fail(&e),
            }
        });
    };

    // A text input bound to a draft field, with its error.
    let text = move |field: &'static str,
                     id: &'static str,
                     label: &'static str,
                     hint: &'static str,
                     get: fn(&RuleDraft) -> String,
                     set: fn(&mut RuleDraft, String)| {
        view! {
            <FormField label=label id=id error=errors.field(field) hint=hint>
                <input
                    id=id
                    class="input"
                    spellcheck="false"
                    aria-describedby=format!("{id}-error")
                    class:invalid=move || errors.field(field).with(Option::is_some)
                    prop:value=move || draft.with(get)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| set(d, v));
                    }
                />
            </FormField>
        }
    };
    let select_of = move |items: Option<Vec<(i64, String)>>, chosen: Option<i64>, none: &'static str| {
        match items {
            None => view! { <option value="">"Loading…"</option> }.into_any(),
            Some(items) => {
                let options = items
                .into_iter()
                .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(id)>{name}</option> })
                .collect_view();
                view! {
                    <option value="" selected=chosen.is_none()>{none}</option>
                    {options}
                }
                .into_any()
            }
        }
    };

    let table_options = move || {
        let chosen = draft.with_untracked(|d| d.table.clone());
        match tables.get() {
            Some(Ok(page)) => {
                let options = page
                    .items
                    .into_iter()
                    .map(|t| {
                        let selected = t.name == chosen;
                        view! { <option value=t.name.clone() selected=selected>{format!("{} ({})", t.name, t.schema)}</option> }
                    })
                    .collect_view();
                view! {
                    <option value="" selected=chosen.is_empty()>"Choose a table"</option>
                    {options}
                }
                .into_any()
            }
            Some(Err(e)) => view! { <option value="">{e.message()}</option> }.into_any(),
            None => view! { <option value="">"Loading…"</option> }.into_any(),
        }
    };
    let site_options = move || {
        let chosen = draft.with_untracked(|d| d.site_id);
        let items =
            sites.get().and_then(Result::ok).map(|p| p.items.into_iter().map(|s| (s.id, s.name)).collect());
        select_of(items, chosen, "Choose a site")
    };
    let category_options = move || {
        let chosen = draft.with_untracked(|d| d.category_id);
        let items = categories
            .get()
            .and_then(Result::ok)
            .map(|p| p.items.into_iter().map(|c| (c.id, c.name)).collect());
        select_of(items, chosen, "No category")
    };
    let explanation_category_options = move || {
        let chosen = draft.with_untracked(|d| d.explanation_category_id);
        let items = explanation_categories
            .get()
            .and_then(Result::ok)
            .map(|p| p.items.into_iter().map(|c| (c.id, c.name)).collect());
        select_of(items, chosen, "The first category")
    };
    let tag_boxes = move || match tags.get() {
        Some(Ok(page)) if page.items.is_empty() => {
            view! { <span class="muted small">"No tags yet."</span> }.into_any()
        }
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|t| {
                let id = t.id;
                view! {
                    <label class="check-row check-compact">
                        <input
                            type="checkbox"
                            prop:checked=move || draft.with(|d| d.tag_ids.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| {
                                    if on {
                                        d.tag_ids.insert(id);
                                    } else {
                                        d.tag_ids.remove(&id);
                                    }
                                });
                            }
                        />
                        <TagBadge tag=TagRef { id: t.id, name: t.name, color: t.color } />
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        _ => view! { <span class="muted small">"Loading tags…"</span> }.into_any(),
    };
    let people_field = move |which: &'static str, label: &'static str| {
        let chosen = move || {
            draft.with(|d| if which == "assignees" { d.assignees.clone() } else { d.approvers.clone() })
        };
        let field = if which == "assignees" { "ticket.assignee_ids" } else { "ticket.approver_ids" };
        view! {
            <div class="form-field">
                <span class="form-label">{label}</span>
                <div class="people-row">
                    <span class="people-names" data-testid=format!("rule-{which}")>
                        {move || {
                            let list = chosen();
                            if list.is_empty() {
                                "Nobody".to_owned()
                            } else {
                                list.iter().map(|a| a.display_name.clone()).collect::<Vec<_>>().join(", ")
                            }
                        }}
                    </span>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| picking.set(Some(which))>
                        "Choose…"
                    </button>
                </div>
                <FieldMessage id=format!("rule-{which}") error=errors.field(field) />
            </div>
        }
    };
    let picker = move || {
        picking.get().map(|which| {
            let initial = draft.with_untracked(|d| if which == "assignees" { d.assignees.clone() } else { d.approvers.clone() });
            let site_id = draft.with_untracked(|d| d.site_id);
            let title = if which == "assignees" { "Assignees of the rule's tickets" } else { "Approvers of the rule's tickets" };
            let confirm = Callback::new(move |chosen: Vec<AccountRef>| {
                draft.update(|d| {
                    if which == "assignees" {
                        d.assignees = chosen;
                    } else {
                        d.approvers = chosen;
                    }
                });
                picking.set(None);
            });
            match site_id {
                Some(site) => view! {
                    <AccountPicker title=title initial=initial site_id=site on_confirm=confirm on_close=move |_| picking.set(None) />
                }
                .into_any(),
                None => view! {
                    <AccountPicker title=title initial=initial on_confirm=confirm on_close=move |_| picking.set(None) />
                }
                .into_any(),
            }
        })
    };

    let stream_part = move || {
        view! {
            <fieldset class="form-group">
                <legend>"Condition"</legend>
                <p class="form-hint">"Tested on every record stored in the table; a missing field fails its test."</p>
                <ConditionEditor draft=draft errors=errors fields=field_names />
            </fieldset>
        }
    };
    let batch_part = move || {
        view! {
            <fieldset class="form-group">
                <legend>"Schedule and threshold"</legend>
                <div class="settings-grid">
                    <FormField
                        label="Query"
                        id="rule-query"
                        error=errors.field("batch.query")
                        hint="The log search syntax: AND, OR, NOT, \"phrases\", field:value, field:10.0.0.0/8; empty matches every record."
                        wide=true
                    >
                        <input
                            id="rule-query"
                            class="input input-wide"
                            spellcheck="false"
                            aria-describedby="rule-query-error"
                            class:invalid=move || errors.field("batch.query").with(Option::is_some)
                            prop:value=move || draft.with(|d| d.query.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.query = v);
                            }
                        />
                    </FormField>
                    <FormField label="Runs every" id="rule-interval" error=errors.field("batch.interval_secs") hint="1 minute to 7 days.">
                        <DurationInput
                            id="rule-interval"
                            error_id="rule-interval-error"
                            get=Signal::derive(move || draft.with(|d| d.interval.clone()))
                            set=Callback::new(move |v| draft.update(|d| d.interval = v))
                        />
                    </FormField>
                    <FormField label="Looks back over" id="rule-lookback" error=errors.field("batch.lookback_secs") hint="1 minute to 31 days.">
                        <DurationInput
                            id="rule-lookback"
                            error_id="rule-lookback-error"
                            get=Signal::derive(move || draft.with(|d| d.lookback.clone()))
                            set=Callback::new(move |v| draft.update(|d| d.lookback = v))
                        />
                    </FormField>
                    {text("batch.threshold", "rule-threshold", "Threshold", "A group with at least this many records opens (or adds to) a ticket.", |d| d.threshold.clone(), |d, v| d.threshold = v)}
                    {text("batch.group_by", "rule-group-by", "Group by", "Record fields, comma-separated; empty: one group.", |d| d.group_by.clone(), |d, v| d.group_by = v)}
                </div>
            </fieldset>
        }
    };

    let creating = stored.with_value(Option::is_none);
    view! {
        <form class="admin-form rule-form" on:submit=on_submit aria-label=if creating { "New rule" } else { "Rule" }>
            <div class="settings-grid">
                {text("name", "rule-name", "Name", "", |d| d.name.clone(), |d, v| d.name = v)}
                {text("description", "rule-description", "Description", "", |d| d.description.clone(), |d, v| d.description = v)}
                <div class="form-field">
                    <span class="form-label">"Kind"</span>
                    <div class="radio-row" role="radiogroup" aria-label="Kind">
                        {[RuleKind::Stream, RuleKind::Batch]
                            .into_iter()
                            .map(|k| {
                                let help = if k == RuleKind::Stream { "every record as it arrives" } else { "on a schedule, over a window" };
                                view! {
                                    <label class="check-row">
                                        <input
                                            type="radio"
                                            name="rule-kind"
                                            value=k.as_str()
                                            prop:checked=move || kind.get() == k
                                            on:change=move |_| draft.update(|d| d.kind = k)
                                        />
                                        <span>{labels::rule_kind(k)} <span class="muted small">{format!(" — {help}")}</span></span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <FieldMessage id="rule-kind" error=errors.field("kind") />
                </div>
                <FormField label="Log table" id="rule-table" error=errors.field("table")>
                    <select
                        id="rule-table"
                        class="select"
                        aria-describedby="rule-table-error"
                        class:invalid=move || errors.field("table").with(Option::is_some)
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.table = v);
                        }
                    >
                        {table_options}
                    </select>
                </FormField>
                <div class="form-field">
                    <span class="form-label">"State"</span>
                    <label class="check-row">
                        <input
                            type="checkbox"
                            id="rule-enabled"
                            prop:checked=move || draft.with(|d| d.enabled)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| d.enabled = on);
                            }
                        />
                        <span>"Enabled"</span>
                    </label>
                </div>
            </div>
            {move || if kind.get() == RuleKind::Stream { stream_part().into_any() } else { batch_part().into_any() }}
            <fieldset class="form-group">
                <legend>"Ticket it opens"</legend>
                <div class="settings-grid">
                    <FormField label="Site" id="rule-site" error=errors.field("ticket.site_id")>
                        <select
                            id="rule-site"
                            class="select"
                            aria-describedby="rule-site-error"
                            class:invalid=move || errors.field("ticket.site_id").with(Option::is_some)
                            on:change=move |ev| {
                                let v = event_target_value(&ev).parse().ok();
                                draft.update(|d| d.site_id = v);
                            }
                        >
                            {site_options}
                        </select>
                    </FormField>
                    <FormField label="Category" id="rule-category" error=errors.field("ticket.category_id")>
                        <select
                            id="rule-category"
                            class="select"
                            aria-describedby="rule-category-error"
                            on:change=move |ev| {
                                let v = event_target_value(&ev).parse().ok();
                                draft.update(|d| d.category_id = v);
                            }
                        >
                            {category_options}
                        </select>
                    </FormField>
                    <FormField label="Priority" id="rule-priority" error=errors.field("ticket.priority")>
                        <select
                            id="rule-priority"
                            class="select"
                            aria-describedby="rule-priority-error"
                            on:change=move |ev| {
                                if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                                    draft.update(|d| d.priority = p);
                                }
                            }
                        >
                            {Priority::ALL
                                .iter()
                                .map(|p| {
                                    let p = *p;
                                    view! {
                                        <option value=p.as_str() selected=move || draft.with(|d| d.priority == p)>
                                            {crate::labels::priority(p)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </FormField>
                    {people_field("assignees", "Assignees")}
                    {people_field("approvers", "Approvers")}
                    <div class="form-field">
                        <span class="form-label">"Tags"</span>
                        <div class="check-list check-list-inline">{tag_boxes}</div>
                        <FieldMessage id="rule-tags" error=errors.field("ticket.tag_ids") />
                    </div>
                    <FormField
                        label="Title template"
                        id="rule-title"
                        error=errors.field("ticket.title")
                        hint="{field} is filled from the first matching record; {{ writes a brace."
                        wide=true
                    >
                        <input
                            id="rule-title"
                            class="input input-wide"
                            maxlength="255"
                            placeholder="Denied traffic from {src_ip}"
                            aria-describedby="rule-title-error"
                            class:invalid=move || errors.field("ticket.title").with(Option::is_some)
                            prop:value=move || draft.with(|d| d.title.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.title = v);
                            }
                        />
                    </FormField>
                    <FormField label="Body template (Markdown)" id="rule-body" error=errors.field("ticket.body") wide=true>
                        <textarea
                            id="rule-body"
                            class="md-input rule-textarea"
                            rows="3"
                            aria-describedby="rule-body-error"
                            prop:value=move || draft.with(|d| d.body.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.body = v);
                            }
                        ></textarea>
                    </FormField>
                    <FormField
                        label="Detection fields"
                        id="rule-mappings"
                        error=errors.field("ticket.fields")
                        hint="One per line: Ticket field = record field (Source IP = src_ip)."
                        wide=true
                    >
                        <textarea
                            id="rule-mappings"
                            class="md-input rule-textarea"
                            rows="3"
                            spellcheck="false"
                            aria-describedby="rule-mappings-error"
                            prop:value=move || draft.with(|d| d.mappings.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.mappings = v);
                            }
                        ></textarea>
                    </FormField>
                </div>
            </fieldset>
            <fieldset class="form-group">
                <legend>"Explanation request"</legend>
                <label class="check-row">
                    <input
                        type="checkbox"
                        id="rule-explain"
                        prop:checked=move || explain.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| d.explain = on);
                        }
                    />
                    <span>"Ask the employee of the record (emp_key) for an explanation of each new ticket"</span>
                </label>
                <Show when=move || explain.get()>
                    <div class="settings-grid">
                        <FormField label="Category" id="rule-explanation-category" error=errors.field("explanation.category_id")>
                            <select
                                id="rule-explanation-category"
                                class="select"
                                aria-describedby="rule-explanation-category-error"
                                on:change=move |ev| {
                                    let v = event_target_value(&ev).parse().ok();
                                    draft.update(|d| d.explanation_category_id = v);
                                }
                            >
                                {explanation_category_options}
                            </select>
                        </FormField>
                        {text("explanation.deadline_days", "rule-deadline", "Deadline (days)", "1 to 365 days from the request.", |d| d.deadline_days.clone(), |d, v| d.deadline_days = v)}
                        <FormField label="Message" id="rule-message" error=errors.field("explanation.message") hint="To the violator; {field} holes are filled from the record." wide=true>
                            <textarea
                                id="rule-message"
                                class="md-input rule-textarea"
                                rows="3"
                                aria-describedby="rule-message-error"
                                prop:value=move || draft.with(|d| d.message.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| d.message = v);
                                }
                            ></textarea>
                        </FormField>
                    </div>
                </Show>
            </fieldset>
            <fieldset class="form-group">
                <legend>"Deduplication"</legend>
                <div class="settings-grid">
                    {text("dedup_fields", "rule-dedup-fields", "Key fields", "Comma-separated; matches with the same values add to the open ticket. Empty: every match is the same attack.", |d| d.dedup_fields.clone(), |d, v| d.dedup_fields = v)}
                    <FormField label="Window" id="rule-dedup-window" error=errors.field("dedup_window_secs") hint="From the ticket's first sighting; 0 turns deduplication off.">
                        <DurationInput
                            id="rule-dedup-window"
                            error_id="rule-dedup-window-error"
                            get=Signal::derive(move || draft.with(|d| d.dedup_window.clone()))
                            set=Callback::new(move |v| draft.update(|d| d.dedup_window = v))
                        />
                    </FormField>
                </div>
            </fieldset>
            <footer class="form-foot form-foot-sticky">
                <FormMessage message=errors.rest(FIELDS) />
                <span class="form-status" role="status">{move || status.get()}</span>
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || match (busy.get(), creating) {
                        (true, _) => "Saving…",
                        (false, true) => "Create rule",
                        (false, false) => "Save rule",
                    }}
                </button>
            </footer>
            {picker}
        </form>
    }
}
