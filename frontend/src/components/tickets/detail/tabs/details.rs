//! Details: the evidence records that triggered the ticket, as a table, and the tickets related
//! to it by address or host (optionally inside a CIDR).

use leptos::{prelude::*, task::spawn_local};
use socdesk_types::tickets::EvidenceRecord;

use crate::{
    api::{self, ApiError},
    components::{
        common::{
            badges::StatusBadge,
            records::{RecordRow, RecordTable},
        },
        tickets::detail::{
            request::ExplanationRequestButton, state::use_detail, tabs::reputation::ReputationSection,
        },
    },
    format,
    session::{Session, use_session},
};

/// Evidence records fetched per page.
const PAGE: u64 = 100;

/// The ticket's evidence, fetched a page at a time (the first as soon as the panel opens: the
/// tab list needs to know whether there is any).
#[derive(Clone, Copy)]
pub struct EvidenceFeed {
    id: i64,
    session: Session,
    records: RwSignal<Vec<EvidenceRecord>>,
    total: RwSignal<Option<u64>>,
    next: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
}

impl EvidenceFeed {
    /// Starts fetching the first page.
    pub fn start(id: i64) -> Self {
        let feed = EvidenceFeed {
            id,
            session: use_session(),
            records: RwSignal::new(Vec::new()),
            total: RwSignal::new(None),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
        };
        feed.more();
        feed
    }

    /// Whether the ticket has any evidence (reactive; false until known).
    pub fn has_any(&self) -> bool {
        self.total.get().is_some_and(|t| t > 0)
    }

    /// The records fetched so far (reactive).
    pub fn records(&self) -> RwSignal<Vec<EvidenceRecord>> {
        self.records
    }

    /// Fetches the next page (the first, the first time).
    fn more(self) {
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        self.error.set(None);
        let (id, cursor) = (self.id, self.next.get_untracked());
        spawn_local(async move {
            let page = self.session.call(move |t| api::tickets::evidence(t, id, cursor.clone(), PAGE)).await;
            if self.loading.is_disposed() {
                return;
            }
            self.loading.set(false);
            match page {
                Ok(page) => {
                    self.records.update(|r| r.extend(page.items));
                    self.total.set(Some(page.total));
                    self.next.set(page.next_cursor);
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }
}

/// The Details tab.
#[component]
pub fn DetailsTab(evidence: EvidenceFeed) -> impl IntoView {
    view! {
        <ExplanationRequestButton />
        <EvidenceTable feed=evidence />
        <ReputationSection feed=evidence />
        <RelatedTickets />
    }
}

/// The evidence as a table, one column per field; Load more while there are more pages.
#[component]
fn EvidenceTable(feed: EvidenceFeed) -> impl IntoView {
    let count = move || match (feed.total.get(), feed.records.with(Vec::len)) {
        (None, _) => String::new(),
        (Some(total), shown) if (shown as u64) < total => format!("{shown} of {total} records"),
        (Some(1), _) => "1 record".into(),
        (Some(total), _) => format!("{total} records"),
    };
    let table = move || {
        let records = feed.records.get();
        if records.is_empty() {
            return match (feed.total.get(), feed.loading.get()) {
                (None, true) => {
                    view! { <p class="muted" aria-busy="true">"Loading the evidence…"</p> }.into_any()
                }
                (Some(0), _) => {
                    view! { <p class="muted empty-note">"This ticket has no evidence records."</p> }
                        .into_any()
                }
                _ => ().into_any(),
            };
        }
        let rows: Vec<RecordRow> = records.iter().map(RecordRow::from).collect();
        view! { <RecordTable rows=rows label="The ticket's evidence" test_id="evidence-table" /> }.into_any()
    };
    view! {
        <section class="tab-section" aria-labelledby="evidence-heading">
            <header class="section-head">
                <h4 id="evidence-heading">"Evidence"</h4>
                <span class="muted small">{count}</span>
            </header>
            {table}
            <p class="field-error" role="alert">{move || feed.error.get().map(|e| e.message())}</p>
            <Show when=move || feed.next.with(Option::is_some)>
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    disabled=move || feed.loading.get()
                    on:click=move |_| feed.more()
                >
                    {move || if feed.loading.get() { "Loading…" } else { "Load more" }}
                </button>
            </Show>
        </section>
    }
}

/// Other tickets sharing this one's source IP, destination IP or host, or inside a CIDR.
#[component]
fn RelatedTickets() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    let typed = RwSignal::new(String::new());
    let asked = RwSignal::new(None::<String>);
    let related = LocalResource::new(move || {
        let cidr = asked.get();
        async move { session.call(move |t| api::tickets::related(t, id, cidr.clone())).await }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = typed.get_untracked().trim().to_owned();
        asked.set((!text.is_empty()).then_some(text));
    };
    let cidr_error = move || match related.get() {
        Some(Err(e)) => Some(e.field("cidr").unwrap_or_else(|| e.message())),
        _ => None,
    };
    let list = move || match related.get() {
        None => view! { <p class="muted" aria-busy="true">"Looking for related tickets…"</p> }.into_any(),
        Some(Err(_)) => ().into_any(),
        Some(Ok(found)) if found.is_empty() => {
            let what = if asked.with(Option::is_some) {
                "No other ticket shares this ticket's addresses or host, or lies in that network."
            } else {
                "No other ticket shares this ticket's source IP, destination IP or host."
            };
            view! { <p class="muted empty-note">{what}</p> }.into_any()
        }
        Some(Ok(found)) => {
            let items = found
                .into_iter()
                .map(|r| {
                    let other = r.ticket.id;
                    let matched = r.matched_on.into_iter().map(|m| view! { <li class="chip">{m}</li> }).collect_view();
                    view! {
                        <li class="related-item">
                            <button type="button" class="link-btn ticket-title" on:click=move |_| detail.open(other)>
                                <span class="ticket-id">{format!("#{other}")}</span>
                                {r.ticket.title}
                            </button>
                            <StatusBadge status=r.ticket.status />
                            <span class="muted small">{format::datetime(r.ticket.created_at)}</span>
                            <ul class="chips matched" aria-label="Matched on">{matched}</ul>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="related-list" data-testid="related-tickets">{items}</ul> }.into_any()
        }
    };
    view! {
        <section class="tab-section" aria-labelledby="related-heading">
            <header class="section-head">
                <h4 id="related-heading">"Related tickets"</h4>
            </header>
            <form class="cidr-form" on:submit=search>
                <label class="visually-hidden" for="related-cidr">"Also inside network (CIDR)"</label>
                <input
                    id="related-cidr"
                    class="input"
                    class:invalid=move || cidr_error().is_some()
                    placeholder="Also inside a network, e.g. 10.0.0.0/24"
                    aria-describedby="related-cidr-error"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <button type="submit" class="btn btn-secondary btn-small">"Search"</button>
            </form>
            <div class="field-foot">
                <span id="related-cidr-error" class="field-error" role="alert">{cidr_error}</span>
            </div>
            {list}
        </section>
    }
}
