//! Tasks: the playbook runs on this ticket, newest first, each step's task with its status and
//! output; Run Playbook (for accounts with TICKET_EDIT). While a task is pending or running the
//! tab asks again every 1.5 s, and once a run ends the panel fetches the ticket it changed.

use std::time::Duration;

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::{
    Permission,
    playbooks::{PlaybookRun, PlaybookTask, RunStatus, TaskStatus},
};

use crate::{
    api,
    components::{
        common::{
            badges::TaskStatusBadge,
            bulk_results::{BulkOutcome, BulkResults},
        },
        shell::can,
        tickets::{
            detail::state::use_detail,
            run_playbook::{self, RunPlaybookDialog},
        },
    },
    format, labels,
    session::use_session,
};

/// How often an unfinished run is looked at again.
const POLL: Duration = Duration::from_millis(1500);

fn active(runs: &[PlaybookRun]) -> bool {
    runs.iter().any(|r| r.tasks.iter().any(|t| matches!(t.status, TaskStatus::Pending | TaskStatus::Running)))
}

/// The Tasks tab.
#[component]
pub fn TasksTab() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    let tick = RwSignal::new(0u64);
    let found = LocalResource::new(move || {
        tick.track();
        detail.changes.track();
        async move { session.call(move |t| api::playbooks::tasks(t, id)).await }
    });
    // Poll while something is unfinished; reload the ticket once it all ends.
    let was_active = StoredValue::new(false);
    Effect::new(move || {
        let Some(Ok(runs)) = found.get() else { return };
        let now = active(&runs);
        if now {
            set_timeout(
                move || {
                    if !tick.is_disposed() {
                        tick.update(|t| *t += 1);
                    }
                },
                POLL,
            );
        } else if was_active.get_value() {
            spawn_local(async move {
                let _ = detail.reload().await;
            });
        }
        was_active.set_value(now);
    });
    let list = move || match found.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the tasks…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(runs)) if runs.is_empty() => {
            view! { <p class="muted empty-note">"No playbook has run on this ticket."</p> }.into_any()
        }
        Some(Ok(runs)) => runs.into_iter().map(run_view).collect_view().into_any(),
    };
    view! {
        <RunPlaybookButton on_started=move |()| tick.update(|t| *t += 1) />
        <div data-testid="tasks-tab">{list}</div>
    }
}

fn run_status(s: RunStatus) -> TaskStatus {
    match s {
        RunStatus::Pending => TaskStatus::Pending,
        RunStatus::Running => TaskStatus::Running,
        RunStatus::Done => TaskStatus::Done,
        RunStatus::Failed => TaskStatus::Failed,
    }
}

fn run_view(run: PlaybookRun) -> impl IntoView {
    let rows = run.tasks.into_iter().map(task_row).collect_view();
    view! {
        <section class="playbook-run" data-run-id=run.id data-testid="playbook-run">
            <header class="playbook-run-head">
                <strong>{run.playbook_name}</strong>
                <TaskStatusBadge status=run_status(run.status) />
                <span class="muted small">
                    {format!("run #{} by {} · {}", run.id, run.started_by, format::datetime(run.created_at))}
                </span>
            </header>
            <table class="table tasks-table">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Step"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Output"</th>
                        <th scope="col">"Finished"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

fn task_row(t: PlaybookTask) -> impl IntoView {
    view! {
        <tr data-task-status=t.status.as_str()>
            <td class="num">{t.position + 1}</td>
            <td>{labels::step_kind(t.kind)}</td>
            <td><TaskStatusBadge status=t.status /></td>
            <td class="task-output">{t.output.unwrap_or_default()}</td>
            <td class="nowrap">{format::datetime_or_dash(t.finished_at)}</td>
        </tr>
    }
}

/// Run Playbook on this ticket (for accounts with TICKET_EDIT), and what starting it said.
#[component]
fn RunPlaybookButton(#[prop(into)] on_started: Callback<()>) -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let open = RwSignal::new(false);
    let outcome = RwSignal::new(None::<BulkOutcome>);
    let confirm = move |(book, name): (i64, String)| {
        open.set(false);
        let id = detail.id;
        spawn_local(async move {
            let o = run_playbook::start(session, book, name, vec![id]).await;
            on_started.run(());
            outcome.set(Some(o));
        });
    };
    view! {
        <Show when=move || can(Permission::TicketEdit)>
            <div class="request-row">
                <button type="button" class="btn btn-secondary btn-small" data-testid="run-playbook" on:click=move |_| open.set(true)>
                    "Run Playbook"
                </button>
            </div>
        </Show>
        <Show when=move || open.get()>
            <RunPlaybookDialog target=format!("ticket #{}", detail.id) on_confirm=confirm on_close=move |_| open.set(false) />
        </Show>
        {move || outcome.get().map(|o| view! { <BulkResults outcome=o on_close=move |_| outcome.set(None) /> })}
    }
}
