//! Settings > Rules: the detection rules with their counters (switch one on or off in its row,
//! or several at once), Add, and a rule's panel: its definition, its suppressions, Run now for
//! batch rules, Delete.

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::rules::{Rule, RuleKind, RuleRun};

use super::SettingsHead;
use crate::{
    api::{self, Params},
    components::{
        admin::{labels, rule_draft::rule_to_new, rule_form::RuleForm, suppressions::Suppressions},
        common::{
            column_settings::ColumnDef,
            confirm::ConfirmDialog,
            data_list::{DataList, ListRow, Sorting},
            side_panel::SidePanel,
        },
    },
    format,
    session::{Session, use_session},
};

impl ListRow for Rule {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        // Counters change without a new version; they redraw the row too.
        self.version * 1_000_003 + self.match_count + self.error_count * 7 + self.suppressed_count * 13
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    New,
    Rule(i64),
}

#[derive(Clone, Copy)]
struct RulesScreen {
    open: RwSignal<Option<Open>>,
    version: RwSignal<u64>,
    /// What the last switch on or off in a row said when it failed.
    notice: RwSignal<Option<String>>,
}

const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "name", label: "Name", default: true },
    ColumnDef { key: "kind", label: "Kind", default: true },
    ColumnDef { key: "table", label: "Table", default: true },
    ColumnDef { key: "enabled", label: "Enabled", default: true },
    ColumnDef { key: "matches", label: "Matches", default: true },
    ColumnDef { key: "tickets", label: "Tickets", default: true },
    ColumnDef { key: "suppressed", label: "Suppressed", default: true },
    ColumnDef { key: "errors", label: "Errors", default: true },
    ColumnDef { key: "last_matched", label: "Last match", default: true },
    ColumnDef { key: "next_run", label: "Next run", default: false },
    ColumnDef { key: "modified", label: "Modified", default: false },
];

/// Rules come by name.
const SORTING: Sorting = Sorting { key_of: |_| None, default: ("name", false) };

/// Switches a rule on or off (its definition as stored, with its version).
async fn set_enabled(session: Session, rule: Rule, enabled: bool) -> Result<Rule, api::ApiError> {
    let body = rule_to_new(&rule, enabled);
    let (id, version) = (rule.id, rule.version);
    session.call(move |t| api::rules::replace(t, id, version, body.clone())).await
}

fn cell(column: &str, r: &Rule) -> AnyView {
    match column {
        "name" => {
            let screen = expect_context::<RulesScreen>();
            let id = r.id;
            view! {
                <button type="button" class="link-btn row-title" on:click=move |_| screen.open.set(Some(Open::Rule(id)))>
                    {r.name.clone()}
                </button>
            }
            .into_any()
        }
        "kind" => labels::rule_kind(r.kind).into_any(),
        "table" => view! { <code>{r.table.clone()}</code> }.into_any(),
        "enabled" => {
            let screen = expect_context::<RulesScreen>();
            let session = use_session();
            let rule = r.clone();
            let on = r.enabled;
            let busy = RwSignal::new(false);
            view! {
                <button
                    type="button"
                    class="switch"
                    class:on=on
                    role="switch"
                    aria-checked=on.to_string()
                    aria-label=format!("{} enabled", r.name)
                    disabled=busy
                    on:click=move |_| {
                        busy.set(true);
                        let rule = rule.clone();
                        spawn_local(async move {
                            let result = set_enabled(session, rule, !on).await;
                            busy.set(false);
                            screen.notice.set(result.err().map(|e| e.message()));
                            screen.version.update(|v| *v += 1);
                        });
                    }
                >
                    <span class="switch-knob"></span>
                    <span class="switch-text">{if on { "On" } else { "Off" }}</span>
                </button>
            }
            .into_any()
        }
        "matches" => view! { <span class="num">{r.match_count}</span> }.into_any(),
        "tickets" => view! { <span class="num">{r.ticket_count}</span> }.into_any(),
        "suppressed" => view! { <span class="num">{r.suppressed_count}</span> }.into_any(),
        "errors" => {
            let title = r.last_error.clone().unwrap_or_default();
            let failing = r.error_count > 0;
            view! {
                <span class="num" class:field-error=failing title=title>{r.error_count}</span>
            }
            .into_any()
        }
        "last_matched" => format::datetime_or_dash(r.last_matched_at).into_any(),
        "next_run" => match r.kind {
            RuleKind::Batch => format::datetime_or_dash(r.next_run_at).into_any(),
            RuleKind::Stream => view! { <span class="muted">"each record"</span> }.into_any(),
        },
        "modified" => format::datetime(r.modified_at).into_any(),
        _ => ().into_any(),
    }
}

