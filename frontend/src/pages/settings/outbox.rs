//! Settings > Outbox: every mail socdesk wrote, newest first — pending (not tried yet, or
//! retrying after a failure) or sent — with its attempts and last error. Filter by state or by
//! explanation; refresh by hand or on a timer.

use std::collections::BTreeSet;

use leptos::prelude::*;
use socdesk_types::mail::{OutboxMessage, OutboxStatus};

use super::SettingsHead;
use crate::{
    api::{self, Params},
    components::{
        admin::labels,
        common::{
            column_settings::ColumnDef,
            data_list::{DataList, ListRow, Sorting},
        },
    },
    format,
};

impl ListRow for OutboxMessage {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        i64::from(self.attempts) * 2 + i64::from(self.status == OutboxStatus::Sent)
    }
}

/// How a mail stands: sent, waiting for its first try, or failing (retried with back-off).
pub fn delivery(m: &OutboxMessage) -> (&'static str, &'static str) {
    match (m.status, m.last_error.is_some()) {
        (OutboxStatus::Sent, _) => ("Sent", "sent"),
        (OutboxStatus::Pending, true) => ("Failed, retrying", "failed"),
        (OutboxStatus::Pending, false) => ("Pending", "pending"),
    }
}

const COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "created", label: "Written", default: true },
    ColumnDef { key: "status", label: "Status", default: true },
    // The subject says which mail it is; the kind is a column to add.
    ColumnDef { key: "kind", label: "Mail", default: false },
    ColumnDef { key: "recipient", label: "Recipient", default: true },
    ColumnDef { key: "subject", label: "Subject", default: true },
    ColumnDef { key: "attempts", label: "Attempts", default: true },
    ColumnDef { key: "last_error", label: "Last error", default: true },
    ColumnDef { key: "delivery", label: "Sent / next try", default: true },
    ColumnDef { key: "explanation", label: "Explanation", default: false },
];

/// The outbox comes newest first.
const SORTING: Sorting = Sorting { key_of: |_| None, default: ("created_at", true) };

fn cell(column: &str, m: &OutboxMessage) -> AnyView {
    match column {
        "created" => format::datetime(m.created_at).into_any(),
        "status" => {
            let (label, class) = delivery(m);
            view! { <span class=format!("state state-{class}") data-testid="outbox-status">{label}</span> }
                .into_any()
        }
        "kind" => labels::mail_kind(m.kind).into_any(),
        "recipient" => m.recipient.clone().into_any(),
        "subject" => view! { <span class="outbox-subject">{m.subject.clone()}</span> }.into_any(),
        "attempts" => view! { <span class="num">{m.attempts}</span> }.into_any(),
        "last_error" => match &m.last_error {
            Some(e) => {
                view! { <span class="field-error small outbox-error" title=e.clone()>{e.clone()}</span> }
                    .into_any()
            }
            None => "—".into_any(),
        },
        "delivery" => match (m.status, m.sent_at, m.next_attempt_at) {
            (OutboxStatus::Sent, Some(at), _) => format::datetime(at).into_any(),
            (OutboxStatus::Pending, _, Some(at)) => view! {
                <span class="muted small block">"next try"</span>
                <span class="muted">{format::datetime(at)}</span>
            }
            .into_any(),
            _ => "—".into_any(),
        },
        "explanation" => m.explanation_id.map(|i| format!("#{i}")).unwrap_or_else(|| "—".into()).into_any(),
        _ => ().into_any(),
    }
}

/// The Outbox page.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let status = RwSignal::new(None::<OutboxStatus>);
    let explanation = RwSignal::new(String::new());
    let version = RwSignal::new(0u64);
    let params = Signal::derive(move || {
        Params::new()
            .opt("status", status.get().map(OutboxStatus::as_str))
            .opt("explanation_id", explanation.get().trim().parse::<i64>().ok())
    });
    let empty = Signal::derive(move || {
        if status.get().is_none() && explanation.with(|e| e.trim().is_empty()) {
            "No mail written yet: mails appear here when explanations are asked for, submitted or returned."
                .to_owned()
        } else {
            "No mail matches these filters.".to_owned()
        }
    });
    view! {
        <div class="page">
            <SettingsHead
                title="Outbox"
                intro="Every mail is written here first, in the same transaction as what caused it, then delivered over SMTP with retries. Without SMTP configured, mail waits here."
            />
            <div class="filter-bar" role="search">
                <label class="filter">
                    "Status"
                    <select
                        class="select"
                        aria-label="Status"
                        on:change=move |ev| status.set(OutboxStatus::parse(&event_target_value(&ev)))
                    >
                        <option value="">"All"</option>
                        <option value="pending">"Pending (and retrying)"</option>
                        <option value="sent">"Sent"</option>
                    </select>
                </label>
                <label class="filter">
                    "Explanation id"
                    <input
                        class="input input-number"
                        inputmode="numeric"
                        placeholder="any"
                        prop:value=move || explanation.get()
                        on:change=move |ev| explanation.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <DataList
                selectable=false
                name="outbox"
                noun=("mail", "mails")
                columns=COLUMNS
                fetch=|t, p| Box::pin(api::mail::outbox(t, p))
                params=params
                sort=Signal::derive(|| None::<String>)
                sorting=SORTING
                on_sort=Callback::new(|_| {})
                version=version
                selection=RwSignal::new(BTreeSet::new())
                cell=cell
                empty=empty
            />
        </div>
    }
}