/// The Rules page.
#[component]
pub fn RulesPage() -> impl IntoView {
    let screen =
        RulesScreen { open: RwSignal::new(None), version: RwSignal::new(0), notice: RwSignal::new(None) };
    provide_context(screen);
    let selection = RwSignal::new(BTreeSet::new());
    let panel = move || {
        screen.open.get().map(|open| match open {
            Open::New => view! {
                <SidePanel label="New rule".to_string() on_close=move |_| screen.open.set(None) test_id="rule-panel">
                    <h2 class="admin-title">"New rule"</h2>
                    <RuleForm on_saved=Callback::new(move |r: Rule| {
                        screen.version.update(|v| *v += 1);
                        screen.open.set(Some(Open::Rule(r.id)));
                    }) />
                </SidePanel>
            }
            .into_any(),
            Open::Rule(id) => view! {
                <SidePanel label=format!("Rule #{id}") on_close=move |_| screen.open.set(None) test_id="rule-panel">
                    <RulePanel id=id />
                </SidePanel>
            }
            .into_any(),
        })
    };
    view! {
        <div class="page">
            <SettingsHead
                title="Rules"
                intro="Detection rules open tickets from log records: stream rules test each record as it arrives, batch rules count matches on a schedule."
            />
            {move || screen.notice.get().map(|n| view! { <p class="banner banner-error" role="alert">{n}</p> })}
            <DataList
                name="rules"
                noun=("rule", "rules")
                columns=COLUMNS
                fetch=|t, p| Box::pin(api::rules::list(t, p))
                params=Signal::derive(Params::new)
                sort=Signal::derive(|| None::<String>)
                sorting=SORTING
                on_sort=Callback::new(|_| {})
                version=screen.version
                selection=selection
                cell=cell
                empty="No rules yet: add one to open tickets from log records."
                open=Signal::derive(move || match screen.open.get() {
                    Some(Open::Rule(id)) => Some(id),
                    _ => None,
                })
                bulk=ViewFn::from(move || view! { <RulesBulk selection=selection /> })
                actions=ViewFn::from(move || view! {
                    <button type="button" class="btn btn-primary btn-small" on:click=move |_| screen.open.set(Some(Open::New))>
                        "Add rule"
                    </button>
                })
            />
            {panel}
        </div>
    }
}

/// Turns the ticked rules on or off.
#[component]
fn RulesBulk(selection: RwSignal<BTreeSet<i64>>) -> impl IntoView {
    let session = use_session();
    let screen = expect_context::<RulesScreen>();
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    let run = move |enabled: bool| {
        if busy.get_untracked() {
            return;
        }
        let ids: Vec<i64> = selection.get_untracked().into_iter().collect();
        busy.set(true);
        spawn_local(async move {
            let mut failures = Vec::new();
            let mut done = 0;
            for id in ids {
                let result = match session.call(move |t| api::rules::get_one(t, id)).await {
                    Ok(rule) => set_enabled(session, rule, enabled).await.map(drop),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => done += 1,
                    Err(e) => failures.push(format!("#{id}: {}", e.message())),
                }
            }
            busy.set(false);
            let mut text = format!("{done} {}", if enabled { "switched on" } else { "switched off" });
            if !failures.is_empty() {
                text.push_str(&format!("; not changed: {}", failures.join("; ")));
            } else {
                selection.set(BTreeSet::new());
            }
            outcome.set(Some(text));
            screen.version.update(|v| *v += 1);
        });
    };
    view! {
        <Show when=move || !selection.with(BTreeSet::is_empty) || outcome.with(Option::is_some)>
            <div class="bulk-toolbar" role="group" aria-label="Selected rules">
                <Show when=move || !selection.with(BTreeSet::is_empty)>
                    <span class="bulk-count">{move || format!("{} selected", selection.with(BTreeSet::len))}</span>
                    <button type="button" class="btn btn-secondary btn-small" disabled=busy on:click=move |_| run(true)>"Enable"</button>
                    <button type="button" class="btn btn-secondary btn-small" disabled=busy on:click=move |_| run(false)>"Disable"</button>
                    <button type="button" class="link-btn small" on:click=move |_| selection.set(BTreeSet::new())>"Clear selection"</button>
                </Show>
                <span class="small muted" role="status">{move || outcome.get()}</span>
            </div>
        </Show>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tab {
    Definition,
    Suppressions,
}

/// One rule: its counters, Run now (batch), Delete, and the Definition and Suppressions tabs.
#[component]
fn RulePanel(id: i64) -> impl IntoView {
    let session = use_session();
    let screen = expect_context::<RulesScreen>();
    let loaded = LocalResource::new(move || session.call(move |t| api::rules::get_one(t, id)));
    let current = RwSignal::new(None::<Rule>);
    Effect::new(move || {
        if let Some(Ok(r)) = loaded.get() {
            current.set(Some(r));
        }
    });
    let tab = RwSignal::new(Tab::Definition);
    let deleting = RwSignal::new(false);
    let delete_busy = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let run_result = RwSignal::new(None::<Result<RuleRun, String>>);

    let run_now = move |_| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        run_result.set(None);
        spawn_local(async move {
            let result = session.call(move |t| api::rules::run(t, id)).await;
            // The header's counters follow the run.
            if let Ok(r) = session.call(move |t| api::rules::get_one(t, id)).await {
                current.set(Some(r));
            }
            running.set(false);
            run_result.set(Some(result.map_err(|e| e.message())));
            screen.version.update(|v| *v += 1);
        });
    };
    let remove = Callback::new(move |()| {
        if delete_busy.get_untracked() {
            return;
        }
        delete_busy.set(true);
        spawn_local(async move {
            let result = session.call(move |t| api::rules::remove(t, id)).await;
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
    let run_line = move || {
        run_result.get().map(|r| match r {
            Ok(run) => {
                let ids = |list: &[i64]| list.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ");
                let plural =
                    |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
                let mut text = format!(
                    "Matched {}; {} at or over the threshold",
                    plural(run.matched_records, "record", "records"),
                    plural(run.groups, "group", "groups"),
                );
                if !run.created_ticket_ids.is_empty() {
                    text.push_str(&format!("; opened {}", ids(&run.created_ticket_ids)));
                }
                if !run.updated_ticket_ids.is_empty() {
                    text.push_str(&format!("; added to {}", ids(&run.updated_ticket_ids)));
                }
                if run.suppressed > 0 {
                    text.push_str(&format!("; {} suppressed", run.suppressed));
                }
                view! { <p class="banner banner-info" role="status" data-testid="run-result">{text}"."</p> }
                    .into_any()
            }
            Err(m) => view! { <p class="banner banner-error" role="alert" data-testid="run-result">{m}</p> }
                .into_any(),
        })
    };

    // Only the first answer builds the panel; later copies (after a save or a run) update the
    // header alone, so the form keeps its draft and the version it last saved.
    move || match loaded.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading the rule…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="banner banner-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(first)) => {
            let header = move || {
                current.get().map(|r| {
                    view! {
                        <header class="panel-head">
                            <div>
                                <h2 class="admin-title">{r.name.clone()}</h2>
                                <p class="muted small">
                                    {format!(
                                        "{} rule on {} · {} matches · {} tickets · {} suppressed · {} errors",
                                        labels::rule_kind(r.kind),
                                        r.table,
                                        r.match_count,
                                        r.ticket_count,
                                        r.suppressed_count,
                                        r.error_count
                                    )}
                                </p>
                                {r.last_error.clone().map(|e| view! { <p class="field-error small">{format!("Last error: {e}")}</p> })}
                            </div>
                            {(r.kind == RuleKind::Batch).then(|| view! {
                                <button type="button" class="btn btn-secondary btn-small" disabled=running on:click=run_now>
                                    {move || if running.get() { "Running…" } else { "Run now" }}
                                </button>
                            })}
                            <button type="button" class="btn btn-secondary btn-small btn-danger-text" on:click=move |_| deleting.set(true)>
                                "Delete"
                            </button>
                        </header>
                    }
                })
            };
            let suggested = first.dedup_fields.iter().map(|f| format!("{f}=")).collect::<Vec<_>>().join("\n");
            let rule_name = first.name.clone();
            view! {
                {header}
                {run_line}
                <div class="tabs panel-tabs" role="tablist" aria-label="Rule">
                    <button
                        type="button"
                        role="tab"
                        class="tab"
                        class:active=move || tab.get() == Tab::Definition
                        aria-selected=move || (tab.get() == Tab::Definition).to_string()
                        on:click=move |_| tab.set(Tab::Definition)
                    >
                        "Definition"
                    </button>
                    <button
                        type="button"
                        role="tab"
                        class="tab"
                        class:active=move || tab.get() == Tab::Suppressions
                        aria-selected=move || (tab.get() == Tab::Suppressions).to_string()
                        on:click=move |_| tab.set(Tab::Suppressions)
                    >
                        "Suppressions"
                    </button>
                </div>
                <div class:hidden=move || tab.get() != Tab::Definition>
                    <RuleForm rule=first on_saved=Callback::new(move |r: Rule| {
                        current.set(Some(r));
                        screen.version.update(|v| *v += 1);
                    }) />
                </div>
                <Show when=move || tab.get() == Tab::Suppressions>
                    <Suppressions rule_id=id suggested=suggested.clone() />
                </Show>
                <Show when=move || deleting.get()>
                    <ConfirmDialog
                        title=format!("Delete the rule {rule_name}?")
                        confirm_label="Delete"
                        danger=true
                        pending=delete_busy
                        error=delete_error
                        on_confirm=remove
                        on_close=Callback::new(move |()| deleting.set(false))
                    >
                        <p>"The rule and its suppressions are deleted. The tickets it opened stay."</p>
                    </ConfirmDialog>
                </Show>
            }
            .into_any()
        }
    }
}
